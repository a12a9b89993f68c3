package io.procsocket.container;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway inside a real servlet container, through the container's own WebSocket implementation.
 * The same class runs once per container (Tomcat 10.1 and 11 embedded, Payara Micro 6, Debian's
 * tomcat10): the failsafe executions in pom.xml pick the container with -Darquillian.launch.
 */
/*
 * Every deployment is deployed by the test that uses it and undeployed when it ends: Payara Micro's adapter
 * boots one Payara Micro per deployment and stops only the last one it started, so deployments managed by
 * Arquillian (all deployed at once) would leave Payara JVMs running after the suite.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag("in-container")
class GatewayInContainerIT {
    private static final String PROCSOCKET = "procsocket";
    private static final String BINARY = "binary";
    private static final String LIMITED = "limited";
    private static final String UNCONFIGURED = "unconfigured";
    private static final String UNDEPLOYED = "undeployed";
    private static final String REFUSED = "refused";
    private static final String SHARED = "shared";
    private static final String ROUTES = "routes";
    private static final String SECURED = "secured";
    /** The hardening issue's number, on the container (Debian's tomcat10: under a second a cycle). */
    private static final int REDEPLOY_CYCLES = 20;
    /**
     * Embedded Tomcat takes about 1.5 s to deploy this WAR even on an idle machine (Debian's tomcat10 about
     * 0.5 s), so 20 cycles would cost 45 to 80 s in each of its two executions. Anything left behind per
     * cycle shows after five as it does after twenty: the baselines are the state before the first deploy
     * and after the first cycle.
     */
    private static final int EMBEDDED_REDEPLOY_CYCLES = 5;
    /** Collecting an undeployed copy takes a few GCs (JNA's finalizer, the JDK's library unloading). */
    private static final Duration LEAK_WAIT = Duration.ofSeconds(60);

    /** HTTP/1.1 only: the default h2c upgrade attempt is not what a browser sends and not what is tested here. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = PROCSOCKET, testable = false, managed = false)
    static WebArchive procsocket() {
        return ContainerDeployments.war("procsocket", "--echoendpoint " + ContainerDeployments.gatewayScript());
    }

    @Deployment(name = BINARY, testable = false, managed = false)
    static WebArchive binary() {
        return ContainerDeployments.war("binary", "--binary cat");
    }

    @Deployment(name = LIMITED, testable = false, managed = false)
    static WebArchive limited() {
        return ContainerDeployments.war("limited", "--maxforks=1 " + ContainerDeployments.gatewayScript());
    }

    @Deployment(name = UNCONFIGURED, testable = false, managed = false)
    static WebArchive unconfigured() {
        return ContainerDeployments.war("unconfigured", null);
    }

    @Deployment(name = UNDEPLOYED, testable = false, managed = false)
    static WebArchive undeployed() {
        return ContainerDeployments.war(UNDEPLOYED, ContainerDeployments.gatewayScript().toString());
    }

    @Deployment(name = REFUSED, testable = false, managed = false)
    static WebArchive refused() {
        return ContainerDeployments.war(REFUSED, "--port=9000 cat");
    }

    /** One program for every client: it prints its pid once, so a late joiner sees it only through the replay. */
    @Deployment(name = ROUTES, testable = false, managed = false)
    static WebArchive routes() {
        return ContainerDeployments.routesWar(ROUTES, ContainerDeployments.routesFile());
    }

    @Deployment(name = SHARED, testable = false, managed = false)
    static WebArchive shared() {
        return ContainerDeployments.war(SHARED, "--shared --shared-replay=1 --maxclients=2 --maxforks=1 "
                + ContainerDeployments.sharedScript());
    }

    /**
     * Behind the container's BASIC authentication (issue 15), a program that says who it serves, and an --authorize
     * hook that must see the container's user to admit.
     */
    @Deployment(name = SECURED, testable = false, managed = false)
    static WebArchive secured() {
        return ContainerDeployments.securedWar(SECURED, "--authorize=" + ContainerDeployments.authorizeHook() + " "
                + ContainerDeployments.whoamiScript());
    }

    @Test
    void containerAuthenticationRefusesAnonymousUpgradesAndNamesTheUserToHookAndProgram() throws Exception {
        Path starts = ContainerDeployments.whoamiStarts();
        Files.deleteIfExists(starts);
        deployedWhile(SECURED, () -> {
            RawHandshake.Response anonymous = RawHandshake.get(ContainerDeployments.http(SECURED, "/"));
            assertEquals(401, anonymous.status(), anonymous.head());
            String challenge = String.valueOf(anonymous.header("WWW-Authenticate"));
            assertTrue(challenge.startsWith("Basic"), challenge);
            ExecutionException wrong = assertThrows(
                    ExecutionException.class, () -> ContainerPeer.connect(
                            ContainerDeployments.ws(SECURED, "/"), null,
                            ContainerDeployments.basic(ContainerDeployments.REALM_USER, "wrong")));
            assertEquals(401, ((WebSocketHandshakeException) wrong.getCause()).getResponse().statusCode());
            // --authorize runs in the container too, after the container has authenticated, and can refuse.
            String alice = ContainerDeployments.basic(ContainerDeployments.REALM_USER, ContainerDeployments.REALM_PASSWORD);
            ExecutionException hooked = assertThrows(
                    ExecutionException.class, () -> ContainerPeer.connect(
                            ContainerDeployments.ws(SECURED, "/refused"), null, alice));
            assertEquals(403, ((WebSocketHandshakeException) hooked.getCause()).getResponse().statusCode());
            assertTrue(Files.notExists(starts), "a refused upgrade started the program");

            ContainerPeer user = ContainerPeer.connect(ContainerDeployments.ws(SECURED, "/"), null, alice);
            // The principal's name and the container's own auth type, as the servlet API gives them.
            String expected = ContainerDeployments.REALM_USER + "|BASIC";
            assertEquals(List.of(expected), user.textsUntilClose());
            assertEquals(List.of(expected), Files.readAllLines(starts), "one start, the admitted one");
        });
    }

    @Test
    void sharedProcessServesEveryClientOnceUnderTheContainer() throws Exception {
        deployedWhile(SHARED, () -> {
            ContainerPeer a = ContainerPeer.connect(ContainerDeployments.ws(SHARED, "/"));
            String pid = a.nextText();
            assertTrue(pid.startsWith("pid "), pid);
            assertTrue(ProcessState.running(Long.parseLong(pid.substring(4))), "the shared program runs");
            // --maxforks=1 counts the program once; the joiner gets the replay (the pid line), then live lines.
            ContainerPeer b = ContainerPeer.connect(ContainerDeployments.ws(SHARED, "/other"));
            assertEquals(pid, b.nextText());
            b.send("from b");
            assertEquals("echo from b", a.nextText());
            assertEquals("echo from b", b.nextText());
            assertEquals(429, RawHandshake.get(ContainerDeployments.http(SHARED, "/")).status(), "--maxclients=2");
            b.close();
            a.close();
            assertEquals(1000, a.awaitClose().code());
            ProcessState.awaitGone(Long.parseLong(pid.substring(4)), ContainerPeer.WAIT);
        });
    }

    @Test
    void aRoutesFileFromTheContextParameterServesEachRouteWithItsOwnSettings() throws Exception {
        deployedWhile(ROUTES, () -> {
            ContainerPeer env = ContainerPeer.connect(ContainerDeployments.ws(ROUTES, "/text/env"));
            List<String> lines = env.textsUntilClose();
            assertTrue(lines.contains("ROUTE_NAME=text"), lines.toString());
            assertTrue(lines.contains("SCRIPT_NAME=/" + ROUTES + "/text"), lines.toString());
            ContainerPeer raw = ContainerPeer.connect(ContainerDeployments.ws(ROUTES, "/raw/"));
            raw.send(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, raw.nextBinary(), "binary: that route's own setting");
            raw.close();
            assertEquals(404, RawHandshake.send(ContainerDeployments.http(ROUTES, "/elsewhere"), "GET",
                    "dGhlIHNhbXBsZSBub25jZQ==", "13").status());
        });
    }

    @Test
    void textMessagesAreLinesBothWays() throws Exception {
        deployedWhile(PROCSOCKET, () -> {
            ContainerPeer ws = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/cat"));
            ws.send("hello");
            assertEquals("hello", ws.nextText());
            ws.send("two\nlines");
            assertEquals("two", ws.nextText());
            assertEquals("lines", ws.nextText());
            ws.close();
            assertEquals(1000, ws.awaitClose().code());
            // The annotated echo endpoint is found by the container and not taken for a program's path.
            ContainerPeer echo = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/.procsocket/echo"));
            echo.send("two\nlines stay one message");
            assertEquals("two\nlines stay one message", echo.nextText());
            echo.close();
            assertEquals(1000, echo.awaitClose().code());
        });
    }

    @Test
    void binaryBytesComeBackExactAndInOrder() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        deployedWhile(BINARY, () -> {
            ContainerPeer ws = ContainerPeer.connect(ContainerDeployments.ws(BINARY, "/"));
            ws.send(all);
            // Chunk boundaries follow the pipe, so collect until every byte is back.
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            while (back.size() < all.length) {
                back.writeBytes(ws.nextBinary());
            }
            assertArrayEquals(all, back.toByteArray());
            ws.close();
            assertEquals(1000, ws.awaitClose().code());

            // procsocket.v1 with --binary: stdin after a 0 byte, stdout back after a 1.
            ContainerPeer typed = ContainerPeer.connect(ContainerDeployments.ws(BINARY, "/"), "procsocket.v1");
            assertTrue(typed.nextText().startsWith("{\"type\":\"start\""));
            typed.send(new byte[] {0, 7, (byte) 0xFF, 0});
            assertArrayEquals(new byte[] {1, 7, (byte) 0xFF, 0}, typed.nextBinary());
            typed.close();
            assertEquals(1000, typed.awaitClose().code());

            // The procsocket.v1 client library, under the context path, with or without --devconsole.
            HttpResponse<String> library = HTTP.send(HttpRequest.newBuilder(
                    ContainerDeployments.http(BINARY, "/.procsocket/procsocket.js")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, library.statusCode());
            // Containers spell the charset parameter their own way (Tomcat: ";charset=utf-8").
            String type = library.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
            assertTrue(type.startsWith("text/javascript") && type.replace(" ", "").contains(";charset=utf-8"), type);
            assertTrue(library.body().contains("export function connect"), "the ES module");

            // Without --echoendpoint the echo endpoint is not there, however the path is spelled.
            assertEquals(404, RawHandshake.get(ContainerDeployments.http(BINARY, "/.procsocket/echo")).status());
            assertEquals(404, RawHandshake.get(ContainerDeployments.http(BINARY, "/%2Eprocsocket/echo")).status());
            // Broken handshakes get the gateway's own answers before the container sees them.
            URI cat = ContainerDeployments.http(BINARY, "/");
            RawHandshake.Response v8 = RawHandshake.send(cat, "GET", "dGhlIHNhbXBsZSBub25jZQ==", "8");
            assertEquals(426, v8.status());
            assertEquals("13", v8.header("Sec-WebSocket-Version"));
            assertEquals(405, RawHandshake.send(cat, "POST", "dGhlIHNhbXBsZSBub25jZQ==", "13").status());
            assertEquals(400, RawHandshake.send(cat, "GET", null, "13").status());
        });
    }

    @Test
    void environmentDescribesTheRequestUnderTheContextPath() throws Exception {
        deployedWhile(PROCSOCKET, () -> {
            int port = ContainerDeployments.portOf(PROCSOCKET);
            ContainerPeer ws = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/env/x%20y?a=1&b=2"));
            List<String> env = ws.textsUntilClose();
            assertTrue(env.contains("SCRIPT_NAME=/procsocket/"), () -> "SCRIPT_NAME: " + env);
            assertTrue(env.contains("PATH_INFO=/env/x y"), () -> "PATH_INFO: " + env);
            assertTrue(env.contains("QUERY_STRING=a=1&b=2"), () -> "QUERY_STRING: " + env);
            assertTrue(env.contains("REQUEST_URI=/procsocket/env/x%20y?a=1&b=2"), () -> "REQUEST_URI: " + env);
            assertTrue(env.contains("HTTP_HOST=127.0.0.1:" + port), () -> "HTTP_HOST: " + env);
            assertTrue(env.contains("REMOTE_ADDR=127.0.0.1"), () -> "REMOTE_ADDR: " + env);
            assertTrue(env.contains("SERVER_PORT=" + port), () -> "SERVER_PORT: " + env);
            assertTrue(env.stream().noneMatch(l -> l.startsWith("CATALINA_") || l.startsWith("JAVA_HOME=")),
                    () -> "the container's own environment leaked: " + env);
        });
    }

    @Test
    void procsocketV1IsNegotiatedAndTypedUnderTheContainer() throws Exception {
        deployedWhile(PROCSOCKET, () -> {
            ContainerPeer failing = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/fail"), "procsocket.v1");
            assertEquals("procsocket.v1", failing.subprotocol());
            String start = failing.nextText();
            assertTrue(start.startsWith("{\"type\":\"start\",\"pid\":"), start);
            assertEquals("{\"type\":\"stdout\",\"seq\":1,\"data\":\"failing\"}", failing.nextText());
            assertEquals("{\"type\":\"exit\",\"code\":3}", failing.nextText());
            assertEquals(new ContainerPeer.Close(1011, "exit status 3"), failing.awaitClose());

            ContainerPeer cat = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/cat"), "procsocket.v1");
            cat.nextText();
            cat.send("{\"type\":\"stdin\",\"data\":\"no newline added\"}");
            cat.send("{\"type\":\"bogus\"}");
            assertEquals("{\"type\":\"error\",\"message\":\"unknown type \\\"bogus\\\"\"}", cat.nextText());
            cat.send("{\"type\":\"eof\"}");
            assertEquals("{\"type\":\"stdout\",\"seq\":1,\"data\":\"no newline added\"}", cat.nextText());
            assertEquals("{\"type\":\"exit\",\"code\":0}", cat.nextText());
            assertEquals(new ContainerPeer.Close(1000, "exit status 0"), cat.awaitClose());

            // A client offering nothing still gets websocketd's lines.
            ContainerPeer plain = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/done"));
            assertEquals("", plain.subprotocol());
            assertEquals("done", plain.nextText());
        });
    }

    @Test
    void exitStatusBecomesTheCloseCode1000Or1011() throws Exception {
        deployedWhile(PROCSOCKET, () -> {
            ContainerPeer ok = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/done"));
            assertEquals("done", ok.nextText());
            assertEquals(new ContainerPeer.Close(1000, "exit status 0"), ok.awaitClose());

            ContainerPeer failing = ContainerPeer.connect(ContainerDeployments.ws(PROCSOCKET, "/fail"));
            assertEquals("failing", failing.nextText());
            assertEquals(new ContainerPeer.Close(1011, "exit status 3"), failing.awaitClose());
        });
    }

    @Test
    void upgradeBeyondMaxforksIsRefusedWith429() throws Exception {
        deployedWhile(LIMITED, () -> {
            // Six at the same moment against one slot: the slot is taken at admission, so exactly one upgrades and
            // five are refused before any upgrade (none is let through only to be closed).
            java.util.List<Integer> burst = RawHandshake.burst(ContainerDeployments.http(LIMITED, "/cat"), 6);
            assertEquals(1, burst.stream().filter(s -> s == 101).count(), burst.toString());
            assertEquals(5, burst.stream().filter(s -> s == 429).count(), burst.toString());
            // The burst's one connection has closed; its slot comes back once its program has ended (a bounded poll:
            // nothing announces it to a client).
            ContainerPeer first = null;
            long deadline = System.nanoTime() + ContainerPeer.WAIT.toNanos();
            while (first == null) {
                try {
                    first = ContainerPeer.connect(ContainerDeployments.ws(LIMITED, "/cat"));
                } catch (java.util.concurrent.ExecutionException refused) {
                    assertTrue(System.nanoTime() < deadline, "the burst's slot never came back: " + refused);
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            }
            first.send("running");
            assertEquals("running", first.nextText());
            RawHandshake.Response second = RawHandshake.get(ContainerDeployments.http(LIMITED, "/cat"));
            assertEquals(429, second.status());
            // The probes, under the context path, while the one slot is taken: no slot, no program, and UP.
            JsonNode ready = health(LIMITED, "ready", 200);
            assertEquals(List.of("process-backend", "shutdown"), checkNames(ready), "the connectors are the container's");
            assertTrue(List.of("native", "portable").contains(ready.at("/checks/0/data/backend").asText()), ready.toString());
            assertEquals("UP", health(LIMITED, "live", 200).get("status").asText());
            first.close();
            assertEquals(1000, first.awaitClose().code());
        });
    }

    @Test
    void unconfiguredWarDeploysExplainsItselfAndRefusesUpgradesWith503() throws Exception {
        deployedWhile(UNCONFIGURED, () -> {
            HttpResponse<String> welcome = HTTP.send(HttpRequest.newBuilder(
                    ContainerDeployments.http(UNCONFIGURED, "/")).timeout(ContainerPeer.WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, welcome.statusCode());
            assertTrue(welcome.body().contains("procsocket.args") && welcome.body().contains("PROCSOCKET_ARGS"),
                    "the welcome page says how to configure");
            RawHandshake.Response upgrade = RawHandshake.get(ContainerDeployments.http(UNCONFIGURED, "/anything"));
            assertEquals(503, upgrade.status());
            assertTrue(upgrade.body().contains("not configured"), upgrade.body());
            HttpResponse<String> launcher = HTTP.send(HttpRequest.newBuilder(ContainerDeployments.http(UNCONFIGURED,
                    "/org/springframework/boot/loader/launch/WarLauncher.class")).timeout(ContainerPeer.WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, launcher.statusCode(), "the executable WAR's launcher classes are not served");
            // Deployed but serving nothing: alive, not ready.
            assertEquals(List.of("configuration"), checkNames(health(UNCONFIGURED, "ready", 503)));
            assertEquals("UP", health(UNCONFIGURED, "live", 200).get("status").asText());
        });
    }

    /** GETs {@code /.procsocket/health/<which>} under {@code context}'s path: that status, JSON, never cached. */
    private static JsonNode health(String context, String which, int status) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(ContainerDeployments.http(context,
                "/.procsocket/health/" + which)).timeout(ContainerPeer.WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), which + ": " + r.body());
        // A container may add a charset parameter to what the filter set.
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), which);
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), which);
        JsonNode report = new ObjectMapper().readTree(r.body());
        assertEquals(status == 200 ? "UP" : "DOWN", report.get("status").asText(), r.body());
        return report;
    }

    private static List<String> checkNames(JsonNode report) {
        List<String> names = new java.util.ArrayList<>();
        report.get("checks").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    /** A test body that may throw anything; the deployment is undeployed however it ends. */
    private interface Body {
        void run() throws Exception;
    }

    private void deployedWhile(String deployment, Body body) throws Exception {
        deployer.deploy(deployment);
        try {
            body.run();
        } finally {
            deployer.undeploy(deployment);
        }
    }

    @Test
    void containerOwnedFlagFailsTheDeployment() throws Exception {
        boolean deployFailed = false;
        try {
            deployer.deploy(REFUSED);
        } catch (RuntimeException e) {
            deployFailed = true;
        }
        try {
            // Some adapters report the failed start, others only show it: either way nothing may serve there.
            HttpResponse<String> page = HTTP.send(
                    HttpRequest.newBuilder(ContainerDeployments.http(REFUSED, "/")).timeout(ContainerPeer.WAIT)
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(deployFailed || page.statusCode() == 404,
                    "a WAR given --port must not deploy, got HTTP " + page.statusCode());
            assertNotEquals(200, page.statusCode());
        } finally {
            if (!deployFailed) {
                deployer.undeploy(REFUSED);
            }
        }
    }

    /**
     * Undeploy ends the children, redeploy serves again, and redeploys leak nothing. Where a container JVM
     * lives through redeploys (Debian's tomcat10: its own JVM, measured with jcmd and /proc, over
     * {@value #REDEPLOY_CYCLES} cycles; embedded Tomcat: this JVM, over {@value #EMBEDDED_REDEPLOY_CYCLES};
     * see {@link ContainerJvm}), every copy of the application must then be collectable (no more live web
     * application class loaders after a full GC than before the first deploy), descriptors and threads
     * back to where the first cycle left them, and Tomcat must not have warned of a leak. Payara Micro's
     * adapter boots a new Payara Micro for every deploy and stops it on undeploy, so no JVM there could
     * gather leftovers: two cycles, children only.
     */
    @Test
    void undeployEndsEveryChildProcessGroupAndRedeployServesAgain() throws Exception {
        ContainerJvm jvm = ContainerJvm.ofThisRun();
        int cycles = jvm == null ? 2 : jvm.isThisJvm() ? EMBEDDED_REDEPLOY_CYCLES : REDEPLOY_CYCLES;
        ContainerJvm.Snapshot before = jvm == null ? null : jvm.snapshot();
        Object logMark = jvm == null ? null : jvm.logMark();
        ContainerJvm.Snapshot warm = null;
        for (int round = 1; round <= cycles; round++) {
            deployer.deploy(UNDEPLOYED);
            ContainerPeer ws = ContainerPeer.connect(ContainerDeployments.ws(UNDEPLOYED, "/hold"));
            String[] pids = ws.nextText().split(" ");
            assertEquals("pids", pids[0]);
            long child = Long.parseLong(pids[1]);
            long grandchild = Long.parseLong(pids[2]);
            assertTrue(ProcessState.running(child) && ProcessState.running(grandchild), "both started");

            deployer.undeploy(UNDEPLOYED);

            ws.awaitClose();
            ProcessState.awaitGone(child, ContainerPeer.WAIT);
            ProcessState.awaitGone(grandchild, ContainerPeer.WAIT);
            if (round == 1 && jvm != null) {
                warm = jvm.snapshot();
            }
        }
        if (jvm != null) {
            ContainerJvm.Snapshot baseline = warm;
            assertAll("redeploys leak nothing",
                    () -> assertEquals(List.of(), jvm.leakWarningsSince(logMark, cycles), "Tomcat's leak warnings"),
                    () -> jvm.awaitBackTo(before, baseline, LEAK_WAIT));
        }
    }
}
