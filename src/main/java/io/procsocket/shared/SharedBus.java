package io.procsocket.shared;

import io.procsocket.gateway.Gateway;

/** Which kind of shared process a gateway makes: one per instance, or (--shared-bus) one across instances. */
public final class SharedBus {
    private SharedBus() { }

    public static SharedRoutes.Factory factory(Gateway gateway) {
        if (gateway.config().shared().bus() != null) {
            throw new IllegalStateException("--shared-bus is not available yet");
        }
        return (route, contextPath, mayBeIdle) -> new LocalSharedProcess(gateway, route, contextPath, mayBeIdle);
    }
}
