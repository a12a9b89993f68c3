package io.procsocket.web;

import java.util.concurrent.TimeUnit;

/**
 * The last step of an undeploy: an executor reports "terminated" a moment before its threads have
 * really exited, and the container checks for leftover threads right after contextDestroyed. Joining
 * our own threads (named procsocket-*, started by this web application's class loader) closes that gap.
 */
final class WebappThreads {
    private WebappThreads() { }

    /** True once every such thread has ended; false if one is still alive after {@code seconds}. */
    static boolean joinOwn(long seconds) {
        ClassLoader ours = WebappThreads.class.getClassLoader();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t == Thread.currentThread() || !t.getName().startsWith("procsocket-")
                    || t.getContextClassLoader() != ours) {
                continue;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
