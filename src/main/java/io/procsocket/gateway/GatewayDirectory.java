package io.procsocket.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which live gateway issued a ticket, for the one endpoint that cannot be handed its gateway: the echo
 * endpoint is an annotated {@code @ServerEndpoint}, and a servlet container creates it from the annotation
 * with no way to pass anything in. Every ticket starts with its gateway's key, so the endpoint finds the
 * gateway, and through it the admission, from the ticket alone. Static, but per class loader: in a container
 * that is per web application, and a gateway leaves the directory when it closes.
 */
public final class GatewayDirectory {
    private static final Map<String, Gateway> LIVE = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    /** An admission claimed through its ticket: the gateway that holds its slot, and the request. */
    public record Claimed(Gateway gateway, PendingConnections.Pending pending) { }

    private GatewayDirectory() { }

    static String add(Gateway gateway) {
        String key = "g" + NEXT.incrementAndGet() + ".";
        LIVE.put(key, gateway);
        return key;
    }

    static void remove(String key) {
        LIVE.remove(key);
    }

    /** The admission behind a ticket, once; null if no live gateway issued it or it was claimed or expired. */
    public static Claimed claim(String ticket) {
        if (ticket == null) {
            return null;
        }
        int dot = ticket.indexOf('.');
        Gateway gateway = dot < 0 ? null : LIVE.get(ticket.substring(0, dot + 1));
        PendingConnections.Pending pending = gateway == null ? null : gateway.pending().claim(ticket);
        return pending == null ? null : new Claimed(gateway, pending);
    }
}
