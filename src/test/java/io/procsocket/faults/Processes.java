package io.procsocket.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What the OS says about processes and this JVM, read from /proc: the truth a leak test must check,
 * independent of what the server believes it is tracking. A zombie counts as gone: it runs nothing
 * and holds no pipe; reaping orphans is init's job, not ours.
 */
final class Processes {
    private Processes() { }

    static long self() {
        return ProcessHandle.current().pid();
    }

    /** Live (non-zombie) processes whose parent is {@code ppid}. */
    static Set<Long> childrenOf(long ppid) {
        return scan(fields -> Long.parseLong(fields[1]) == ppid);
    }

    /** Live (non-zombie) processes in any of these process groups. */
    static Set<Long> inGroups(Collection<Long> pgids) {
        return scan(fields -> pgids.contains(Long.parseLong(fields[2])));
    }

    static boolean alive(long pid) {
        String[] f = stat(pid);
        return f != null && !"Z".equals(f[0]);
    }

    /** Open file descriptors of this JVM. */
    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd", e);
        }
    }

    /**
     * Polls {@code condition} every 10 ms until it holds or {@code timeout} passes. Processes ending is
     * an OS event nothing here can wait on, so a bounded poll is the honest way to observe it.
     */
    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    private interface StatFilter {
        boolean test(String[] fieldsAfterName);
    }

    private static Set<Long> scan(StatFilter filter) {
        Set<Long> found = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> {
                        String[] f = stat(Long.parseLong(n));
                        if (f != null && !"Z".equals(f[0]) && filter.test(f)) {
                            found.add(Long.parseLong(n));
                        }
                    });
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, ...; null if the process is gone. */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null; // exited between listing and reading
        }
    }
}
