package io.procsocket.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether a process that is not ours (the container's child or grandchild) still runs. A zombie counts
 * as gone: it holds no resources, and an orphan's zombie stays until some init reaps it.
 */
final class ProcessState {
    private ProcessState() { }

    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc for pid " + pid, e);
        }
    }

    /**
     * Waits, bounded, for a process to be gone. Linux gives no event for the death of a process that is
     * not our child (pidfd is out of Java's reach), so this is the one place that polls /proc.
     */
    static void awaitGone(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process " + pid + " still running " + timeout + " after undeploy");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
