package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.process.CgiEnvironment;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.LaunchFailure;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.util.Map;

/** Starting a connection's own program, the same for plain line mode and procsocket.v1. */
final class ProgramStart {
    private ProgramStart() { }

    /**
     * Builds the CGI environment for connection {@code id} and starts the route's program; it is tracked by the
     * gateway from here. Variables too large to pass are dropped and logged.
     */
    static ChildProcess launch(Gateway gateway, PendingConnections.Pending pending, String id, GatewayLog log)
            throws IOException {
        Config settings = gateway.configFor(pending.route());
        Map<String, String> env = CgiEnvironment.build(pending.request(), pending.route(), settings, id,
                CgiEnvironment.remoteHost(pending.request().remoteAddr(), settings.reverseLookup()));
        CgiEnvironment.identify(env, pending.identity());
        for (String name : CgiEnvironment.dropUnpassable(env)) {
            log.error("process", "%s not passed to the program: over Linux's 128 KiB for one variable", name);
        }
        ChildProcess child = gateway.metrics().route(pending.route().label())
                .launch(() -> gateway.processes().launch(pending.route().command(), env, pending.stdin()));
        gateway.track(child);
        return child;
    }

    /**
     * Logs why the program could not start and says how to close the session: the client learns the errno, not
     * the server's paths (those are for the log).
     */
    static CloseReason failed(Exception e, PendingConnections.Pending pending, GatewayLog log) {
        log.error("process", "Could not launch process %s (%s)", String.join(" ", pending.route().command()),
                e.getMessage());
        return new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                e instanceof LaunchFailure f ? "launch failed: " + f.errnoName() : "launch failed");
    }
}
