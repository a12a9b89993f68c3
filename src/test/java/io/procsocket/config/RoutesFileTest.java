package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --config: what each setting becomes, and one line naming the file, the line and the key for each mistake. */
class RoutesFileTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("routes.yaml"), yaml);
    }

    private Config load(String yaml, String... more) throws Exception {
        Path f = file(yaml);
        List<String> args = new java.util.ArrayList<>(List.of("--config=" + f));
        args.addAll(List.of(more));
        return CommandLine.parse(args, ENV, dir).config();
    }

    /** The one line a bad file gets. */
    private String refused(String yaml) throws Exception {
        Path f = file(yaml);
        UsageException e = assertThrows(UsageException.class,
                () -> CommandLine.parse(List.of("--config=" + f), ENV, dir));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage().substring(f.toString().length());
    }

    @Test
    void everyRouteGetsTheTopLevelThenItsOwnThenTheCommandLine() throws Exception {
        Config c = load("""
                port: 9001
                maxframesize: 1000
                passenv: [PATH]
                routes:
                  - path: /tool
                    command: [cat, -u]
                    binary: true
                    env: {GREETING: hi there, EMPTY: ""}
                    header-ws: ["X-Route: tool"]
                  - path: /logs/
                    command: tail -F log
                    shared: true
                    shared-replay: 5
                    maxframesize: 500
                """, "--maxframesize=2000");
        assertEquals(9001, c.port());
        assertEquals(2000, c.maxFrameSize(), "the command line overrides the file");
        assertEquals(2, c.routes().size());
        Config tool = c.routes().get(0).config();
        assertEquals("/tool", c.routes().get(0).path());
        assertFalse(c.routes().get(0).prefix());
        assertEquals(List.of("/usr/bin/cat", "-u"), tool.command());
        assertTrue(tool.binary());
        assertEquals(List.of(new Config.EnvVar("GREETING", "hi there"), new Config.EnvVar("EMPTY", "")), tool.extraEnv());
        assertEquals(List.of(new Config.Header("X-Route", "tool")), tool.headers().ws());
        assertEquals(2000, tool.maxFrameSize());
        Config logs = c.routes().get(1).config();
        assertTrue(c.routes().get(1).prefix());
        assertTrue(logs.shared().enabled());
        assertEquals(5, logs.shared().replay());
        assertFalse(logs.binary(), "a route's settings are its own");
        assertEquals(List.of("/usr/bin/tail", "-F", "log"), logs.command());
        assertTrue(c.servesWebSockets());
    }

    @Test
    void routePathsMatchExactlyOrAsAPrefix() {
        Config.RouteSpec exact = new Config.RouteSpec("/a", 1, null);
        Config.RouteSpec prefix = new Config.RouteSpec("/b/", 1, null);
        assertTrue(exact.matches("/a"));
        assertFalse(exact.matches("/a/x"));
        assertFalse(exact.matches("/ab"));
        assertTrue(prefix.matches("/b/x/y"));
        assertTrue(prefix.matches("/b"));
        assertFalse(prefix.matches("/bc"));
    }

    @Test
    void relativePathsInTheFileAreTheFilesAndAScriptDirRouteIsAPrefix() throws Exception {
        Files.createDirectories(dir.resolve("scripts"));
        Path tool = Files.writeString(dir.resolve("tool.sh"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        Config c = load("""
                routes:
                  - path: /s/
                    dir: scripts
                  - path: /t
                    command: ./tool.sh
                """);
        assertEquals(dir.resolve("scripts").toRealPath(), c.routes().get(0).config().scriptDir());
        assertEquals(tool.toString(), c.routes().get(1).config().command().get(0));
    }

    @Test
    void unknownKeyNamesTheLineAndTheKey() throws Exception {
        assertEquals(":2: colour: unknown key (keys are the flags' names, see --help)",
                refused("port: 1\ncolour: red\n"));
        assertTrue(refused("routes:\n  - path: /a\n    command: cat\n    maxfork: 3\n").startsWith(":4: maxfork: unknown key"));
    }

    @Test
    void wrongTypesNameTheLineAndTheKey() throws Exception {
        assertTrue(refused("port: [1, 2]\n").startsWith(":1: port: must be one value"));
        assertTrue(refused("port: {a: 1}\n").startsWith(":1: port: must be a value or a list, not a mapping"));
        assertTrue(refused("binary: maybe\n").startsWith(":1: binary:"));
        assertTrue(refused("maxforks: lots\ncommand: cat\n").startsWith(":1: maxforks: --maxforks"));
        assertTrue(refused("port: ~\n").startsWith(":1: port: has no value"));
        assertTrue(refused("routes: /a\n").startsWith(":1: routes: must be a list"));
        assertTrue(refused("address: [[a]]\n").contains("must be a plain value"));
    }

    @Test
    void routeMistakesNameTheRouteOrItsKey() throws Exception {
        assertTrue(refused("routes:\n  - command: cat\n").startsWith(":2: path: every route needs one path"));
        assertTrue(refused("routes:\n  - path: a\n    command: cat\n").startsWith(":2: path: must start with '/'"));
        assertTrue(refused("routes:\n  - path: /a/../b\n    command: cat\n").contains(". or .. segments"));
        assertTrue(refused("routes:\n  - path: /.procsocket/x\n    command: cat\n").contains("the server's own"));
        assertTrue(refused("routes:\n  - path: /a\n").contains("give it a command or a dir"));
        assertTrue(refused("routes:\n  - path: /a\n    dir: .\n").startsWith(":2: path: a dir route serves the scripts"));
        assertTrue(refused("routes:\n  - path: /a\n    command: cat\n    port: 9\n")
                .startsWith(":4: port: a setting of the whole server"));
        assertTrue(refused("routes:\n  - path: /a\n    command: cat\n    realm: x\n").startsWith(":4: realm: --realm needs"));
        assertTrue(refused("routes:\n  - path: /a\n    command: /no/such/program\n").contains("route /a"));
        assertTrue(refused("command: cat\nroutes:\n  - path: /a\n    command: cat\n").contains("cannot both be given"));
    }

    @Test
    void aRouteThatCanNeverMatchIsRefusedNamingTheOneThatTakesItsRequests() throws Exception {
        assertEquals(":6: route /logs/app can never match: the route at line 2 (/logs/) takes all its requests",
                refused("routes:\n  - path: /logs/\n    command: cat\n"
                        + "  - path: /other\n    command: cat\n  - path: /logs/app\n    command: cat\n"));
        assertTrue(refused("routes:\n  - path: /a\n    command: cat\n  - path: /a\n    command: cat\n")
                .contains("can never match"));
    }

    @Test
    void badYamlAndDuplicateKeysAndEmptyFilesAreOneLine() throws Exception {
        assertTrue(refused("port: 1\nport: 2\n").contains("port"));
        assertTrue(refused("routes:\n  - path: /a\n   command: [unclosed\n").contains("not valid YAML"));
        assertTrue(refused("").contains("empty"));
        assertTrue(refused("- just\n- a list\n").contains("must be a mapping"));
    }

    @Test
    void aContainerRefusesItsOwnSettingsInTheFileToo() throws Exception {
        Path f = file("port: 80\nroutes:\n  - path: /a\n    command: cat\n");
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(List.of("--config=" + f), ENV,
                dir, Set.of("port"), "belongs to the servlet container"));
        assertTrue(e.getMessage().contains(":1: port: --port belongs to the servlet container"), e.getMessage());
    }

    @Test
    void withoutAFileNothingChanges() throws Exception {
        Config c = CommandLine.parse(List.of("cat"), ENV, dir).config();
        assertEquals(List.of(), c.routes());
        assertNull(c.source());
    }

    @Test
    void theExampleInTheRepositoryLoads() throws Exception {
        Path example = Path.of("examples/procsocket.yaml").toAbsolutePath();
        Config c = CommandLine.parse(List.of("--config=" + example), ENV, dir).config();
        assertEquals(3, c.routes().size());
        assertEquals(List.of("/count", "/logs/", "/admin/"), c.routes().stream().map(Config.RouteSpec::path).toList());
        assertTrue(c.routes().get(1).config().shared().enabled());
        assertTrue(c.routes().get(2).config().auth().required());
        assertTrue(c.routes().get(2).config().protocol().required());
    }
}
