package io.procsocket.gateway;

import io.procsocket.process.StdinBacklog;

/**
 * The front door's answer to an upgrade request: a ticket to upgrade with, or a refusal. An admitted upgrade
 * holds a connection slot through its ticket.
 *
 * @param echo  whether the ticket is for the echo endpoint rather than a program
 * @param stdin the connection's stdin backlog, which a front door that chooses reading threads watches (null
 *              for the echo endpoint)
 */
public record Admission(String ticket, boolean echo, StdinBacklog stdin, Refusal refusal) {
    static Admission refused(Refusal refusal) {
        return new Admission(null, false, null, refusal);
    }

    public boolean accepted() {
        return ticket != null;
    }

    /** The fixed endpoint path the front door hands an admitted upgrade to. */
    public String target() {
        return (echo ? Gateway.ECHO_ENDPOINT_PATH : Gateway.ENDPOINT_PATH) + "/" + ticket;
    }
}
