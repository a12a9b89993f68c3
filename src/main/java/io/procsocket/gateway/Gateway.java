package io.procsocket.gateway;

import io.procsocket.config.Config;
import io.procsocket.config.CommandLine;
import io.procsocket.config.UsageException;
import io.procsocket.identity.FailureThrottle;
import io.procsocket.identity.Identity;
import io.procsocket.log.GatewayLog;
import io.procsocket.ops.Metrics;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.ProcessBackend;
import io.procsocket.process.ProcessBackends;
import io.procsocket.process.StdinBacklog;
import io.procsocket.protocol.Subprotocol;
import io.procsocket.shared.SharedBus;
import io.procsocket.shared.SharedProcess;
import io.procsocket.shared.SharedRoutes;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything one served gateway shares between connections, whether it runs standalone or in a
 * servlet container: the config, the fork limit, the tickets in flight, the threads that read
 * children's output (the {@link ProcessBackend}), and the set of live children so that shutdown can end
 * them all.
 */
public final class Gateway implements AutoCloseable {
    /** Where admitted upgrades are sent; a path no script can own because the front door rewrites to it. */
    public static final String ENDPOINT_PATH = "/.procsocket/gateway";
    /** Where admitted echo upgrades are sent (the client asks for {@link ReservedPaths#ECHO}). */
    public static final String ECHO_ENDPOINT_PATH = "/.procsocket/echo-session";
    /**
     * Most upgrades admitted and not yet opened at once, whatever --maxforks says (0 = no limit): each one
     * holds its request's headers for at most {@link PendingConnections#EXPIRY_MS}.
     */
    static final int MAX_PENDING = 4096;
    private static final Refusal PROTOCOL_REQUIRED = Refusal.BAD_REQUEST.withBody(
            "400 Bad Request: this server requires the " + Subprotocol.V1 + " subprotocol (Sec-WebSocket-Protocol)\n");
    /** Stack for the threads that may block: close frames, CGI's request body and stderr. Shallow work. */
    private static final long WORKER_STACK_BYTES = 256 * 1024;
    /** Not "procsocket-worker", which is Grizzly's pool: a thread dump must tell the two apart. */
    private static final String WORKER_THREAD_PREFIX = "procsocket-blocking";
    /** How often a deployed WAR looks at its routes file. */
    static final long CONFIG_POLL_MS = 2000;
    /** How long close() lets connections finish once every child is gone. */
    private static final long FINISH_WAIT_MS = 2000;
    /** JVM-wide, so that no two gateways here (tests run several) give two connections the same UNIQUE_ID. */
    private static final AtomicLong LAST_ID = new AtomicLong();

    private final Config config;
    private final AuthorizeHook authorize;
    private final ForkLimiter forks;
    /** One for every route: a guesser is slowed down whichever route it tries. */
    private final FailureThrottle throttle = new FailureThrottle();
    /** The routes and what admission needs of each; a reload (--config) replaces it whole. */
    private volatile Routing routing;
    private final PendingConnections pending;
    private final String directoryKey;
    private final ScheduledExecutorService timer;
    /** Chosen in the background: binding libc through JNA takes ~70 ms that overlap the server's own start. */
    private final CompletableFuture<ProcessBackend> processes;
    private final ExecutorService workers;
    private final Set<ChildProcess> live = ConcurrentHashMap.newKeySet();
    private volatile ProcessBackends.Choice processChoice;
    private volatile boolean closing;
    /** Set by {@link #beginShutdown}: readiness probes answer DOWN from then on. */
    private volatile boolean shuttingDown;
    /** Each shared route's one process (--shared, or a routes file's shared routes). */
    private final SharedRoutes shared;
    /** --metrics, or {@link Metrics#OFF}. */
    private final Metrics metrics;

    /** A route's gate: who may use it and how many of its programs may run. */
    record Gate(IdentityCheck identity, ForkLimiter forks) { }

    /** The router of one config and, for the server's settings and each route's, its gate. */
    private record Routing(Config config, Router router, Map<Config, Gate> gates) {
        Gate gate(Config settings) {
            Gate g = settings == null ? null : gates.get(settings);
            return g != null ? g : gates.get(config);
        }
    }

    /** In a servlet container: the JVM is not ours, so orphans that left their tree are not ours to end. */
    public Gateway(Config config) {
        this(config, ProcessBackends.Host.CONTAINER);
    }

