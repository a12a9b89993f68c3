package io.procsocket.gateway;

/** The front door's answer to an upgrade request: a ticket to upgrade with, or a refusal. */
public record Admission(String ticket, Refusal refusal) {
    public boolean accepted() {
        return ticket != null;
    }
}
