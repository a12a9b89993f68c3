package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/** The dev console in procsocket.v1 mode (through /.procsocket/procsocket.js) in real Chromium. */
class DevConsoleProtocolTest extends WithDevConsole {
    @Test
    void stdoutAndStderrShownApartAndTheExitCode() throws Exception {
        Path script = TesterScripts.sh(dir, "mixed.sh", "echo out one\necho err one >&2\necho out two\nexit 3");
        try (TesterServer server = TesterServer.start("--devconsole", script.toString())) {
            console.open(server.http("/mixed"));
            // The page's CSP lets it import the server's own module, and the server sends it as JavaScript.
            Object exports = chromium.driver().executeAsyncScript("var done = arguments[arguments.length - 1];"
                    + "import('/.procsocket/procsocket.js').then(function (m) { done(typeof m.connect + ' ' + m.PROTOCOL); },"
                    + " function (e) { done('failed: ' + e); });");
            assertEquals("function procsocket.v1", exports);

            console.protocol(true);
            console.connect();
            WebElement exit = console.awaitEntry("exit");
            WebElement close = console.awaitEntry("close");
            console.awaitState("CLOSED");
            assertEquals("3", exit.getDomAttribute("data-code"));
            assertEquals("exit status 3", DevConsole.body(exit));
            assertEquals(List.of("out one", "out two"), console.output("stdout"));
            assertEquals(List.of("err one"), console.output("stderr"));
            assertEquals(List.of(1L, 2L, 3L), console.seqs().stream().sorted().toList(), "one seq per output message");
            assertEquals("1011", close.getDomAttribute("data-code"));
            assertEquals("exit status 3", close.getDomAttribute("data-reason"));
            WebElement start = console.awaitEntry("start");
            assertTrue(Long.parseLong(start.getDomAttribute("data-pid")) > 1, DevConsole.text(start));
            assertTrue(console.entries("open").stream().map(DevConsole::body).allMatch(b -> b.contains("procsocket.v1")));
            assertTrue(console.entries("error").isEmpty(), () -> console.entries("error").stream()
                    .map(DevConsole::body).collect(Collectors.joining("; ")));
        }
    }

