package io.procsocket.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
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

    static URI ws(String contextAndPath) {
        return URI.create("ws://127.0.0.1:" + port() + contextAndPath);
    }

    static URI http(String contextAndPath) {
        return URI.create("http://127.0.0.1:" + port() + contextAndPath);
    }

    /** The test script, written where the container (same machine, maybe another user) can run it. */
    static Path gatewayScript() {
        try {
            Path dir = workDir().resolve("scripts");
            Files.createDirectories(dir);
            Path script = dir.resolve("gateway.sh");
            Files.writeString(script, GATEWAY_SCRIPT);
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
