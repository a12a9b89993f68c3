package io.procsocket.server;

import io.procsocket.config.Config;
import java.util.List;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.Response;

/** --header/--header-ws/--header-http onto a Grizzly response; repeated names are added, not replaced. */
final class ExtraHeaders {
    private ExtraHeaders() { }

    static void apply(Response response, List<Config.Header> headers) {
        for (Config.Header h : headers) {
            response.addHeader(h.name(), h.value());
        }
    }

    static void apply(HttpResponsePacket response, List<Config.Header> headers) {
        for (Config.Header h : headers) {
            response.addHeader(h.name(), h.value());
        }
    }
}