    public Gateway(Config config, ProcessBackends.Host host) {
        this.config = config;
        this.forks = new ForkLimiter(config.maxForks());
        try {
            // First: a bad password file must stop the start with nothing running.
            this.routing = routing(config);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.metrics = Metrics.create(config.metrics());
        this.authorize = new AuthorizeHook(this);
        // First, before any thread starts: with --shared-bus this reaches Redis, and a server that cannot must fail
        // to start with nothing left running.
        this.shared = new SharedRoutes(forks, SharedBus.factory(this));
        this.processes = CompletableFuture.supplyAsync(() -> {
            ProcessBackends.Choice choice = ProcessBackends.start(host, config.closeMs());
            processChoice = choice;
            return choice.backend();
        }, r -> {
            Thread t = new Thread(r, "procsocket-start");
            t.setDaemon(true);
            t.start();
        });
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("procsocket-timer", 0));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.directoryKey = GatewayDirectory.add(this);
        this.pending = new PendingConnections(directoryKey, MAX_PENDING, timer, this::releasePlace);
        this.workers = Executors.newCachedThreadPool(daemon(WORKER_THREAD_PREFIX, WORKER_STACK_BYTES));
    }

    /**
     * Decides, before any upgrade, whether this request gets a process (or the echo endpoint). Both front
     * doors call this, so standalone and in-container behaviour cannot drift apart. A path that is not
     * clean is redirected first (301, as websocketd's Go server does); then, after the handshake itself is
     * checked: the route (404/403; finding it keeps nothing, and what follows depends on its settings), who the
     * client is (401/429), --protocol=required (400), --maxforks (429, the route's within the server's), the
     * Origin (403), the --authorize hook (403). websocketd checks --maxforks before the route; here a stranger
     * never gets as far as a fork slot. The slot is taken before the upgrade, so concurrent upgrades never
     * exceed --maxforks; the ticket holds it until the endpoint claims it, and gives it back if the upgrade never
     * completes.
     */
    public Admission admit(HandshakeInfo request) {
        Admission admission = decide(request);
        if (!admission.accepted() && admission.refusal().status() >= 400) {
            metrics.refused(admission.refusal().status());
        }
        return admission;
    }

    private Admission decide(HandshakeInfo request) {
        GatewayLog log = GatewayLog.root().with("url", request.logUrl()).with("remote", request.remoteAddr());
        Refusal moved = CleanPath.redirect(request.contextPath(), request.path(), request.rawQuery());
        if (moved != null) {
            log.access("http", "REDIRECT to %s (path cleaned)", moved.headers().get(0).value());
            return Admission.refused(moved);
        }
        HandshakeCheck.Failure bad = HandshakeCheck.check(request);
        if (bad != null) {
            log.access("http", "BAD HANDSHAKE (%d): %s", bad.refusal().status(), bad.reason());
            return Admission.refused(bad.refusal());
        }
        Routing now = routing;
        if (ReservedPaths.reserved(request.path())) {
            if (!(config.echoEndpoint() && ReservedPaths.echo(request.path()))) {
                log.access("session", "NOT FOUND: reserved path");
                return Admission.refused(Refusal.NOT_FOUND);
            }
            return admitEcho(request, now.gate(config), log);
        }
        // Finding the route keeps nothing; what comes after depends on its settings.
        ScriptLocator.Lookup lookup = lookup(now, request, log);
        if (lookup.route() == null) {
            return Admission.refused(lookup.refusal());
        }
        Route route = lookup.route();
        Config settings = route.config() == null ? config : route.config();
        Gate gate = now.gate(settings);
        // Before anything is kept or counted for the request: no fork slot, no ticket, no program for a stranger.
        IdentityCheck.Decision who = gate.identity().check(request, log);
        if (!who.admitted()) {
            return Admission.refused(who.refusal());
        }
        if (settings.protocol().required() && !Subprotocol.offered(request.headers())) {
            log.access("http", "BAD HANDSHAKE (400): %s not offered (--protocol=required)", Subprotocol.V1);
            return Admission.refused(PROTOCOL_REQUIRED);
        }
        if (settings.shared().enabled()) {
            return admitShared(request, route, settings, who.identity(), log);
        }
        if (!gate.forks().tryAcquire()) {
            log.error("http", "Max of possible forks already active, upgrade rejected");
            return Admission.refused(Refusal.TOO_MANY);
        }
        Admission admission = admitWithSlot(request, route, settings, who.identity(), gate.forks(), log);
        if (!admission.accepted()) {
            gate.forks().release();
        }
        return admission;
    }

