package io.procsocket.gateway;

import io.procsocket.process.StdinBacklog;

/**
 * The front door's answer to an upgrade request: a ticket to upgrade with (and the connection's stdin
 * backlog, which a front door that chooses reading threads watches), or a refusal.
 */
public record Admission(String ticket, StdinBacklog stdin, Refusal refusal) {
    public boolean accepted() {
        return ticket != null;
    }
}
