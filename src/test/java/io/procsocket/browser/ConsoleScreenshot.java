package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;

/**
 * Regenerates docs/console.png, the README's picture of the console in use. Not a *Test, so
 * {@code mvn verify} leaves the committed file alone; run it on purpose with
 * {@code mvn -B -q test -Dtest=ConsoleScreenshot}.
 */
class ConsoleScreenshot {
    @Test
    void writeDocsConsolePng() throws Exception {
        Path target = Path.of("docs", "console.png").toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path file = Files.write(Path.of("target", "hello.bin").toAbsolutePath(),
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'});
        // The console connects to any URL: a text echo first, then a binary one, in one log.
        try (TesterServer text = TesterServer.start("--devconsole", "cat");
             TesterServer binary = TesterServer.start("--binary", "cat");
             HeadlessChromium chromium = HeadlessChromium.start(1100, 1040)) {
            DevConsole console = new DevConsole(chromium).open(text.http("/echo"));
            console.connect();
            console.awaitState("OPEN");
            console.sendText("hello, procsocket");
            console.sendText("grüße aus dem Browser ✓");
            console.sendText("<img src=x onerror=alert(1)> stays text");
            console.awaitReceivedTexts(3);
            console.close("4000", "switching to binary");
            console.awaitEntry("close");
            console.awaitState("CLOSED");

            console.connect(binary.ws("/bytes").toString());
            console.awaitState("OPEN");
            console.binaryType("arraybuffer");
            console.sendFile(file);
            console.awaitBinaries(1);
            console.awaitEntry("drained");
            console.script("document.getElementById('message').value = 'Enter sends';"
                    + "document.activeElement.blur()");
            Path shot = chromium.driver().getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.size(target) > 10_000, "a real screenshot in " + target);
    }

    /** A phone-sized look at the binary side, for checking the layout by eye (target/, not committed). */
    @Test
    void writePhoneSizedBinaryShot() throws Exception {
        Path target = Path.of("target", "console-phone.png").toAbsolutePath();
        Path file = Files.write(Path.of("target", "sample.bin").toAbsolutePath(), new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff, 'h', 'i'});
        try (TesterServer server = TesterServer.start("--devconsole", "--binary", "cat");
             HeadlessChromium chromium = HeadlessChromium.start(390, 844)) {
            DevConsole console = new DevConsole(chromium).open(server.http("/bin"));
            console.connect();
            console.awaitState("OPEN");
            console.binaryType("arraybuffer");
            console.sendFile(file);
            console.awaitBinaries(1);
            console.binaryType("blob");
            console.sendFile(file);
            console.awaitBinaries(2);
            console.script("document.activeElement.blur()");
            Files.copy(chromium.driver().getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.size(target) > 10_000, "a real screenshot in " + target);
    }
}
