package io.procsocket.process.portable;

import io.procsocket.process.Signal;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where a portable child's signals go: its process group where it leads one (one kill(1) to the negative pid), and
 * in any case every descendant ProcessHandle has found, one by one, so that what left the group (setsid, setpgid)
 * or was never in one (macOS, Windows) is ended too. Descendants are collected at every step and remembered, so
 * one whose parent has already exited (and which the OS no longer lists under the child) is still reached.
 */
final class ProcessTree {
    private static final System.Logger LOG = System.getLogger(ProcessTree.class.getName());
    /** kill(1) returns in a millisecond or two; one that does not is not waited for longer than this. */
    private static final long KILL_COMMAND_WAIT_MS = 2000;

    private final ProcessHandle leader;
    private final Platform platform;
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();

    ProcessTree(ProcessHandle leader, Platform platform) {
        this.leader = leader;
        this.platform = platform;
    }

    /** Sends {@code signal} to the whole tree; false if none of it was left to receive it. */
    boolean signal(Signal signal) {
        collect();
        List<ProcessHandle> loose = new ArrayList<>();
        boolean anyone = false;
        if (platform.groups()) {
            anyone = killCommand(signal.name(), List.of("-" + leader.pid()));
            if (!anyone && leader.isAlive()) {
                // Signalled within a moment of its start, before setsid(1) has made it a group leader.
                loose.add(leader);
            }
            for (ProcessHandle h : seen) {
                // What stayed in the group had the signal already; only what left it gets it again (or, where the
                // group cannot be read, only the final KILL, which nothing can mind receiving twice).
                if (!h.isAlive()) {
                    continue;
                }
                long pgrp = processGroup(h.pid());
                boolean leftTheGroup = pgrp > 0 && pgrp != leader.pid();
                if (leftTheGroup || pgrp <= 0 && signal == Signal.KILL) {
                    loose.add(h);
                }
            }
        } else {
            if (leader.isAlive()) {
                loose.add(leader);
            }
            seen.stream().filter(ProcessHandle::isAlive).forEach(loose::add);
        }
        anyone |= !loose.isEmpty();
        send(signal, loose);
        return anyone;
    }

    /** True while anything of the tree is still there. */
    boolean alive() {
        collect();
        if (leader.isAlive() || seen.stream().anyMatch(ProcessHandle::isAlive)) {
            return true;
        }
        // Only the group can still hold something: a member whose parent exited before anyone looked.
        return platform.groups() && killCommand("0", List.of("-" + leader.pid()));
    }

    private void collect() {
        if (leader.isAlive()) {
            leader.descendants().forEach(seen::add);
        }
        for (ProcessHandle h : List.copyOf(seen)) {
            if (h.isAlive()) {
                h.descendants().forEach(seen::add);
            }
        }
        seen.removeIf(h -> !h.isAlive());
    }

    private void send(Signal signal, List<ProcessHandle> targets) {
        if (targets.isEmpty()) {
            return;
        }
        // Not a switch on the enum: that would be one more class to load, and in a container the kill path may run
        // after our class loader has been closed (see PortableBackend#prepareForShutdown).
        if (signal == Signal.TERM) {
            // SIGTERM on Unix; on Windows TerminateProcess, as forcible as KILL.
            targets.forEach(ProcessHandle::destroy);
        } else if (signal == Signal.KILL) {
            targets.forEach(ProcessHandle::destroyForcibly);
        } else if (!platform.windows() && platform.kill() != null) {
            // The JDK can send only TERM and KILL; Windows has no other signal at all (TERM follows INT in the kill
            // sequence, and a client's other signals are refused before they get here).
            killCommand(signal.name(), targets.stream().map(h -> Long.toString(h.pid())).toList());
        }
    }

    /** Runs kill(1): true if it reached someone (its exit status 0). */
    private boolean killCommand(String signal, List<String> targets) {
        List<String> command = new ArrayList<>(List.of(platform.kill(), "-" + signal, "--"));
        command.addAll(targets);
        try {
            Process kill = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.getOutputStream().close();
            if (!kill.waitFor(KILL_COMMAND_WAIT_MS, TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
                LOG.log(Level.WARNING, "kill(1) did not return within " + KILL_COMMAND_WAIT_MS + " ms: " + command);
                return true;
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot run kill(1) " + command + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** On Linux /proc says which group a process is in (-1 where it cannot: elsewhere, or it has gone). */
    private static long processGroup(long pid) {
        try {
            String stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")),
                    StandardCharsets.ISO_8859_1);
            // "pid (comm) S ppid pgrp ...": comm may itself contain ") ".
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