    /** The echo endpoint: the server's own settings, a fork slot like a program's. */
    private Admission admitEcho(HandshakeInfo request, Gate gate, GatewayLog log) {
        IdentityCheck.Decision who = gate.identity().check(request, log);
        if (!who.admitted()) {
            return Admission.refused(who.refusal());
        }
        if (!forks.tryAcquire()) {
            log.error("http", "Max of possible forks already active, upgrade rejected");
            return Admission.refused(Refusal.TOO_MANY);
        }
        Admission admission = originAllowed(config, request, log)
                ? ticket(request, null, null, null, true, who.identity(), forks, log)
                : Admission.refused(Refusal.ORIGIN_FORBIDDEN);
        if (!admission.accepted()) {
            forks.release();
        }
        return admission;
    }

    private Admission admitWithSlot(HandshakeInfo request, Route route, Config settings, Identity who,
                                    ForkLimiter slot, GatewayLog log) {
        if (!originAllowed(settings, request, log)) {
            return Admission.refused(Refusal.ORIGIN_FORBIDDEN);
        }
        Refusal hook = authorize.configured(settings) ? authorize.check(settings, request, route, who, log) : null;
        if (hook != null) {
            return Admission.refused(hook);
        }
        return ticket(request, route, new StdinBacklog(), null, false, who, slot, log);
    }

    /**
     * --shared: no fork slot per client. The route's process holds one slot for all of them; the client takes a
     * place in it (--maxclients), which its ticket holds until the session joins.
     */
    private Admission admitShared(HandshakeInfo request, Route route, Config settings, Identity who, GatewayLog log) {
        if (!originAllowed(settings, request, log)) {
            return Admission.refused(Refusal.ORIGIN_FORBIDDEN);
        }
        // Before a place is reserved: the hook may take seconds, and a place held meanwhile is a client refused.
        Refusal hook = authorize.configured(settings) ? authorize.check(settings, request, route, who, log) : null;
        if (hook != null) {
            return Admission.refused(hook);
        }
        SharedRoutes.Place place = shared.reserve(route, request.contextPath());
        if (place.refused() == SharedRoutes.Refused.FORKS) {
            log.error("http", "Max of possible forks already active, upgrade rejected");
            return Admission.refused(Refusal.TOO_MANY);
        }
        if (place.refused() == SharedRoutes.Refused.CLIENTS) {
            log.error("http", "Max of clients of this shared process (%d) already connected, upgrade rejected",
                    settings.shared().maxClients());
            return Admission.refused(Refusal.TOO_MANY);
        }
        // Never backlogged: a shared program's stdin is written without waiting (see SharedProcess.write), so
        // the standalone server always reads these clients' frames on the selector thread.
        Admission admission = ticket(request, route, new StdinBacklog(), place.process(), false, who, null, log);
        if (!admission.accepted()) {
            place.process().unreserve();
        }
        return admission;
    }

    private ScriptLocator.Lookup lookup(Routing now, HandshakeInfo request, GatewayLog log) {
        ScriptLocator.Lookup lookup = now.router().route(request.path());
        if (lookup.route() == null) {
            log.access("session", lookup.refusal() == Refusal.NOT_EXECUTABLE
                    ? "FORBIDDEN: script is not executable" : "NOT FOUND: script not found");
        }
        return lookup;
    }

    private static boolean originAllowed(Config settings, HandshakeInfo request, GatewayLog log) {
        String originRefusal = OriginCheck.refusal(settings.origins(), request.header("Origin"), request.host(),
                request.secure());
        if (originRefusal != null) {
            log.access("session", "%s", originRefusal);
            return false;
        }
        return true;
    }

    private Admission ticket(HandshakeInfo request, Route route, StdinBacklog stdin, SharedProcess place,
                             boolean echo, Identity who, ForkLimiter slot, GatewayLog log) {
        String ticket = pending.put(request, route, stdin, place, who, slot);
        if (ticket == null) {
            log.error("http", "Too many upgrades in progress (%d), upgrade rejected", MAX_PENDING);
            return Admission.refused(Refusal.SERVICE_UNAVAILABLE);
        }
        return new Admission(ticket, echo, stdin, null);
    }

