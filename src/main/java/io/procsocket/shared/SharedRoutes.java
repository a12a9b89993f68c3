package io.procsocket.shared;

import io.procsocket.gateway.ForkLimiter;
import io.procsocket.gateway.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * --shared: each route's one {@link SharedProcess}, made at its first client (or at start-up with
 * --shared-always) and forgotten when idle. A route's process holds one --maxforks slot for as long as it is
 * known, however many clients it has; --maxclients bounds its places. Admission is not a hot path, so one
 * lock guards the map; a process's own lock is only ever taken inside it, never the other way round.
 */
public final class SharedRoutes {
    /** Makes a route's process: {@link LocalSharedProcess}, or one shared across instances through a bus. */
    public interface Factory {
        SharedProcess create(Route route, String contextPath, Consumer<SharedProcess> mayBeIdle);

        /** After every process it made is closed: ends whatever the factory itself runs (a bus's threads). */
        default void close() { }
    }

    /** The outcome of asking for a place. */
    public enum Refused { NONE, FORKS, CLIENTS }

    /** A place in a route's process, or why there is none. */
    public record Place(SharedProcess process, Refused refused) { }

    private final Map<String, SharedProcess> routes = new HashMap<>();
    private final ForkLimiter forks;
    private final Factory factory;
    private boolean closed;

    public SharedRoutes(ForkLimiter forks, Factory factory) {
        this.forks = forks;
        this.factory = factory;
    }

    /** One route per program: in single-command mode one for the server, with --dir one per script. */
    private static String key(Route route) {
        return route.program();
    }

    /** Drops what only one request has (PATH_INFO): the process is the route's, not any client's. */
    private static Route routeOnly(Route route) {
        return new Route(route.command(), route.scriptName(), "", route.pathTranslated(), route.label(), route.config());
    }

    /** A place for one client, reserved until it joins or gives it back. */
    public synchronized Place reserve(Route route, String contextPath) {
        if (closed) {
            return new Place(null, Refused.FORKS);
        }
        SharedProcess p = routes.get(key(route));
        if (p == null) {
            if (!forks.tryAcquire()) {
                return new Place(null, Refused.FORKS);
            }
            p = factory.create(routeOnly(route), contextPath, this::mayBeIdle);
            routes.put(key(route), p);
        }
        if (!p.tryReserve()) {
            return new Place(null, Refused.CLIENTS);
        }
        return new Place(p, Refused.NONE);
    }

    /** --shared-always: a route that runs from start-up. False when --maxforks leaves no slot for it. */
    public boolean startAlways(Route route, String contextPath) {
        SharedProcess p;
        synchronized (this) {
            p = routes.get(key(route));
            if (p == null) {
                if (closed || !forks.tryAcquire()) {
                    return false;
                }
                p = factory.create(routeOnly(route), contextPath, this::mayBeIdle);
                routes.put(key(route), p);
            }
        }
        p.startNow();
        return true;
    }

    private synchronized void mayBeIdle(SharedProcess p) {
        for (Map.Entry<String, SharedProcess> e : routes.entrySet()) {
            if (e.getValue() == p) {
                if (p.retireIfIdle()) {
                    routes.remove(e.getKey());
                    forks.release();
                }
                return;
            }
        }
    }

    /** Clients joined to any route's process on this instance. */
    public synchronized int clients() {
        return routes.values().stream().mapToInt(SharedProcess::clients).sum();
    }

    /** Server stop: every route's clients are told; the programs end with every other child. */
    public void close() {
        List<SharedProcess> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(routes.values());
        }
        for (SharedProcess p : all) {
            p.close();
        }
        factory.close();
    }
}
