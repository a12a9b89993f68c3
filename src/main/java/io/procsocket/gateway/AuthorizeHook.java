package io.procsocket.gateway;

import io.procsocket.config.Config;
import io.procsocket.identity.Identity;
import io.procsocket.log.GatewayLog;
import io.procsocket.process.CgiEnvironment;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.OutputFramer;
import io.procsocket.process.OutputWatch;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * --authorize=CMD: a program run before an upgrade is admitted, with the CGI environment the request's own program
 * would get (REMOTE_USER and AUTH_TYPE included). Exit 0 admits; any other status, a hook that cannot start, or one
 * still running after {@link #BOUND_MS} (then killed, its whole group) is 403. Its stdout is ignored and its stderr
 * logged, as a program's. It runs on the thread that admits the request (a Grizzly worker standalone, the
 * request's own thread in a container), never a selector thread; at most {@link #MAX_RUNNING} run at once, and
 * each holds the request's fork slot meanwhile, so hooks cannot take over the workers or the process table.
 */
final class AuthorizeHook {
    static final long BOUND_MS = 5000;
    static final int MAX_RUNNING = 8;
    static final Refusal REFUSED = new Refusal(403, "403 Forbidden\n");
    static final Refusal BUSY = new Refusal(503, "503 Service Unavailable: too many authorizations in progress\n");

    private final Gateway gateway;
    private final Semaphore running = new Semaphore(MAX_RUNNING);

    AuthorizeHook(Gateway gateway) {
        this.gateway = gateway;
    }

    static boolean configured(Config settings) {
        return !settings.auth().authorize().isEmpty();
    }

    /** Null when {@code settings}' hook admits the request; else the answer. */
    Refusal check(Config settings, HandshakeInfo request, Route route, Identity who, GatewayLog log) {
        if (!running.tryAcquire()) {
            log.error("http", "AUTHORIZE: %d hooks already running, upgrade refused", MAX_RUNNING);
            return BUSY;
        }
        String id = gateway.openConnection();
        try {
            return run(settings, request, route, who, log.with("id", id), id);
        } finally {
            gateway.connectionEnded(id);
            running.release();
        }
    }

    private Refusal run(Config config, HandshakeInfo request, Route route, Identity who, GatewayLog log, String id) {
        Map<String, String> env = CgiEnvironment.build(request, route, config, id,
                CgiEnvironment.remoteHost(request.remoteAddr(), config.reverseLookup()));
        CgiEnvironment.identify(env, who);
        CgiEnvironment.dropUnpassable(env);
        ChildProcess hook;
        try {
            hook = gateway.processes().launch(config.auth().authorize(), env, new StdinBacklog());
        } catch (IOException | RuntimeException e) {
            log.error("http", "AUTHORIZE: could not run the hook (%s), upgrade refused", e.getMessage());
            return REFUSED;
        }
        hook.closeStdin();
        drain(config, hook, log);
        int status;
        try {
            status = hook.awaitExit(BOUND_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        // Whatever it started goes with it, whether it answered or hung.
        hook.kill();
        if (status < 0) {
            log.access("http", "AUTHORIZE REFUSED (403): the hook did not answer within %d ms and was killed", BOUND_MS);
            return REFUSED;
        }
        if (status != 0) {
            log.access("http", "AUTHORIZE REFUSED (403): the hook exited with status %d", status);
            return REFUSED;
        }
        return null;
    }

    /** Reads its output to the end so that it never blocks on a full pipe: stdout dropped, stderr logged. */
    private static void drain(Config config, ChildProcess hook, GatewayLog log) {
        OutputFramer out = OutputFramer.stdout(config);
        OutputFramer err = OutputFramer.stderr(config);
        hook.watchStdout(pipe -> again(pipe, out.read(pipe, log, m -> { })));
        hook.watchStderr(pipe -> again(pipe, err.read(pipe, log, m -> { })));
    }

    private static void again(OutputWatch pipe, OutputFramer.Outcome outcome) {
        if (outcome == OutputFramer.Outcome.EOF) {
            pipe.close();
        } else {
            pipe.rearm();
        }
    }
}
