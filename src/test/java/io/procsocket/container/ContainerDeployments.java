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

    /**
     * The one user every container's realm knows, in role {@value #REALM_ROLE}: Tomcat's through the secured WAR's
     * context realm, Payara Micro's file realm through src/test/payara/postboot.asadmin and realm-password (which
     * must say the same).
     */
    static final String REALM_USER = "alice";
    static final String REALM_PASSWORD = "procsocket-realm";
    static final String REALM_ROLE = "procsocket";

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
            // With the realm user's credentials, which only the secured deployment asks for and the others ignore.
            HttpResponse<String> r = PROBE.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/" + context + "/")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", basic(REALM_USER, REALM_PASSWORD)).build(),
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

    /**
     * Says who it serves, and leaves the same line in {@link #whoamiStarts()} at every start, so that a refused
     * upgrade can be seen to have started nothing.
     */
    static Path whoamiScript() {
        return script("whoami.sh", String.join("\n",
                "#!/bin/sh",
                "echo \"$REMOTE_USER|$AUTH_TYPE\" >> '" + whoamiStarts() + "'",
                "echo \"$REMOTE_USER|$AUTH_TYPE\"",
                ""));
    }

    /** An --authorize hook that admits only the realm user, and nobody on paths under /refused. */
    static Path authorizeHook() {
        return script("authorize.sh", String.join("\n",
                "#!/bin/sh",
                "case \"$PATH_INFO\" in /refused*) exit 1 ;; esac",
                "[ \"$REMOTE_USER\" = '" + REALM_USER + "' ]",
                ""));
    }

    static Path whoamiStarts() {
        return workDir().resolve("scripts").resolve("whoami.starts").toAbsolutePath();
    }

    /** The Authorization header value of HTTP Basic for {@code user} and {@code password}. */
    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A routes file with two routes of different settings, each running the gateway script. */
    static Path routesFile() {
        Path yaml = workDir().resolve("scripts").resolve("routes.yaml");
        try {
            Files.createDirectories(yaml.getParent());
            Files.writeString(yaml, String.join("\n",
                    "routes:",
                    "  - path: /text/",
                    "    command: " + gatewayScript(),
                    "    env: {ROUTE_NAME: text}",
                    "  - path: /raw/",
                    "    command: cat",
                    "    binary: true",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return yaml;
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
        return war(context, "procsocket.args", args);
    }

    /** The built WAR deployed at /{context} with a routes file, given as the procsocket.config context parameter. */
    static WebArchive routesWar(String context, Path routesFile) {
        return war(context, "procsocket.config", routesFile.toString());
    }

    private static WebArchive war(String context, String paramName, String args) {
        Path war = Path.of(System.getProperty("procsocket.war", "target/procsocket.war"));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing: the in-container suite runs after `package`");
        }
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, context + ".war").importFrom(war.toFile())
                .as(WebArchive.class);
        if (args != null) {
            String webXml = read(archive);
            String param = "  <context-param>\n    <param-name>" + paramName + "</param-name>\n    <param-value>"
                    + xml(args) + "</param-value>\n  </context-param>\n";
            archive.delete("WEB-INF/web.xml");
            archive.setWebXML(new StringAsset(webXml.replace("</web-app>", param + "</web-app>")));
        }
        return archive;
    }

    /**
     * The built WAR behind the container's own BASIC authentication, as an operator secures it: a security
     * constraint over every path (pages and WebSocket routes alike) for role {@value #REALM_ROLE}. For Tomcat, a
     * META-INF/context.xml realm of tomcat-users form holding {@link #REALM_USER} (Payara ignores it and uses its
     * file realm). No realm-name: Payara would take it for the name of its security realm, Tomcat only shows it.
     */
    static WebArchive securedWar(String context, String args) {
        WebArchive archive = war(context, args);
        String constraint = String.join("\n",
                "  <security-constraint>",
                "    <web-resource-collection><web-resource-name>programs</web-resource-name>"
                        + "<url-pattern>/*</url-pattern></web-resource-collection>",
                "    <auth-constraint><role-name>" + REALM_ROLE + "</role-name></auth-constraint>",
                "  </security-constraint>",
                "  <login-config><auth-method>BASIC</auth-method></login-config>",
                "  <security-role><role-name>" + REALM_ROLE + "</role-name></security-role>",
                "");
        String webXml = read(archive);
        archive.delete("WEB-INF/web.xml");
        archive.setWebXML(new StringAsset(webXml.replace("</web-app>", constraint + "</web-app>")));
        Path users = workDir().resolve("realm").resolve("tomcat-users.xml");
        try {
            Files.createDirectories(users.getParent());
            Files.writeString(users, "<tomcat-users>\n  <user username=\"" + REALM_USER + "\" password=\""
                    + REALM_PASSWORD + "\" roles=\"" + REALM_ROLE + "\"/>\n</tomcat-users>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Into the WAR's own context file, which keeps Tomcat's jar scanning to WEB-INF/classes.
        String contextXml = read(archive, "META-INF/context.xml");
        archive.delete("META-INF/context.xml");
        archive.add(new StringAsset(contextXml.replace("</Context>", "  <Realm className=\"org.apache.catalina.realm.MemoryRealm\""
                + " pathname=\"" + xml(users.toAbsolutePath().toString()) + "\"/>\n</Context>")), "META-INF/context.xml");
        return archive;
    }

    private static String read(WebArchive archive) {
        return read(archive, "WEB-INF/web.xml");
    }

    private static String read(WebArchive archive, String path) {
        try (InputStream in = archive.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
