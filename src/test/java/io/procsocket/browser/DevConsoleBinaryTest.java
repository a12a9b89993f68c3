package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * The console's binary side in real Chromium against {@code --binary cat}: a chosen file goes out as a
 * Blob, comes back byte for byte as an ArrayBuffer or a Blob, and bufferedAmount drains.
 */
class DevConsoleBinaryTest extends WithChromium {
    /** The console previews this many bytes in hex. */
    private static final int PREVIEW = 48;

    private TesterServer server;
    private DevConsole console;

    @TempDir
    Path dir;

    @BeforeEach
    void connect() {
        server = TesterServer.start("--devconsole", "--binary", "cat");
        console = new DevConsole(chromium).open(server.http("/binary"));
        console.connect();
        console.awaitState("OPEN");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void fileComesBackAsArrayBuffer() throws Exception {
        console.binaryType("arraybuffer");
        assertFilesEcho("ArrayBuffer");
    }

    @Test
    void fileComesBackAsBlob() throws Exception {
        console.binaryType("blob");
        assertFilesEcho("Blob");
    }

    @Test
    void bufferedAmountShowsALargeSendUntilItDrains() throws Exception {
        // Under the default --maxframesize (1 MiB), so it is one legal message.
        byte[] big = bytes(900 * 1024, 3);
        Path file = Files.write(dir.resolve("big.bin"), big);
        console.sendFile(file);

        WebElement sent = console.awaitEntry("sent");
        // send() counts the bytes into bufferedAmount before it returns; the console logs that value.
        assertTrue(Long.parseLong(sent.getDomAttribute("data-buffered")) >= big.length,
                "bufferedAmount right after send: " + sent.getDomAttribute("data-buffered"));
        WebElement drained = console.awaitEntry("drained");
        assertTrue(DevConsole.text(drained).contains(big.length + " bytes left the browser"), DevConsole.text(drained));
        assertEquals("0", console.buffered());

        // cat returns every byte; binary mode cuts the stream wherever the pipe reads did.
        console.waiting().withMessage("all " + big.length + " bytes echoed")
                .until(d -> receivedBytes() == big.length);
        List<WebElement> chunks = console.awaitBinaries(1);
        assertEquals(hexPreview(big), DevConsole.hexOf(chunks.get(0)).substring(0, 3 * PREVIEW - 1));

        console.close("1000", "");
        console.awaitState("CLOSED");
        assertEquals("1000", console.awaitEntry("close").getDomAttribute("data-code"));
    }

    @Test
    void fileOverMaxFrameSizeEndsWith1009AndTheConsoleSaysSo() throws Exception {
        byte[] tooBig = bytes(1024 * 1024 + 1, 4);
        console.sendFile(Files.write(dir.resolve("too-big.bin"), tooBig));
        WebElement close = console.awaitEntry("close");
        console.awaitState("CLOSED");
        assertEquals("1009", close.getDomAttribute("data-code"), DevConsole.text(close));
        assertTrue(console.entries("message").isEmpty(), "nothing echoed");
    }

    /** A short file (previewed whole) and a longer one (size and first bytes). */
    private void assertFilesEcho(String type) throws Exception {
        byte[] small = bytes(40, 1);
        byte[] longer = bytes(3000, 2); // under PIPE_BUF, so cat hands it back in one read, one message
        console.sendFile(Files.write(dir.resolve("small.bin"), small));
        List<WebElement> echoes = console.awaitBinaries(1);
        console.sendFile(Files.write(dir.resolve("longer.bin"), longer));
        echoes = console.awaitBinaries(2);

        assertEquals(2, echoes.size());
        assertEquals(type, echoes.get(0).getDomAttribute("data-binary"));
        assertEquals("40", echoes.get(0).getDomAttribute("data-size"));
        assertEquals(hexPreview(small), DevConsole.hexOf(echoes.get(0)));
        assertEquals(type + ", 40 bytes", DevConsole.body(echoes.get(0)));

        assertEquals(type, echoes.get(1).getDomAttribute("data-binary"));
        assertEquals("3000", echoes.get(1).getDomAttribute("data-size"));
        assertEquals(hexPreview(longer) + " …", DevConsole.hexOf(echoes.get(1)));

        List<WebElement> sent = console.entries("sent");
        assertEquals("small.bin, 40 bytes (Blob)", DevConsole.body(sent.get(0)));
    }

    private long receivedBytes() {
        return console.entries("message").stream().mapToLong(e -> Long.parseLong(e.getDomAttribute("data-size"))).sum();
    }

    /** The console's hex: two lower-case digits per byte, spaces between, first {@link #PREVIEW} bytes. */
    private static String hexPreview(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < Math.min(bytes.length, PREVIEW); i++) {
            out.append(i == 0 ? "" : " ").append(hex.toHexDigits(bytes[i]));
        }
        return out.toString();
    }

    /** Deterministic bytes covering every value, zeros and high bits included. */
    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = 0;
        if (size > 1) {
            b[1] = (byte) 0xff;
        }
        return b;
    }
}
