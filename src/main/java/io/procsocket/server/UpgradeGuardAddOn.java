package io.procsocket.server;

import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Puts {@link UpgradeGuardFilter} right after the HTTP codec, so it runs before Tyrus sees an upgrade,
 * and {@link ClientFrameGuardFilter} after it, so frames that break the rules or the limits never reach Tyrus.
 */
final class UpgradeGuardAddOn implements AddOn {
    private final UpgradeGuardFilter filter;
    private final ClientFrameGuardFilter frames;

    UpgradeGuardAddOn(UpgradeGuardFilter filter, ClientFrameGuardFilter frames) {
        this.filter = filter;
        this.frames = frames;
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("no HTTP codec in the Grizzly filter chain");
        }
        builder.add(codec + 1, filter);
        builder.add(codec + 2, frames);
    }
}
