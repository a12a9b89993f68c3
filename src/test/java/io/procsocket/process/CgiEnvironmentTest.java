package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.procsocket.config.Config;
import io.procsocket.config.CommandLine;
import io.procsocket.config.UsageException;
import java.nio.file.Path;
import io.procsocket.config.Version;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Route;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The child's environment, built with no server from a request snapshot. */
class CgiEnvironmentTest {
    private static final Route ROUTE = new Route(List.of("/srv/app.sh"), "/", "/chat/room", "");

    /** Built the only way a Config is built: from flags, with {@code passEnv} as the server's environment. */
    private static Config config(List<Config.EnvVar> passEnv) {
        Map<String, String> serverEnv = new java.util.HashMap<>();
        List<String> names = new ArrayList<>();
        for (Config.EnvVar v : passEnv) {
            serverEnv.put(v.name(), v.value());
            names.add(v.name());
        }
        serverEnv.put("NOT_PASSED", "secret");
        try {
            return CommandLine.parse(List.of("--port=8080", "--passenv=" + String.join(",", names), "/bin/sh"),
                    serverEnv, Path.of("/")).config();
        } catch (UsageException e) {
            throw new AssertionError(e);
        }
    }

    private static HandshakeInfo request(boolean secure, String... headerPairs) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(headerPairs[i], headerPairs[i + 1]));
        }
        return new HandshakeInfo("/chat/room?a=1&b=%20x+y", "/chat/room", "a=1&b=%20x+y", "", headers,
                "127.0.0.1", 54321, secure);
    }

    private static Map<String, String> build(HandshakeInfo request, List<Config.EnvVar> passEnv) {
        return CgiEnvironment.build(request, ROUTE, config(passEnv), "42", "127.0.0.1");
    }

    @Test
    void everyCgiVariableIsSetInWebsocketdOrder() {
        Map<String, String> env = build(request(false, "Host", "example.com:8080"), List.of());
        List<String> expectedOrder = List.of("SERVER_SOFTWARE", "GATEWAY_INTERFACE", "SERVER_PROTOCOL",
                "REQUEST_METHOD", "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST",
                "SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REQUEST_URI", "UNIQUE_ID",
                "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "REMOTE_IDENT", "REMOTE_USER", "HTTP_HOST");
        assertEquals(expectedOrder, List.copyOf(env.keySet()));
        assertEquals(Version.SERVER_SOFTWARE, env.get("SERVER_SOFTWARE"));
        assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertEquals("example.com", env.get("SERVER_NAME"));
        assertEquals("8080", env.get("SERVER_PORT"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertEquals("54321", env.get("REMOTE_PORT"));
        assertEquals("127.0.0.1", env.get("REMOTE_HOST"));
        assertEquals("/", env.get("SCRIPT_NAME"));
        assertEquals("/chat/room", env.get("PATH_INFO"));
        assertEquals("/chat/room", env.get("PATH_TRANSLATED"), "the request path, as websocketd sets it");
        assertEquals("a=1&b=%20x+y", env.get("QUERY_STRING"));
        assertEquals("/chat/room?a=1&b=%20x+y", env.get("REQUEST_URI"));
        assertEquals("42", env.get("UNIQUE_ID"));
        assertEquals("", env.get("AUTH_TYPE"));
        assertEquals("example.com:8080", env.get("HTTP_HOST"));
        assertNull(env.get("HTTPS"));
    }

    @Test
    void headerNamesBecomeHttpUpperSnakeCase() {
        Map<String, String> env = build(request(false, "Host", "h", "sec-WebSocket-Key", "k", "X-Dash-2", "d"),
                List.of());
        assertEquals("k", env.get("HTTP_SEC_WEBSOCKET_KEY"));
        assertEquals("d", env.get("HTTP_X_DASH_2"));
    }

    @Test
    void underscoreHeaderCannotSpoofOrJoinTheDashedHeaderAProxySet() {
        // A proxy sets X-Forwarded-For; the client adds X_Forwarded_For. Both map to HTTP_X_FORWARDED_FOR.
        Map<String, String> env = build(request(false, "Host", "h", "X_Forwarded_For", "6.6.6.6",
                "X-Forwarded-For", "10.0.0.1", "x_forwarded_for", "7.7.7.7", "X-Real_IP", "8.8.8.8"), List.of());
        assertEquals("10.0.0.1", env.get("HTTP_X_FORWARDED_FOR"));
        assertNull(env.get("HTTP_X_REAL_IP"), "a name with '_' anywhere is dropped");
        Map<String, String> alone = build(request(false, "Host", "h", "X_Forwarded_For", "6.6.6.6"), List.of());
        assertNull(alone.get("HTTP_X_FORWARDED_FOR"), "nor may it stand in for a header the proxy did not set");
    }

    @Test
    void headerNameNoShellCouldUseIsDropped() {
        Map<String, String> env = build(request(false, "Host", "h", "X.Dotted", "d", "X Space", "s"), List.of());
        assertFalse(env.keySet().stream().anyMatch(k -> k.contains(".") || k.contains(" ")), env.toString());
    }

    @Test
    void proxyHeaderNeverBecomesTheChildsHttpProxy() {
        Map<String, String> env = build(request(false, "Host", "h", "Proxy", "http://evil:8080"), List.of());
        assertNull(env.get("HTTP_PROXY"));
        Map<String, String> passed = build(request(false, "Host", "h", "proxy", "http://evil:8080"),
                List.of(new Config.EnvVar("HTTP_PROXY", "http://corp:3128")));
        assertEquals("http://corp:3128", passed.get("HTTP_PROXY"), "the operator's own --passenv value stays");
    }

    @Test
    void repeatedHeaderIsJoinedWithCommaSpace() {
        Map<String, String> env = build(request(false, "Host", "h", "X-Multi", "a", "x-multi", "b", "X-MULTI", "c"),
                List.of());
        assertEquals("a, b, c", env.get("HTTP_X_MULTI"));
    }

    @Test
    void carriageReturnAndLineFeedInHeaderValueBecomeSpaces() {
        Map<String, String> env = build(request(false, "Host", "h", "X-Evil", "a\r\nINJECTED=1\nb"), List.of());
        assertEquals("a  INJECTED=1 b", env.get("HTTP_X_EVIL"));
        assertNull(env.get("INJECTED"));
    }

    @Test
    void variableLongerThanLinuxTakesIsDroppedRatherThanFailingTheLaunch() {
        // "HTTP_COOKIE=" + value + NUL may be at most 128 KiB; é is two bytes in UTF-8.
        int fits = CgiEnvironment.MAX_ENV_STRING_BYTES - "HTTP_COOKIE=".length() - 1;
        Map<String, String> env = build(request(false, "Host", "h", "Cookie", "c".repeat(fits)), List.of());
        assertEquals(List.of(), CgiEnvironment.dropUnpassable(env));
        assertEquals(fits, env.get("HTTP_COOKIE").length());
        Map<String, String> over = build(request(false, "Host", "h", "Cookie", "\u00e9".repeat(fits / 2 + 1),
                "X-Small", "s"), List.of());
        assertEquals(List.of("HTTP_COOKIE"), CgiEnvironment.dropUnpassable(over));
        assertNull(over.get("HTTP_COOKIE"));
        assertEquals("s", over.get("HTTP_X_SMALL"));
    }

    @Test
    void passenvVariablesComeLastAndOnlyThose() {
        Map<String, String> env = build(request(false, "Host", "h"),
                List.of(new Config.EnvVar("PATH", "/bin"), new Config.EnvVar("LANG", "C.UTF-8")));
        List<String> keys = List.copyOf(env.keySet());
        assertEquals(List.of("PATH", "LANG"), keys.subList(keys.size() - 2, keys.size()));
        assertEquals("/bin", env.get("PATH"));
        assertNull(env.get("HOME"));
    }

    @Test
    void serverNameAndPortComeFromHostWithSchemeDefaults() {
        assertHost("example.com", false, "example.com", "80");
        assertHost("example.com", true, "example.com", "443");
        assertHost("example.com:9000", true, "example.com", "9000");
        assertHost("[::1]:9000", false, "::1", "9000");
        assertHost("[::1]", false, "::1", "80");
        assertHost("[::1]", true, "::1", "443");
        assertHost("[::1]:", false, "::1", "80");
    }

    @Test
    void missingHostStillGivesAServerPort() {
        Map<String, String> env = build(request(false), List.of());
        assertEquals("", env.get("SERVER_NAME"));
        assertEquals("80", env.get("SERVER_PORT"));
        assertNull(env.get("HTTP_HOST"));
    }

    @Test
    void httpsIsOnOnlyUnderTls() {
        assertEquals("on", build(request(true, "Host", "h"), List.of()).get("HTTPS"));
    }

    private static void assertHost(String host, boolean secure, String name, String port) {
        Map<String, String> env = build(request(secure, "Host", host), List.of());
        assertEquals(name, env.get("SERVER_NAME"), host);
        assertEquals(port, env.get("SERVER_PORT"), host);
        assertEquals(host, env.get("HTTP_HOST"));
    }
}
