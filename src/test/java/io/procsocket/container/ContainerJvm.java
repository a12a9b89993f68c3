package io.procsocket.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * The JVM a container runs in, seen from the test, for "redeploys leak nothing": how many web application
 * class loaders are still alive after a full garbage collection, the open descriptors, the threads, and
 * Tomcat's leak warnings. Where it runs:
 * <ul>
 * <li>embedded Tomcat 10.1 and 11 run in this JVM: measured in process (the JVM's own class histogram
 * through its DiagnosticCommand MBean, /proc/self, a handler on Tomcat's class loader logger);
 * <li>Debian's tomcat10 is the managed adapter's child process: measured from outside, with {@code jcmd}
 * (GC.class_histogram, Thread.print), /proc/PID/fd and the catalina log under its CATALINA_BASE;
 * <li>Payara Micro: nothing to measure. Its adapter stops the Payara Micro JVM on undeploy and boots a new
 * one for the next deploy, so no JVM lives through a redeploy ({@link #ofThisRun} returns null).
 * </ul>
 */
abstract class ContainerJvm {
    /** Tomcat's web application class loader: one instance per deployed (or leaked) application. */
    static final String WEBAPP_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";
    /** Where all of Tomcat's clearReferences* warnings ("... failed to stop it ... memory leak") come from. */
    private static final String LEAK_LOGGER = "org.apache.catalina.loader.WebappClassLoaderBase";
    /**
     * HotSpot starts and ends compiler threads by the length of its compile queue
     * (UseDynamicNumberOfCompilerThreads): not the container's, and not steady.
     */
    private static final Pattern COMPILER_THREAD = Pattern.compile("C\\d CompilerThread\\d+");
    /**
     * The one leak warning that is not a leak: Tomcat's utility thread binds a context's class loader
     * while it runs that context's background processing (ContainerBase$ContainerBackgroundProcessor),
     * and when an undeploy checks threads during that call it reports its own thread, whose loader is put
     * back right after. The class loader count below still catches any loader that really stays.
     */
    private static final String TOMCAT_OWN_THREAD = "[Catalina-utility-";

    /**
     * What a redeploy could leave behind. Descriptors are counted by what they point to, sockets left
     * out: they are the connections of the test's HTTP and WebSocket clients and of the container's
     * connector, which come and go with keep-alive, and the gateway opens none of its own.
     */
    record Snapshot(int webappLoaders, Map<String, Integer> descriptors, Map<String, Integer> threads) {
        int descriptorCount() {
            return descriptors.values().stream().mapToInt(Integer::intValue).sum();
        }

        int threadCount() {
            return threads.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The container JVM of this failsafe execution, or null where none outlives an undeploy (Payara Micro). */
    static ContainerJvm ofThisRun() {
        String container = System.getProperty("procsocket.it.container", "");
        if (container.endsWith("-embedded")) {
            return new InProcess();
        }
        if (container.equals("debian-tomcat10-managed")) {
            return External.tomcat(Path.of(System.getProperty("tomcat.managed.base")));
        }
        return null;
    }

    /** Whether the container runs in this JVM (embedded) rather than in a process of its own. */
    abstract boolean isThisJvm();

    /** Web application class loaders alive after a full GC, descriptors and threads, now. */
    final Snapshot snapshot() {
        // The histogram first: from outside it is also what starts the JVM's attach listener (a thread and a
        // socket that then stay), so every snapshot, the baseline too, sees it.
        int loaders = instances(classHistogram(), WEBAPP_LOADER);
        return new Snapshot(loaders, descriptors(), threadNames());
    }

    /** Where the container's log is now; {@link #leakWarningsSince} reads what came after. */
    abstract Object logMark();

    /** Tomcat's leak warnings since {@code mark}, once {@code undeploys} more undeploys have been logged. */
    abstract List<String> leakWarningsSince(Object mark, int undeploys);

    /** The class histogram, which a full GC precedes (GC.class_histogram without -all). */
    abstract String classHistogram();

    abstract Map<String, Integer> descriptors();

    abstract List<String> javaThreadNames();

    private Map<String, Integer> threadNames() {
        Map<String, Integer> names = new TreeMap<>();
        for (String name : javaThreadNames()) {
            if (!COMPILER_THREAD.matcher(name).matches() && !ignoredThread(name)) {
                names.merge(name, 1, Integer::sum);
            }
        }
        return names;
    }

    /**
     * Threads that belong to neither the container nor the application (the test's own, in process). The JDK's
     * "process reaper" threads are the JDK's pool for every ProcessBuilder user in the JVM (the portable process
     * backend's programs, the container's own): system threads that hold no class loader of ours and idle 60 s
     * before they end, longer than the wait for the baseline.
     */
    boolean ignoredThread(String name) {
        return name.equals("process reaper");
    }

    /**
     * Waits, bounded, until a snapshot is back to the baselines: no more web application class loaders
     * than before the first deploy ({@code before}: each undeployed copy must be collectable, which takes
     * a few collections, since JNA's Native has a finalizer and the JDK unloads a native library only
     * after its class loader is gone), and no more descriptors and threads than after the first cycle
     * ({@code warm}: the first deployment starts JVM-wide things that stay, such as /dev/urandom for
     * session ids). Returns the snapshot that got there, or fails with the last one against the baselines.
     */
    Snapshot awaitBackTo(Snapshot before, Snapshot warm, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Snapshot now = snapshot();
            boolean loadersBack = now.webappLoaders() <= before.webappLoaders();
            boolean descriptorsBack = now.descriptorCount() <= warm.descriptorCount();
            boolean threadsBack = now.threadCount() <= warm.threadCount();
            if (loadersBack && descriptorsBack && threadsBack) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not back to the baseline within " + limit + ":"
                        + (loadersBack ? "" : "\n  live " + WEBAPP_LOADER + " after GC: " + now.webappLoaders()
                                + ", before the first deploy: " + before.webappLoaders())
                        + (descriptorsBack ? "" : "\n  descriptors (sockets aside): " + now.descriptorCount()
                                + ", baseline " + warm.descriptorCount() + "; more: "
                                + grown(warm.descriptors(), now.descriptors()))
                        + (threadsBack ? "" : "\n  threads: " + now.threadCount() + ", baseline "
                                + warm.threadCount() + "; more: " + grown(warm.threads(), now.threads())));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static Map<String, Integer> grown(Map<String, Integer> then, Map<String, Integer> now) {
        Map<String, Integer> more = new TreeMap<>();
        now.forEach((k, n) -> {
            int was = then.getOrDefault(k, 0);
            if (n > was) {
                more.put(k, n - was);
            }
        });
        return more;
    }

    static int instances(String histogram, String className) {
        // "  12:            9           1512  org.apache.catalina.loader.ParallelWebappClassLoader"
        Matcher m = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)",
                Pattern.MULTILINE).matcher(histogram);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Every descriptor in /proc/PID/fd but sockets, by target (pipe and inode numbers dropped). */
    static Map<String, Integer> descriptorsOf(Path fdDir) {
        Map<String, Integer> targets = new TreeMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile, like the directory stream's own descriptor
                }
                if (!target.startsWith("socket:")) {
                    targets.merge(target.replaceAll("^(pipe|anon_inode):\\[\\d+\\]$", "$1:"), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return targets;
    }

    /**
     * Whether a warning of Tomcat's class loader logger reports a leak. Every warning it logs is one of its
     * clearReferences* checks at stop (a thread not stopped, a ThreadLocal, a JDBC driver, a timer, ...),
     * in whatever language Tomcat speaks, so all of them count but the one above.
     */
    static boolean isLeakWarning(String message) {
        return !message.contains(TOMCAT_OWN_THREAD);
    }

    /** A warning's first line, at most 300 characters (its stack trace and the rest are in the log). */
    static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Embedded Tomcat: the container shares this JVM. */
    private static final class InProcess extends ContainerJvm {
        private final Logger leakLogger = Logger.getLogger(LEAK_LOGGER);
        private final List<String> warnings = new CopyOnWriteArrayList<>();

        InProcess() {
            leakLogger.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (record.getLevel().intValue() >= Level.WARNING.intValue()
                            && isLeakWarning(String.valueOf(record.getMessage()))) {
                        warnings.add(firstLine(record.getMessage()));
                    }
                }

                @Override
                public void flush() { }

                @Override
                public void close() { }
            });
        }

        @Override
        boolean isThisJvm() {
            return true;
        }

        @Override
        Object logMark() {
            return warnings.size();
        }

        @Override
        List<String> leakWarningsSince(Object mark, int undeploys) {
            // Logged synchronously by the undeploy itself, so already here.
            return new ArrayList<>(warnings.subList((Integer) mark, warnings.size()));
        }

        @Override
        String classHistogram() {
            try {
                return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                        new Object[] {new String[0]}, new String[] {String[].class.getName()});
            } catch (Exception e) {
                throw new IllegalStateException("cannot take this JVM's class histogram", e);
            }
        }

        @Override
        Map<String, Integer> descriptors() {
            return descriptorsOf(Path.of("/proc/self/fd"));
        }

        @Override
        List<String> javaThreadNames() {
            return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toList());
        }

        /**
         * The test's own clients: java.net.http's executor and selector threads, and the common pool their
         * futures complete on, grow and shrink with the client's traffic.
         */
        @Override
        boolean ignoredThread(String name) {
            return super.ignoredThread(name) || name.startsWith("HttpClient-")
                    || name.startsWith("ForkJoinPool.commonPool-");
        }
    }

    /** A container in its own JVM, a child process of this one. */
    private static final class External extends ContainerJvm {
        private static final Pattern JAVA_THREAD = Pattern.compile("^\"(.*)\" #\\d+ ", Pattern.MULTILINE);
        private static final Duration JCMD_WAIT = Duration.ofSeconds(60);
        private static final String UNDEPLOYED_LINE = "Undeploying context [";

        private final long pid;
        private final Path logs;

        private External(long pid, Path logs) {
            this.pid = pid;
            this.logs = logs;
        }

        /** The managed Tomcat this JVM started, found by its -Dcatalina.base. */
        static External tomcat(Path base) {
            String property = "-Dcatalina.base=" + base;
            long pid = ProcessHandle.current().descendants()
                    .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).contains(property))
                    .mapToLong(ProcessHandle::pid).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no running Tomcat with " + property));
            return new External(pid, base.resolve("logs"));
        }

        @Override
        boolean isThisJvm() {
            return false;
        }

        @Override
        String classHistogram() {
            return jcmd("GC.class_histogram");
        }

        /**
         * The adapter's own JMX connections (it looks every deployment up over JMX): each has an RMI thread
         * and a timeout thread in the server until the adapter's connection closes or times out.
         */
        @Override
        boolean ignoredThread(String name) {
            return name.startsWith("JMX server connection timeout") || name.startsWith("RMI TCP Connection(");
        }

        @Override
        Map<String, Integer> descriptors() {
            return descriptorsOf(Path.of("/proc", Long.toString(pid), "fd"));
        }

        @Override
        List<String> javaThreadNames() {
            List<String> names = new ArrayList<>();
            Matcher m = JAVA_THREAD.matcher(jcmd("Thread.print"));
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        /** The length of every catalina log so far (it is one file per day). */
        @Override
        Object logMark() {
            Map<Path, Long> sizes = new TreeMap<>();
            for (Path log : catalinaLogs()) {
                try {
                    sizes.put(log, Files.size(log));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return sizes;
        }

        /**
         * Tomcat writes its log on a thread of its own (AsyncFileHandler), and an undeploy logs its leak
         * warnings before "Undeploying context [...]": once that line is there for every undeploy, so is
         * every warning.
         */
        @Override
        List<String> leakWarningsSince(Object mark, int undeploys) {
            @SuppressWarnings("unchecked")
            Map<Path, Long> sizes = (Map<Path, Long>) mark;
            long deadline = System.nanoTime() + JCMD_WAIT.toNanos();
            while (true) {
                List<String> lines = new ArrayList<>();
                for (Path log : catalinaLogs()) {
                    lines.addAll(tail(log, sizes.getOrDefault(log, 0L)));
                }
                long logged = lines.stream().filter(l -> l.contains(UNDEPLOYED_LINE)).count();
                if (logged >= undeploys || System.nanoTime() > deadline) {
                    List<String> warnings = lines.stream().filter(l -> l.contains(LEAK_LOGGER)
                            && (l.contains(" WARNING [") || l.contains(" SEVERE [")) && isLeakWarning(l))
                            .map(ContainerJvm::firstLine).collect(Collectors.toList());
                    if (logged < undeploys) {
                        warnings.add("(only " + logged + " of " + undeploys + " undeploys were logged in " + logs + ")");
                    }
                    return warnings;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        private List<Path> catalinaLogs() {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "catalina.*.log")) {
                List<Path> all = new ArrayList<>();
                files.forEach(all::add);
                return all;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static List<String> tail(Path log, long from) {
            try {
                byte[] all = Files.readAllBytes(log);
                int start = (int) Math.min(from, all.length);
                return new String(all, start, all.length - start, StandardCharsets.UTF_8).lines()
                        .collect(Collectors.toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String jcmd(String command) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            try {
                Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                        .start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(JCMD_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish");
                }
                String text = new String(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + text);
                }
                return text;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + jcmd, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