    @Test
    void eofLetsSortFinishAndReport() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "sort")) {
            console.open(server.http("/sort"));
            console.protocol(true);
            console.connect();
            console.awaitState("OPEN");
            console.sendText("pear");
            console.sendText("apple");
            console.sendText("fig");
            console.eof();
            WebElement exit = console.awaitEntry("exit");
            assertEquals(List.of("apple", "fig", "pear"), console.output("stdout"));
            assertEquals("0", exit.getDomAttribute("data-code"));
            WebElement close = console.awaitEntry("close");
            assertEquals("1000", close.getDomAttribute("data-code"));
            assertEquals(1, console.entries("eof").size());
        }
    }

    @Test
    void signalButtonReachesTheProgram() throws Exception {
        // The sleep in the loop gets USR1 too (the whole process group does); the trap runs once it is gone.
        Path script = TesterScripts.sh(dir, "trap.sh",
                "trap 'echo got USR1' USR1\necho ready\nwhile :; do sleep 0.1; done");
        try (TesterServer server = TesterServer.start("--devconsole", script.toString())) {
            console.open(server.http("/trap"));
            console.protocol(true);
            console.connect();
            console.waiting().withMessage("ready").until(d -> console.output("stdout").contains("ready"));
            console.signal("USR1");
            console.waiting().withMessage("the trap's line").until(d -> console.output("stdout").contains("got USR1"));
            console.signal("TERM");
            WebElement exit = console.awaitEntry("exit");
            assertEquals("TERM", exit.getDomAttribute("data-signal"));
            assertEquals("killed by SIGTERM", DevConsole.body(exit));
            assertEquals(2, console.entries("signal").size());
        }
    }

    @Test
    void outputContinuesAfterAResetConnectionWithoutGapOrDuplicate() throws Exception {
        resumesAfter(CuttableProxy::cut);
    }

    /** The server still sees the old connection open when the resume arrives: the new one takes over. */
    @Test
    void outputContinuesWhenOnlyTheBrowserSawTheDrop() throws Exception {
        resumesAfter(CuttableProxy::cutBrowserSide);
    }

    /** Back too late: the program is gone, so the resume is refused and no new program is started. */
    @Test
    void aRefusedResumeEndsTheClientWithoutStartingAnotherProgram() throws Exception {
        Path script = TesterScripts.sh(dir, "ticks.sh",
                "i=1\nwhile [ $i -le 1200 ]; do echo $i; i=$((i+1)); sleep 0.1; done");
        try (TesterServer server = TesterServer.start("--devconsole", "--resume=200", script.toString());
             CuttableProxy proxy = CuttableProxy.start(server.port())) {
            console.open(proxy.http("/ticks"));
            console.protocol(true);
            console.connect();
            console.waiting().withMessage("a line").until(d -> !console.output("stdout").isEmpty());
            Path proc = Path.of("/proc", console.awaitEntry("start").getDomAttribute("data-pid"));

            proxy.cut();
            console.waiting().withMessage("the program ended after --resume=200 without a client")
                    .until(d -> !Files.exists(proc));
            proxy.restore();

            WebElement close = console.awaitEntry("close");
            assertEquals("1008", close.getDomAttribute("data-code"));
            List<WebElement> errors = console.entries("error");
            assertTrue(errors.stream().anyMatch(e -> "true".equals(e.getDomAttribute("data-fatal"))
                    && DevConsole.body(e).contains("refused to resume")), () -> errors.stream().map(DevConsole::body)
                    .collect(Collectors.joining("; ")));
            assertEquals(1, console.entries("start").size());
            assertTrue(console.entries("resumed").isEmpty());
            console.awaitState("CLOSED");
        }
    }

    @Test
    void binaryOutputArrivesAsBytesPerStreamCountedForSeq() throws Exception {
        Path script = TesterScripts.sh(dir, "bytes.sh", "printf 'A\\nB'\nprintf 'E' >&2\nread x\nprintf '%s' \"$x\"");
        try (TesterServer server = TesterServer.start("--devconsole", "--binary", script.toString())) {
            console.open(server.http("/bytes"));
            console.protocol(true);
            console.connect();
            console.waiting().withMessage("stdout and stderr")
                    .until(d -> String.join("", console.output("stdout")).equals("A\nB")
                            && String.join("", console.output("stderr")).equals("E"));
            console.sendText("back");
            WebElement exit = console.awaitEntry("exit");
            assertEquals("0", exit.getDomAttribute("data-code"));
            assertEquals("A\nBback", String.join("", console.output("stdout")));
            List<Long> seqs = console.seqs();
            assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs.stream().sorted().toList());
            assertTrue(console.entries("stdout").stream().allMatch(e -> e.getDomAttribute("data-size") != null));
        }
    }

    private void resumesAfter(Consumer<CuttableProxy> cut) throws Exception {
        Path script = TesterScripts.sh(dir, "ticks.sh",
                "i=1\nwhile [ $i -le 1200 ]; do echo $i; i=$((i+1)); sleep 0.1; done");
        try (TesterServer server = TesterServer.start("--devconsole", "--resume=10000", script.toString());
             CuttableProxy proxy = CuttableProxy.start(server.port())) {
            console.open(proxy.http("/ticks"));
            assertEquals("ws://127.0.0.1:" + proxy.port() + "/ticks", console.url());
            console.protocol(true);
            console.connect();
            console.waiting().withMessage("5 lines").until(d -> console.output("stdout").size() >= 5);

            cut.accept(proxy);
            // Kept down across two failed reconnects, so the backoff is exercised and the program's output
            // piles up in the server's resume buffer meanwhile.
            console.waiting().withMessage("the second reconnect attempt")
                    .until(d -> console.entries("reconnecting").size() >= 2);
            int shownWhenDown = console.output("stdout").size();
            proxy.restore();

            WebElement resumed = console.awaitEntry("resumed");
            int target = shownWhenDown + 15;
            console.waiting().withMessage(target + " lines").until(d -> console.output("stdout").size() >= target);
            WebElement start = console.awaitEntry("start");
            assertEquals(start.getDomAttribute("data-pid"), resumed.getDomAttribute("data-pid"), "the same program");

            List<String> lines = console.output("stdout");
            List<String> expected = LongStream.rangeClosed(1, lines.size()).mapToObj(String::valueOf).toList();
            assertEquals(expected, lines, "every line once, in order, across the drop");
            assertEquals(LongStream.rangeClosed(1, lines.size()).boxed().toList(), console.seqs().subList(0, lines.size()));
            assertTrue(console.entries("missed").isEmpty(), "nothing dropped from the resume buffer");
            assertTrue(console.entries("error").isEmpty(), () -> console.entries("error").stream()
                    .map(DevConsole::body).collect(Collectors.joining("; ")));
            List<WebElement> attempts = console.entries("reconnecting");
            assertEquals("1", attempts.get(0).getDomAttribute("data-attempt"));
            assertTrue(DevConsole.body(attempts.get(0)).contains("code 1006"), DevConsole.body(attempts.get(0)));
            assertTrue(DevConsole.body(attempts.get(1)).contains("in 500 ms"), DevConsole.body(attempts.get(1)));

            // A clean close ends the program at once, resume or not.
            console.close("1000", "");
            WebElement close = console.awaitEntry("close");
            assertEquals("1000", close.getDomAttribute("data-code"));
            assertTrue(console.entries("exit").isEmpty(), "closed by the client, not ended by itself");
        }
    }
}
