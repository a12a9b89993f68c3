package io.procsocket.shared;

import io.procsocket.gateway.Gateway;
import io.procsocket.shared.redis.RedisBus;

/** Which kind of shared process a gateway makes: one per instance, or (--shared-bus) one across instances. */
public final class SharedBus {
    private SharedBus() { }

    /**
     * Called while the gateway is being built, so only its config may be used now. With --shared-bus this
     * reaches Redis first and throws (one line, the URL without its password) when it cannot.
     */
    public static SharedRoutes.Factory factory(Gateway gateway) {
        if (gateway.config().shared().bus() != null) {
            return RedisBus.start(gateway);
        }
        return (route, contextPath, mayBeIdle) -> new LocalSharedProcess(gateway, route, contextPath, mayBeIdle);
    }
}
