package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterScripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** websocketd's command line, parsed with no server: every bad input is one line, before anything starts. */
class CommandLineTest {
    @TempDir
    Path dir;
    private Path script;
    private Map<String, String> env;

    @BeforeEach
    void script() throws IOException {
        script = TesterScripts.sh(dir, "s.sh", "echo hi");
        env = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/x", "SECRET", "s3cret");
    }

    private Config run(String... args) throws UsageException {
        CommandLine.Parsed p = CommandLine.parse(List.of(args), env, dir);
        assertEquals(CommandLine.Action.RUN, p.action());
        return p.config();
    }

    /** The message of the UsageException, checked to be exactly one line. */
    private String refused(String... args) {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(List.of(args), env, dir));
        assertFalse(e.getMessage().isBlank());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsMatchWebsocketd() throws UsageException {
        Config c = run("./s.sh");
        assertEquals(80, c.port());
        assertEquals(List.of(), c.addresses());
        assertEquals(List.of(script.toString()), c.command());
        assertFalse(c.binary());
        assertEquals(0, c.closeMs());
        assertEquals(1024, c.maxForks());
        assertEquals(1 << 20, c.maxFrameSize());
        assertEquals(LogLevel.ACCESS, c.logLevel());
        assertEquals(LogFormat.TEXT, c.logFormat());
        assertEquals(List.of(new Config.EnvVar("PATH", "/usr/bin:/bin")), c.passEnv());
    }

    @Test
    void oneAndTwoDashesAndBothValueFormsMeanTheSame() throws UsageException {
        for (List<String> form : List.of(List.of("--port=9000"), List.of("-port=9000"), List.of("--port", "9000"),
                List.of("-port", "9000"))) {
            String[] args = new String[form.size() + 1];
            form.toArray(args);
            args[form.size()] = "./s.sh";
            assertEquals(9000, run(args).port(), form.toString());
        }
    }

    @Test
    void boolFlagNeverSwallowsTheCommand() throws UsageException {
        Config c = run("--binary", "./s.sh", "x");
        assertTrue(c.binary());
        assertEquals(List.of(script.toString(), "x"), c.command());
        assertFalse(run("--binary=false", "./s.sh").binary());
    }

    @Test
    void flagsStopAtTheFirstNonFlagWord() throws UsageException {
        Config c = run("--closems=5", "./s.sh", "--port=1", "-x");
        assertEquals(80, c.port());
        assertEquals(5, c.closeMs());
        assertEquals(List.of(script.toString(), "--port=1", "-x"), c.command());
    }

    @Test
    void flagsStopAtDoubleDash() throws UsageException {
        Config c = run("--maxforks", "3", "--", "./s.sh", "--binary");
        assertEquals(3, c.maxForks());
        assertFalse(c.binary());
        assertEquals(List.of(script.toString(), "--binary"), c.command());
    }

    @Test
    void commandIsFoundOnPathAndMadeAbsolute() throws UsageException {
        Config c = run("sh", "-c", "true");
        assertTrue(Path.of(c.command().get(0)).isAbsolute(), c.command().toString());
        assertTrue(c.command().get(0).endsWith("/sh"));
    }

    @Test
    void repeatedAddressFlagsAllCountAndIpv6LosesItsBrackets() throws UsageException {
        Config c = run("--address=127.0.0.1", "--address", "[::1]", "./s.sh");
        assertEquals(List.of("127.0.0.1", "::1"), c.addresses());
    }

    @Test
    void passenvKeepsOnlyNamedVariablesThatExist() throws UsageException {
        Config c = run("--passenv=HOME, NOPE ,PATH", "./s.sh");
        assertEquals(List.of(new Config.EnvVar("HOME", "/home/x"), new Config.EnvVar("PATH", "/usr/bin:/bin")),
                c.passEnv());
    }

    @Test
    void loglevelIsCaseInsensitive() throws UsageException {
        assertEquals(LogLevel.DEBUG, run("--loglevel=DEBUG", "./s.sh").logLevel());
        assertEquals(LogLevel.NONE, run("--loglevel", "none", "./s.sh").logLevel());
    }

    @Test
    void helpVersionAndLicenseNeedNoCommand() throws UsageException {
        assertEquals(CommandLine.Action.HELP, CommandLine.parse(List.of("--help"), env, dir).action());
        assertEquals(CommandLine.Action.VERSION, CommandLine.parse(List.of("-version"), env, dir).action());
        assertEquals(CommandLine.Action.LICENSE, CommandLine.parse(List.of("--license"), env, dir).action());
    }

