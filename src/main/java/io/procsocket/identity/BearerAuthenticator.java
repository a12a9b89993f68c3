package io.procsocket.identity;

import io.procsocket.config.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * --bearer=FILE: the accepted tokens' SHA-256 digests, one per line as {@code sha256sum} prints them (hex, then
 * optionally a name, which becomes REMOTE_USER); blank lines and # comments are skipped. The file never holds a
 * token, so reading it gives nobody access. A client's token is digested and compared with every entry in
 * constant time.
 */
public final class BearerAuthenticator implements Authenticator {
    private record Entry(byte[] digest, String user) { }

    private final List<Entry> entries;

    private BearerAuthenticator(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static BearerAuthenticator load(Path file) throws UsageException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("--bearer " + file + ": cannot read it: " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String hex = words[0].toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new UsageException("--bearer " + file + " line " + (i + 1)
                        + ": not a SHA-256 hex digest (make one with: printf %s TOKEN | sha256sum)");
            }
            // sha256sum prints "HEX  -" for stdin: a "-" is no name.
            String name = words.length > 1 && !words[1].trim().equals("-") ? words[1].trim() : "bearer-" + hex.substring(0, 12);
            entries.add(new Entry(HexFormat.of().parseHex(hex), name));
        }
        if (entries.isEmpty()) {
            throw new UsageException("--bearer " + file + ": no token digests in it");
        }
        return new BearerAuthenticator(entries);
    }

    @Override
    public String scheme() {
        return "Bearer";
    }

    @Override
    public Verdict check(Credentials credentials) {
        if (credentials.bearer() == null) {
            return Verdict.ABSENT;
        }
        byte[] digest = sha256(credentials.bearer());
        Entry found = null;
        // Every entry is compared, whatever matched: the time taken says nothing about which.
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), digest) && found == null) {
                found = e;
            }
        }
        return found == null ? new Verdict.Refused("unknown bearer token", "")
                : new Verdict.Admitted(new Identity(found.user(), scheme()));
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
