package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.CommandLine;
import io.procsocket.config.Config;
import io.procsocket.config.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every websocketd flag is accepted, bad combinations are refused with one clear line, all are documented. */
class ParityCommandLineTest {
    static final List<String> EVERY_FLAG = List.of("port", "address", "sameorigin", "origin", "ssl", "sslcert",
            "sslkey", "sslca", "redirport", "passenv", "binary", "passstderr", "reverselookup", "dir", "staticdir",
            "cgidir", "maxforks", "maxframesize", "closems", "pingms", "header", "header-ws", "header-http",
            "devconsole", "loglevel", "help", "version", "license", "unixsocket", "echoendpoint", "headertimeoutms",
            "messagetimeoutms");

    @TempDir
    static Path tmp;
    private static Path pem;

    @BeforeAll
    static void files() throws IOException {
        pem = Files.writeString(tmp.resolve("any.pem"), "placeholder");
    }

    private static Config parse(String... args) throws UsageException {
        return CommandLine.parse(List.of(args), Map.of("PATH", "/usr/bin:/bin"), tmp).config();
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void everyRemainingWebsocketdFlagIsAccepted() throws Exception {
        Config c = parse("--origin=example.com, https://other.example:8443", "--sameorigin",
                "--header=X-A: 1", "--header-ws=X-B: 2", "--header-http", "X-C: 3", "--ssl", "--sslcert=" + pem,
                "--sslkey=" + pem, "--sslca=" + pem, "--redirport=8080", "--pingms=500", "--passstderr",
                "--reverselookup", "--staticdir=" + tmp, "--cgidir=" + tmp, "cat");
        assertEquals(List.of("example.com", "https://other.example:8443"), c.origins().allowed());
        assertTrue(c.origins().sameOrigin());
        assertEquals(List.of(new Config.Header("X-C", "3")), c.headers().http());
        assertEquals(443, c.port());
        assertEquals(8080, c.redirPort());
        assertEquals(500, c.pingMs());
        assertTrue(c.passStderr() && c.reverseLookup());
        assertEquals(pem, c.tls().clientCa());
        assertEquals(tmp.toRealPath(), c.staticDir());

        Config dir = parse("--dir", tmp.toString());
        assertEquals(tmp.toRealPath(), dir.scriptDir());
        assertTrue(dir.command().isEmpty());
        assertEquals(80, dir.port());
        assertNull(dir.tls());
    }

    @Test
    void devconsoleIsRefusedWithStaticdirOrCgidir() {
        assertTrue(refusal("--devconsole", "--staticdir=" + tmp, "cat").contains("--devconsole cannot be used with"));
        assertTrue(refusal("--devconsole", "--cgidir=" + tmp, "cat").contains("--staticdir or --cgidir"));
    }

    @Test
    void commandTogetherWithDirIsRefused() {
        assertTrue(refusal("--dir=" + tmp, "cat").contains("both a COMMAND and --dir"));
    }

    @Test
    void passstderrWithBinaryIsRefusedNamingBothFlags() {
        String message = refusal("--passstderr", "--binary", "cat");
        assertTrue(message.contains("--passstderr") && message.contains("--binary"), message);
    }


    @Test
    void sslFlagsAreRefusedInWebsocketdsBadCombinations() {
        assertTrue(refusal("--ssl", "--sslcert=" + pem, "cat").contains("--sslcert and --sslkey"));
        assertTrue(refusal("--sslcert=" + pem, "--sslkey=" + pem, "cat").contains("needs --ssl"));
        assertTrue(refusal("--sslca=" + pem, "cat").contains("needs --ssl"));
        assertTrue(refusal("--ssl", "--sslcert=/nonexistent.pem", "--sslkey=" + pem, "cat").contains("not a readable file"));
    }

    @Test
    void badDirectoriesHeadersAndOriginsAreRefused() {
        assertTrue(refusal("--dir=/nonexistent-procsocket").contains("not a directory"));
        assertTrue(refusal("--staticdir=/nonexistent-procsocket", "cat").contains("not a directory"));
        assertTrue(refusal("--header=NoColon", "cat").contains("Name: value"));
        assertTrue(refusal("--header=Bad Name: x", "cat").contains("not a header name"));
        assertTrue(refusal("--header-ws=X-Split: a\r\nSet-Cookie: b", "cat").contains("line breaks"));
        assertTrue(refusal("--pingms=-1", "cat").contains("--pingms"));
        assertTrue(refusal("--origin=a b", "cat").contains("--origin"));
    }

    @Test
    void staticOrCgiAloneNeedNoCommand() throws Exception {
        assertTrue(parse("--staticdir=" + tmp).command().isEmpty());
        assertTrue(parse("--cgidir=" + tmp).command().isEmpty());
        assertTrue(refusal().contains("no command given"));
    }

    @Test
    void badCombinationExitsNonZeroWithOneLine() throws Exception {
        Result r = runMain("--passstderr", "--binary", "cat");
        assertEquals(1, r.status);
        assertEquals(1, r.stderr.strip().lines().count(), r.stderr);
        assertTrue(r.stderr.contains("--passstderr") && r.stderr.contains("--binary"), r.stderr);
    }

    @Test
    void helpAndReadmeDocumentEveryFlag() throws Exception {
        Result help = runMain("--help");
        assertEquals(0, help.status);
        String readme = Files.readString(Path.of("README.md"));
        for (String flag : EVERY_FLAG) {
            assertTrue(help.stdout.contains("--" + flag), "--help does not mention --" + flag);
            assertTrue(readme.contains("| `--" + flag) || readme.contains("`--" + flag + "` |")
                    || readme.contains("`--" + flag + "`, "), "README's flags table has no row for --" + flag);
        }
    }

    private record Result(int status, String stdout, String stderr) { }

    /** The real launcher in its own JVM, so exit statuses are the ones a user sees. */
    private static Result runMain(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.procsocket.launcher.Main"));
        argv.addAll(List.of(args));
        Path out = tmp.resolve("main.out");
        Path err = tmp.resolve("main.err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("launcher did not exit");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