    @Test
    void unknownFlagIsRefused() {
        assertTrue(refused("--bogus", "./s.sh").contains("--bogus"));
        assertTrue(refused("-p=1", "./s.sh").contains("-p=1"));
    }

    @Test
    void flagWithoutItsValueIsRefused() {
        assertTrue(refused("--port").contains("--port"));
        assertTrue(refused("--loglevel").contains("--loglevel"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port=65536", "--port=-1", "--port=http", "--port=", "--port=1.5"})
    void badPortIsRefused(String flag) {
        assertTrue(refused(flag, "./s.sh").contains("--port"));
    }

    @Test
    void logformatIsTextOrJson() throws UsageException {
        assertEquals(LogFormat.JSON, run("--logformat=json", "./s.sh").logFormat());
        assertEquals(LogFormat.TEXT, run("--logformat", "text", "./s.sh").logFormat());
        assertTrue(refused("--logformat=xml", "./s.sh").contains("--logformat must be text or json; got xml"));
        assertTrue(refused("--logformat").contains("--logformat"));
    }

    @Test
    void badLoglevelIsRefused() {
        assertTrue(refused("--loglevel=loud", "./s.sh").contains("loud"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"closems", "maxforks", "maxframesize"})
    void negativeLimitsAreRefused(String name) {
        assertTrue(refused("--" + name + "=-1", "./s.sh").contains("--" + name));
        assertTrue(refused("--" + name + "=many", "./s.sh").contains("--" + name));
    }

    @Test
    void missingCommandIsRefused() {
        assertTrue(refused("--port=8080").contains("no command"));
        assertTrue(refused("--binary", "--").contains("no command"));
    }

    @Test
    void commandNotFoundIsRefused() {
        assertTrue(refused("./nope.sh").contains("not found"));
        assertTrue(refused("no-such-program-anywhere").contains("not found"));
    }

    @Test
    void commandNotExecutableIsRefused() throws IOException {
        Files.writeString(dir.resolve("plain.sh"), "echo\n");
        assertTrue(refused("./plain.sh").contains("not executable"));
    }

    @Test
    void commandThatIsADirectoryIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        assertTrue(refused("./sub").contains("directory"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "[::1", "[]", "127.0.0.1:80", "a/b", ""})
    void addressThatIsNotAHostIsRefused(String address) {
        assertTrue(refused("--address=" + address, "./s.sh").contains("--address"));
    }

    @Test
    void aUnixSocketAloneMeansNoTcpListenerAndWithPortOrAddressBoth() throws UsageException {
        Config alone = run("--unixsocket=/tmp/ps.sock", "./s.sh");
        assertEquals(java.nio.file.Path.of("/tmp/ps.sock"), alone.unixSocket());
        assertFalse(alone.listenTcp());
        assertTrue(run("--unixsocket=/tmp/ps.sock", "--port=9000", "./s.sh").listenTcp());
        assertTrue(run("--unixsocket=/tmp/ps.sock", "--address=127.0.0.1", "./s.sh").listenTcp());
        assertTrue(run("./s.sh").listenTcp());
    }

    @Test
    void aUnixSocketPathTheKernelCannotBindIsRefusedAtOnce() {
        assertTrue(refused("--unixsocket=/tmp/" + "x".repeat(120), "./s.sh").contains("107 bytes"));
        assertTrue(refused("--unixsocket=/no/such/dir/s.sock", "./s.sh").contains("no such directory"));
        assertTrue(refused("--unixsocket=", "./s.sh").contains("--unixsocket"));
    }

    @Test
    void boolFlagSetToFalseIsOff() throws UsageException {
        assertEquals(List.of(script.toString()), run("--ssl=false", "./s.sh").command());
    }

    @Test
    void splitHonoursQuotesAndEscapes() throws UsageException {
        assertEquals(List.of("--port=1", "a b", "c \" d", "e f", "", "g'h"),
                CommandLine.split("  --port=1 'a b' \"c \\\" d\" e\\ f '' \"g'h\"  "));
        assertEquals(List.of(), CommandLine.split(" \t "));
        assertEquals(List.of("ab"), CommandLine.split("a'b'"));
    }

    @Test
    void splitRefusesAnUnclosedQuote() {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.split("a 'b c"));
        assertTrue(e.getMessage().contains("unclosed"));
    }
}