    /** The routing of {@code settings}: every scheme's file read, every route's limiter made. */
    private Routing routing(Config settings) throws UsageException {
        Map<Config, Gate> gates = new IdentityHashMap<>();
        gates.put(settings, new Gate(IdentityCheck.load(settings, throttle), forks));
        for (Config.RouteSpec r : settings.routes()) {
            Config rc = r.config();
            ForkLimiter limiter = rc.maxForks() == settings.maxForks() ? forks : forks.within(rc.maxForks());
            gates.put(rc, new Gate(IdentityCheck.load(rc, throttle), limiter));
        }
        return new Routing(settings, new Router(settings), gates);
    }

    /**
     * --config: reads the command line and the file again; new connections get the new routes, running ones keep
     * theirs. A file that does not parse keeps the old routes, and says why. Server settings (ports, TLS, logging)
     * are the started server's until a restart.
     */
    public void reload() {
        Config.Source source = config.source();
        if (source == null) {
            return;
        }
        GatewayLog log = GatewayLog.root();
        try {
            Config fresh = CommandLine.parse(source.args(), source.environment(), source.workingDir(),
                    source.refused(), source.why()).config();
            routing = routing(fresh);
            log.info("server", "Reloaded %s: %d routes", source.args().isEmpty() ? "config" : "--config",
                    fresh.routes().size());
        } catch (UsageException | RuntimeException e) {
            log.error("server", "Reload failed, the previous routes stay: %s", e.getMessage());
        }
    }

