package io.procsocket.process.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** What Linux's /proc says about processes, as the orphan reaper reads it: each read a snapshot that may be stale. */
final class ProcFs {
    /** Most of an environment read; programs' environments are a few KiB. */
    private static final int MAX_ENVIRON = 1 << 20;

    private ProcFs() { }

    /** The fields of /proc/PID/stat the orphan reaper needs. */
    record Stat(char state, int ppid, int pgrp, int session, long start) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        /** Null if there is no such process (any more). */
        static Stat read(int pid) {
            try {
                String s = new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "stat")),
                        StandardCharsets.ISO_8859_1);
                // "pid (comm) S ppid pgrp session ... starttime(22nd)": comm may itself contain ") ".
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return new Stat(f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Long.parseLong(f[19]));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

/**
 * The pids whose parent is {@code self}: from the kernel's per-thread children lists in {@code tasks}
 * (/proc/SELF/task) when given, else (kernels without CONFIG_PROC_CHILDREN) by reading every /proc/PID/stat.
 */
static Set<Integer> childrenOf(int self, Path tasks) throws IOException {
        Set<Integer> pids = new HashSet<>();
        if (tasks != null) {
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path task : threads) {
                    String list;
                    try {
                        list = new String(Files.readAllBytes(task.resolve("children")), StandardCharsets.ISO_8859_1);
                    } catch (IOException e) {
                        continue; // that thread has just ended; its children moved to another
                    }
                    for (String pid : list.trim().split(" ")) {
                        if (!pid.isEmpty()) {
                            pids.add(Integer.parseInt(pid));
                        }
                    }
                }
            }
        } else {
            try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"),
                    p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
                for (Path p : all) {
                    int pid = Integer.parseInt(p.getFileName().toString());
                    Stat st = Stat.read(pid);
                    if (st != null && st.ppid() == self) {
                        pids.add(pid);
                    }
                }
            }
        }
        return pids;
    }

    /**
     * The value of {@code name} in a live process's environment (as it was at exec), or null if it has none.
     * An empty environment is a zombie or a process between the two halves of execve: an IOException, ask later.
     */
    static String environmentValue(int pid, String name) throws IOException {
        byte[] prefix = (name + "=").getBytes(StandardCharsets.US_ASCII);
        byte[] env;
        try (InputStream in = Files.newInputStream(Path.of("/proc", Integer.toString(pid), "environ"))) {
            env = in.readNBytes(MAX_ENVIRON);
        }
        if (env.length == 0) {
            // A zombie, or a process between the two halves of execve: ask again at the next sweep.
            throw new IOException("environment of " + pid + " is empty");
        }
        int start = 0;
        while (start < env.length) {
            int end = start;
            while (end < env.length && env[end] != 0) {
                end++;
            }
            if (end - start >= prefix.length && startsWith(env, start, prefix)) {
                return new String(env, start + prefix.length, end - start - prefix.length,
                        StandardCharsets.ISO_8859_1);
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
