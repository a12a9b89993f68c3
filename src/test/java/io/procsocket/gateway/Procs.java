package io.procsocket.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What /proc says about a pid: a process that is gone or only a zombie no longer runs anything. */
public final class Procs {
    private Procs() { }

    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": the state follows the last ')' (comm may itself contain ')').
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The parent's pid, or -1 if there is no such process. */
    public static long parent(long pid) {
        String[] f = fields(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    /** The session id, or -1 if there is no such process. */
    public static long session(long pid) {
        String[] f = fields(pid);
        return f == null ? -1 : Long.parseLong(f[3]);
    }

    /** Start time in clock ticks since boot (with the pid it names one process), or -1 if there is none. */
    public static long startTime(long pid) {
        String[] f = fields(pid);
        return f == null ? -1 : Long.parseLong(f[19]);
    }

    /**
     * True once the process that had {@code startTime} (-1 if it was gone before it could be read) is reaped:
     * no zombie left. Its pid may already be someone else's, hence the start time.
     */
    public static boolean reaped(long pid, long startTime) {
        long now = startTime(pid);
        return now == -1 || now != startTime;
    }

    /** Fields of /proc/PID/stat after the command name (state, ppid, pgrp, session, ...); null if none. */
    private static String[] fields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** The number a script wrote to {@code file}; -1 while it is missing, empty or half-written. */
    public static long readNumber(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public static void awaitGone(long pid, Duration limit) {
        Bounded.await("pid " + pid + " gone", limit, () -> !running(pid));
    }

    /** Reads a pid a script wrote to {@code file}, waiting until it is there. */
    public static long readPid(Path file) throws IOException {
        Bounded.await(file + " written", Duration.ofSeconds(10), () -> {
            try {
                return Files.exists(file) && Files.readString(file).trim().matches("\\d+");
            } catch (IOException e) {
                return false;
            }
        });
        return Long.parseLong(Files.readString(file).trim());
    }
}
