package io.procsocket.shared.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One route's keys in Redis. Named by the SHA-1 of the program's path, so that no byte of a path (which may be
 * anything a file name holds) ever reaches a key, and in one hash slot ({...}) so the scripts may touch them all.
 *
 * @param out     stream of the program's output and of its lifecycle events, read by every instance
 * @param in      stream of clients' messages for its stdin, read by the owner
 * @param lease   which instance runs the program (SET NX PX, renewed by the owner)
 * @param members sorted set: instances with clients, scored by when their entry expires
 * @param epoch   counter bumped when the program ends for its clients; presence from before it no longer counts
 * @param inSeen  the last input entry a program was given, where the next owner reads on from
 */
record RouteKeys(String name, byte[] out, byte[] in, byte[] lease, byte[] members, byte[] epoch, byte[] inSeen) {
    static RouteKeys of(String program) {
        String tag = "procsocket:{" + sha1(program) + "}:";
        return new RouteKeys(sha1(program), bytes(tag + "out"), bytes(tag + "in"), bytes(tag + "lease"),
                bytes(tag + "members"), bytes(tag + "epoch"), bytes(tag + "in-seen"));
    }

    static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] ascii) {
        return new String(ascii, StandardCharsets.ISO_8859_1);
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
