package io.procsocket.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The real target/procsocket.war, as built, with one change per deployment: a procsocket.args context
 * parameter added to its web.xml, exactly as an operator would configure it without rebuilding.
 */
final class ContainerDeployments {
    /** One script serving every case, chosen by PATH_INFO, so that one deployment covers most tests. */
    private static final String GATEWAY_SCRIPT = String.join("\n",
            "#!/bin/sh",
            "case \"$PATH_INFO\" in",
            "  /cat*) exec cat ;;",
            "  /env*) env; exit 0 ;;",
            "  /done*) echo done; exit 0 ;;",
            "  /fail*) echo failing; exit 3 ;;",
            // A grandchild in the background (it ignores SIGINT, as background jobs of sh do) and the pids.
            "  /hold*) sleep 600 & echo \"pids $$ $!\"; wait ;;",
            "  *) echo \"unexpected path $PATH_INFO\"; exit 9 ;;",
            "esac",
            "");

    /** --shared: says its pid and environment facts once, then echoes every line it is given. */
    private static final String SHARED_SCRIPT = String.join("\n",
            "#!/bin/sh",
            "echo \"pid $$\"",
            "while read line; do echo \"echo $line\"; done",
            "");

    private ContainerDeployments() { }

    static Path workDir() {
        String dir = System.getProperty("procsocket.it.dir");
        if (dir == null) {
            throw new IllegalStateException("procsocket.it.dir is not set: run the suite through mvn verify");
        }
        return Path.of(dir);
    }

    static int port() {
        return Integer.parseInt(System.getProperty("procsocket.it.port"));
    }

    /** ws://127.0.0.1:PORT/context/path... for a deployed context. */
    static URI ws(String context, String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + portOf(context) + "/" + context + pathAndQuery);
    }

    static URI http(String context, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + portOf(context) + "/" + context + pathAndQuery);
    }

    /**
     * The port a context is served on. One container serves every deployment on the configured port,
     * except Payara Micro's Arquillian adapter, which boots one Payara Micro per deployment (auto-binding
     * the next free port from the configured one): there the context is found by asking each port in
     * the range for its welcome page. A context served nowhere yields the configured port (and a 404 or
     * a refused connection there, which is what the tests then see).
     */
    static int portOf(String context) {
        int first = port();
        if (!Boolean.getBoolean("procsocket.it.portPerDeployment")) {
            return first;
        }
        for (int p = first; p < first + PORT_RANGE; p++) {
            if (serves(p, context)) {
                return p;
            }
        }
        return first;
    }

    private static final int PORT_RANGE = 20;
    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private static boolean serves(int port, String context) {
        try {
            HttpResponse<String> r = PROBE.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/" + context + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("Procsocket is deployed");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The test script, written where the container (same machine, maybe another user) can run it. */
    static Path gatewayScript() {
        return script("gateway.sh", GATEWAY_SCRIPT);
    }

    static Path sharedScript() {
        return script("shared.sh", SHARED_SCRIPT);
    }

    private static Path script(String name, String body) {
        try {
            Path dir = workDir().resolve("scripts");
            Files.createDirectories(dir);
            Path script = dir.resolve(name);
            Files.writeString(script, body);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built WAR deployed at /{context}, configured with {@code args} (null: left unconfigured). */
    static WebArchive war(String context, String args) {
        Path war = Path.of(System.getProperty("procsocket.war", "target/procsocket.war"));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing: the in-container suite runs after `package`");
        }
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, context + ".war").importFrom(war.toFile())
                .as(WebArchive.class);
        if (args != null) {
            String webXml = read(archive);
            String param = "  <context-param>\n    <param-name>procsocket.args</param-name>\n    <param-value>"
                    + xml(args) + "</param-value>\n  </context-param>\n";
            archive.delete("WEB-INF/web.xml");
            archive.setWebXML(new StringAsset(webXml.replace("</web-app>", param + "</web-app>")));
        }
        return archive;
    }

    private static String read(WebArchive archive) {
        try (InputStream in = archive.get("WEB-INF/web.xml").getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
