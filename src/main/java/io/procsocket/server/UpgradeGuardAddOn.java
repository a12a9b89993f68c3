package io.procsocket.server;

import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Puts the request-head clock around the HTTP codec ({@link RequestHeadTimeout}), {@link UpgradeGuardFilter}
 * right after the codec, so it runs before Tyrus sees an upgrade,
 * and {@link ClientFrameGuardFilter} after it, so frames that break the rules or the limits never reach Tyrus.
 */
final class UpgradeGuardAddOn implements AddOn {
    private final RequestHeadTimeout heads;
    private final UpgradeGuardFilter filter;
    private final ClientFrameGuardFilter frames;

    UpgradeGuardAddOn(RequestHeadTimeout heads, UpgradeGuardFilter filter, ClientFrameGuardFilter frames) {
        this.heads = heads;
        this.filter = filter;
        this.frames = frames;
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("no HTTP codec in the Grizzly filter chain");
        }
        builder.add(codec, heads.bytes());
        builder.add(codec + 2, heads.requests());
        builder.add(codec + 3, filter);
        builder.add(codec + 4, frames);
    }
}