    /**
     * In a container (no SIGHUP for a WAR): reloads when the routes file changes, checked every
     * {@link #CONFIG_POLL_MS} on the timer (a stat, nothing more).
     */
    public void watchConfigFile() {
        Config.Source source = config.source();
        if (source == null) {
            return;
        }
        long[] seen = {stamp(source.file())};
        try {
            timer.scheduleWithFixedDelay(() -> {
                long now = stamp(source.file());
                if (now != seen[0]) {
                    seen[0] = now;
                    // Off the timer: reading files (and bcrypt files) must not delay everyone's timeouts.
                    workers.execute(this::reload);
                }
            }, CONFIG_POLL_MS, CONFIG_POLL_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing to watch for.
        }
    }

    private static long stamp(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.getLastModifiedTime(file).toMillis() * 31 + java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The settings requests to {@code route} run with: its own, or the server's. */
    public Config configFor(Route route) {
        return route == null || route.config() == null ? config : route.config();
    }

    /** A ticket expired unclaimed: its fork slot, or its place in a shared process, goes back. */
    private void releasePlace(PendingConnections.Pending p) {
        if (p.shared() != null) {
            p.shared().unreserve();
        } else if (p.forks() != null) {
            p.forks().release();
        }
    }

    /**
     * --shared-always in single-command mode: the program runs from start-up. Front doors call this once they
     * serve, with the context path their clients' SCRIPT_NAME starts with.
     */
    public void startShared(String contextPath) {
        if (!config.shared().always() || config.usingScriptDir() || config.command().isEmpty()) {
            return;
        }
        Route route = routing.router().route("/").route();
        if (!shared.startAlways(route, contextPath)) {
            GatewayLog.root().with("command", route.label())
                    .error("process", "Max of possible forks already active, shared process not started");
        }
    }

    /**
     * A new connection's id (websocketd's: wall-clock nanoseconds, made unique), its UNIQUE_ID. Call before
     * starting its program, and {@link #connectionEnded} once it is over: until then, processes that carry
     * the id and have left the program's process group are left running.
     */
    public String openConnection() {
        String id = nextId();
        processes().connectionOpened(id);
        return id;
    }

    /** A connection id that starts no program (the echo endpoint's): unique, but nothing to watch for. */
    public String nextId() {
        long now = Instant.now().getEpochSecond() * 1_000_000_000L + Instant.now().getNano();
        return Long.toString(LAST_ID.accumulateAndGet(now, (last, t) -> Math.max(last + 1, t)));
    }

    /** The connection is over (its program has exited or never started): end what it left outside its group. */
    public void connectionEnded(String id) {
        processes().connectionEnded(id);
    }

    public Config config() {
        return config;
    }

    /** What is counted (--metrics), or {@link Metrics#OFF}. */
    public Metrics metrics() {
        return metrics;
    }

    /** Who may use the server's own pages and CGI scripts (a route's own check is its gate's). */
    public IdentityCheck identity() {
        Routing now = routing;
        return now.gate(now.config()).identity();
    }

    public ForkLimiter forks() {
        return forks;
    }

    public PendingConnections pending() {
        return pending;
    }


    public ScheduledExecutorService timer() {
        return timer;
    }

    /** Starts, reads and reaps every child. */
    public ProcessBackend processes() {
        try {
            return processes.join();
        } catch (CompletionException e) {
            // Class initialisers fail with a message-less Error (ExceptionInInitializerError) around the reason.
            throw new IllegalStateException("cannot start child processes: " + ProcessBackends.reason(e.getCause()), e.getCause());
        }
    }

    /**
     * Waits until children can be started, so that a server that never could (not 64-bit Linux, JNA's
     * native part not loadable) fails at start-up with the reason, not at its first connection.
     */
    public void awaitProcessLayer() {
        processes();
    }

    /** The backend in use, or null while it is still being chosen or when none could start. Never waits. */
    public ProcessBackends.Choice processChoice() {
        return processChoice;
    }

    /** Why no child can be started (the backend failed to start), or null. Never waits. */
    public String processFailure() {
        if (!processes.isCompletedExceptionally()) {
            return null;
        }
        try {
            processes.join();
            return null;
        } catch (CompletionException e) {
            return ProcessBackends.reason(e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            return "cancelled";
        }
    }

    /**
     * The one INFO line saying which process backend runs and why. Front doors log it after their own start-up
     * lines, which stay websocketd's word for word and in its order.
     */
    public void logProcessBackend() {
        ProcessBackends.Choice choice = processChoice;
        if (choice != null) {
            GatewayLog.root().info("process", "Process backend             : %s (%s; %s)", choice.backend().name(),
                    choice.reason(), choice.backend().description());
        }
    }

    /** For work that may block: sending a close frame, CGI's request body and stderr. */
    public ExecutorService workers() {
        return workers;
    }

    public void track(ChildProcess child) {
        live.add(child);
    }

    public void untrack(ChildProcess child) {
        live.remove(child);
        synchronized (live) {
            live.notifyAll();
        }
    }

    /** --shared: clients joined to a route's process now (0 without the flag). */
    public int sharedClients() {
        return shared.clients();
    }

    /** True once {@link #close} has begun: nothing should wait for a client to come back. */
    public boolean closing() {
        return closing;
    }

    /**
     * The first step of shutting down, which {@link #close} takes too: readiness probes answer DOWN from now on,
     * while the front door still serves. A front door may call it earlier, to be taken out of a load balancer's
     * rotation before it stops.
     */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /** True once {@link #beginShutdown} or {@link #close} has been called. */
    public boolean shuttingDown() {
        return shuttingDown || closing;
    }

    public int liveChildren() {
        return live.size();
    }

    /** Children with bytes from their client waiting for them to read stdin (a full pipe). */
    public long childrenWaitingOnStdin() {
        return live.stream().filter(c -> c.stdinBlockedNanos() > 0).count();
    }

    /**
     * Ends every child still running (server stop, undeploy): the same kill sequence as a client
     * leaving, then SIGKILL to any group still there when the sequence's time is up.
     */
    @Override
    public void close() {
        beginShutdown();
        closing = true;
        GatewayDirectory.remove(directoryKey);
        pending.clear();
        shared.close();
        for (ChildProcess child : live) {
            child.terminate(config.closeMs(), timer);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000 + 3 * config.closeMs());
        for (ChildProcess child : live) {
            long left = deadline - System.nanoTime();
            try {
                // The leader may die at SIGINT while a background grandchild (which ignores SIGINT) lives on;
                // the timer that would send it SIGTERM stops below, so whatever is left of the group goes now.
                if (left <= 0 || child.awaitExit(TimeUnit.NANOSECONDS.toMillis(left)) < 0 || child.treeAlive()) {
                    child.kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.kill();
            }
        }
        // Every group is gone, so every stdout is at EOF and its connection about to finish (untrack, release
        // the fork slot, log DISCONNECT), which needs the reactor, the timer and the workers. Let them, so
        // close() returns with nothing left; a connection stuck on a client that stopped reading is cut off
        // after the bound.
        long finishBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINISH_WAIT_MS);
        synchronized (live) {
            long left;
            while (!live.isEmpty() && (left = finishBy - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(live, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        // After the connections have finished, so their ids are ended; a connection still stuck counts as
        // ended too.
        processes.thenAccept(ProcessBackend::close);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(FINISH_WAIT_MS, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        timer.shutdownNow();
        metrics.close();
    }

    private static ThreadFactory daemon(String prefix, long stackSize) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, prefix + "-" + n.incrementAndGet(), stackSize);
            t.setDaemon(true);
            return t;
        };
    }
}
