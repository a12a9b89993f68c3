package io.procsocket.codec;

import static io.procsocket.message.ServerEvent.Stream.STDERR;
import static io.procsocket.message.ServerEvent.Stream.STDOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.procsocket.message.BinaryRequest;
import io.procsocket.message.ClientRequest;
import io.procsocket.message.ServerEvent;
import io.procsocket.message.StreamChunk;
import io.procsocket.process.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * procsocket.v1's codecs with no server: every message both ways, and every malformed request decoding to
 * {@link ClientRequest.Invalid} with a reason rather than throwing (a decoder that throws ends the session).
 */
class ProtocolCodecsTest {
    private static final JsonFactory JSON = new JsonFactory();

    // ===== client -> server, JSON text =====

    @Test
    void stdinIsItsDataAsUtf8WithNoNewlineAdded() {
        ClientRequest.Stdin s = stdin("{\"type\":\"stdin\",\"data\":\"a\\nb é 😀\"}");
        assertArrayEquals("a\nb é 😀".getBytes(StandardCharsets.UTF_8), s.data());
        assertArrayEquals(new byte[] {'x'}, stdin("{\"type\":\"stdin\",\"data\":\"x\"}").data(), "no newline added");
    }

    @Test
    void stdinWithEmptyDataIsZeroBytesNotAnError() {
        // The documented way to start the program at once under --resume.
        assertEquals(0, stdin("{\"type\":\"stdin\",\"data\":\"\"}").data().length);
    }

    @Test
    void stdinDataEscapesAreUnescapedBeforeWriting() {
        ClientRequest.Stdin s = stdin("{\"type\":\"stdin\","
                + "\"data\":\"\\\"q\\\" \\\\ \\u0000\\u001f \\u2028 \\ud83d\\ude00 \\/\"}");
        assertArrayEquals("\"q\" \\ \u0000\u001f \u2028 😀 /".getBytes(StandardCharsets.UTF_8), s.data());
    }

    @Test
    void fieldOrderDoesNotMatterAndWhitespaceAroundIsAllowed() {
        assertArrayEquals(new byte[] {'z'}, stdin(" \n{ \"data\" : \"z\" ,\t\"type\" : \"stdin\" }\r\n ").data());
    }

    @Test
    void eofDecodes() {
        assertInstanceOf(ClientRequest.Eof.class, decode("{\"type\":\"eof\"}"));
    }

    @ParameterizedTest
    @EnumSource(Signal.class)
    void everyAllowedSignalDecodesByNameSigPrefixAndAnyCase(Signal signal) {
        String n = signal.name();
        for (String name : List.of(n, "SIG" + n, n.toLowerCase(Locale.ROOT), "sig" + n.toLowerCase(Locale.ROOT),
                "Sig" + n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT))) {
            ClientRequest r = decode("{\"type\":\"signal\",\"name\":\"" + name + "\"}");
            assertEquals(new ClientRequest.SignalRequest(signal), r, name);
        }
    }

    @Test
    void theAllowedSignalsAreExactlyTheSevenOfTheProtocol() {
        assertEquals(List.of("HUP", "INT", "QUIT", "KILL", "USR1", "USR2", "TERM"),
                Arrays.stream(Signal.values()).map(Enum::name).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "SEGV", "CONT", "WINCH", "", "SIG", "9", "2", "SIGSIGINT", " INT", "INT ",
        "SIG_INT", "İNT"})
    void unknownSignalNameIsAnErrorNamingTheAllowedOnes(String name) {
        String reason = invalid("{\"type\":\"signal\",\"name\":\"" + name + "\"}");
        assertTrue(reason.contains("unknown signal"), reason);
        assertTrue(reason.contains("INT, TERM, HUP, QUIT, USR1, USR2 or KILL"), reason);
    }

    @Test
    void signalWithoutNameOrWithANumberIsAnError() {
        assertTrue(invalid("{\"type\":\"signal\"}").contains("name"));
        assertTrue(invalid("{\"type\":\"signal\",\"name\":2}").contains("\"name\" must be a string"));
        assertTrue(invalid("{\"type\":\"signal\",\"name\":null}").contains("\"name\" must be a string"));
    }

    @Test
    void resumeCarriesTokenAndSince() {
        assertEquals(new ClientRequest.Resume("abc-_123", 0),
                decode("{\"type\":\"resume\",\"token\":\"abc-_123\",\"since\":0}"));
        assertEquals(new ClientRequest.Resume("t", 42), decode("{\"since\":42,\"token\":\"t\",\"type\":\"resume\"}"));
        assertEquals(new ClientRequest.Resume("t", Long.MAX_VALUE),
                decode("{\"type\":\"resume\",\"token\":\"t\",\"since\":" + Long.MAX_VALUE + "}"));
        assertEquals(new ClientRequest.Resume("t", 0), decode("{\"type\":\"resume\",\"token\":\"t\",\"since\":-0}"));
    }

    @Test
    void resumeWithoutTokenOrSinceIsAnError() {
        assertTrue(invalid("{\"type\":\"resume\",\"since\":3}").contains("resume needs"));
        assertTrue(invalid("{\"type\":\"resume\",\"token\":\"t\"}").contains("resume needs"));
        assertTrue(invalid("{\"type\":\"resume\"}").contains("resume needs"));
        assertTrue(invalid("{\"type\":\"resume\",\"token\":7,\"since\":3}").contains("\"token\" must be a string"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-9223372036854775808", "1.5", "0.0", "1e3", "9223372036854775808",
        "99999999999999999999999999", "\"5\"", "null", "true", "[1]", "{\"n\":1}"})
    void resumeSinceMustBeAWholeNumberThatFitsALong(String since) {
        String reason = invalid("{\"type\":\"resume\",\"token\":\"t\",\"since\":" + since + "}");
        assertTrue(reason.contains("\"since\" must be a whole number"), reason);
    }

    @Test
    void numberLongerThanTheParsersLimitIsAnErrorNotAnException() {
        // Jackson reports its length limits with no location; the reason must not need one.
        String digits = "1".repeat(5000);
        String reason = invalid("{\"type\":\"resume\",\"token\":\"t\",\"since\":" + digits + "}");
        assertTrue(reason.startsWith("malformed JSON") || reason.contains("\"since\""), reason);
        decode("{\"type\":\"eof\",\"x\":" + digits + "}");
        decode("{\"type\":\"eof\",\"x\":" + digits + ".5e" + digits + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n", "hello", "{", "}", "{\"type\":\"eof\"", "{\"type\":", "{\"type\"",
        "{type:\"eof\"}", "{'type':'eof'}", "{\"type\":\"eof\",}", "{\"type\":\"stdin\",\"data\":\"a\nb\"}",
        "{\"type\":\"stdin\",\"data\":\"\\x41\"}", "{\"type\":\"stdin\",\"data\":\"\\u12\"}", "{\"type\":\"eof\"}}",
        "{\"type\":\"eof\",\"n\":01}", "{\"type\":\"eof\",\"n\":NaN}",
        "/* c */{\"type\":\"eof\"}", "\uFEFF{\"type\":\"eof\"}"})
    void notJsonIsAnErrorNotAnException(String text) {
        invalid(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"type\":\"eof\"}]", "42", "-1.5", "\"eof\"", "\"{\\\"type\\\":\\\"eof\\\"}\"",
        "null", "true", "false"})
    void topLevelValueOtherThanAnObjectIsAnError(String text) {
        assertEquals("not a JSON object", invalid(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"eof\"} x", "{\"type\":\"eof\"}{}", "{\"type\":\"eof\"}{\"type\":\"eof\"}",
        "{\"type\":\"eof\"}]", "{\"type\":\"eof\"},", "{\"type\":\"eof\"} 1", "{\"type\":\"eof\"}\"s\"",
        "{\"type\":\"eof\"}null"})
    void textAfterTheObjectIsAnError(String text) {
        invalid(text);
    }

    @Test
    void whitespaceAfterTheObjectIsNotText() {
        assertInstanceOf(ClientRequest.Eof.class, decode("{\"type\":\"eof\"} \t\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"eof\",\"type\":\"stdin\",\"data\":\"x\"}",
        "{\"type\":\"stdin\",\"data\":\"a\",\"data\":\"b\"}",
        "{\"type\":\"signal\",\"name\":\"INT\",\"name\":\"KILL\"}",
        "{\"type\":\"resume\",\"token\":\"a\",\"token\":\"b\",\"since\":0}",
        "{\"type\":\"resume\",\"token\":\"a\",\"since\":0,\"since\":9}", "{\"type\":\"eof\",\"x\":1,\"x\":2}",
        "{\"type\":\"eof\",\"x\":{\"a\":1,\"a\":2}}"})
    void duplicateFieldIsAnErrorSoNoOneGuessesWhichWins(String text) {
        assertTrue(invalid(text).contains("uplicate"), text);
    }

    @Test
    void missingTypeIsAnError() {
        assertEquals("no \"type\"", invalid("{}"));
        assertEquals("no \"type\"", invalid("{\"data\":\"x\"}"));
        assertEquals("no \"type\"", invalid("{\"Type\":\"eof\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "null", "true", "{}", "[]", "[\"eof\"]", "{\"type\":\"eof\"}"})
    void nonStringTypeIsAnError(String type) {
        assertEquals("\"type\" must be a string", invalid("{\"type\":" + type + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "EOF", "Stdin", "exit", "start", "stdout", "stderr", "error", "missed", "ping",
        " eof", "eof\\u0000"})
    void unknownTypeIsAnErrorNamingIt(String type) {
        String reason = invalid("{\"type\":\"" + type + "\",\"data\":\"x\"}");
        assertTrue(reason.startsWith("unknown type \""), reason);
    }

    @Test
    void stdinWithoutDataIsAnError() {
        assertEquals("stdin needs \"data\"", invalid("{\"type\":\"stdin\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "null", "true", "[\"a\"]", "{\"s\":\"a\"}", "[104,105]"})
    void stdinDataThatIsNotAStringIsAnError(String data) {
        assertEquals("\"data\" must be a string", invalid("{\"type\":\"stdin\",\"data\":" + data + "}"));
    }

    @Test
    void unknownExtraFieldsAreIgnoredSoANewerClientStillWorks() {
        assertInstanceOf(ClientRequest.Eof.class,
                decode("{\"type\":\"eof\",\"seq\":1,\"x\":null,"
                        + "\"y\":[1,2,{\"z\":[true,false]}],\"w\":{\"a\":{\"b\":1.5}}}"));
        assertArrayEquals(new byte[] {'d'},
                stdin("{\"future\":{\"k\":[\"v\"]},\"type\":\"stdin\","
                        + "\"data\":\"d\",\"id\":\"c1\",\"n\":12345678901234567890}").data());
        assertEquals(new ClientRequest.SignalRequest(Signal.INT),
                decode("{\"type\":\"signal\",\"name\":\"INT\",\"group\":true}"));
    }

    @Test
    void nestingWithinTheLimitInAnUnknownFieldIsIgnored() {
        // The request object is depth 1; seven more levels are within the limit of 8.
        String nested = "[".repeat(7) + "]".repeat(7);
        assertInstanceOf(ClientRequest.Eof.class, decode("{\"type\":\"eof\",\"x\":" + nested + "}"));
    }

    @Test
    void nestingDeeperThanTheLimitIsAnErrorNotAnException() {
        for (int depth : new int[] {8, 9, 100, 100_000}) {
            String text = "{\"type\":\"eof\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            String reason = invalid(text);
            assertTrue(reason.startsWith("malformed JSON"), reason);
        }
        // Unclosed: the parser stops at the limit instead of reading (or recursing into) the rest.
        invalid("{\"type\":\"eof\",\"x\":" + "{\"a\":".repeat(100_000));
    }

    @Test
    void everyPrefixOfEveryRequestDecodesWithoutThrowingAndOnlyTheWholeOneIsValid() {
        for (String whole : List.of("{\"type\":\"stdin\",\"data\":\"a\\\"\\u00e9\"}", "{\"type\":\"eof\"}",
                "{\"type\":\"signal\",\"name\":\"SIGTERM\"}",
                "{\"type\":\"resume\",\"token\":\"tok\",\"since\":123}")) {
            assertFalse(decode(whole) instanceof ClientRequest.Invalid, whole);
            for (int i = 0; i < whole.length(); i++) {
                String prefix = whole.substring(0, i);
                assertInstanceOf(ClientRequest.Invalid.class, decode(prefix), prefix);
            }
        }
    }

    @Test
    void loneSurrogateInDataDoesNotThrow() {
        // Not valid Unicode, but valid JSON: it must still decode (to UTF-8's replacement), never throw.
        ClientRequest.Stdin s = stdin("{\"type\":\"stdin\",\"data\":\"a\\ud800b\"}");
        assertEquals(3, s.data().length);
    }

    @Test
    void decoderWillDecodeAnyTextButNotNull() {
        ClientRequestDecoder d = new ClientRequestDecoder();
        assertTrue(d.willDecode(""));
        assertTrue(d.willDecode("not json"));
        assertFalse(d.willDecode(null));
    }

    // ===== client -> server, binary =====

    @Test
    void emptyBinaryFrameIsAnError() {
        String reason = binaryInvalid(new byte[0]);
        assertTrue(reason.contains("empty"), reason);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 127, 128, 255})
    void binaryFrameForAnyChannelButStdinIsAnErrorNamingTheChannel(int channel) {
        String reason = binaryInvalid(new byte[] {(byte) channel, 'x', 'y'});
        assertTrue(reason.contains("channel " + channel), reason);
        assertEquals(reason, binaryInvalid(new byte[] {(byte) channel}), "same with no payload");
    }

    @Test
    void binaryStdinWithZeroPayloadBytesIsEmptyStdinNotAnError() {
        assertEquals(0, binaryStdin(ByteBuffer.wrap(new byte[] {0})).data().length);
    }

    @Test
    void binaryStdinKeepsEveryByteValue0To255() {
        ByteBuffer frame = ByteBuffer.allocate(257).put((byte) 0).put(allByteValues()).flip();
        assertArrayEquals(allByteValues(), binaryStdin(frame).data());
    }

    @Test
    void binaryStdinReadsOnlyTheBufferWindowAndDoesNotConsumeIt() {
        byte[] all = {9, 9, 0, 'a', '\n', 0, 'b', 9};
        ByteBuffer window = ByteBuffer.wrap(all, 2, 5);
        assertArrayEquals(new byte[] {'a', '\n', 0, 'b'}, binaryStdin(window).data());
        assertEquals(2, window.position());
        assertEquals(5, window.remaining());
        assertArrayEquals(new byte[] {'a', '\n', 0, 'b'}, binaryStdin(window).data(), "decodes again the same");
        // A direct buffer, as some containers hand over, and a window whose first byte is not 0.
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {0, 1, 2}).flip();
        assertArrayEquals(new byte[] {1, 2}, binaryStdin(direct).data());
        assertTrue(binaryInvalid(ByteBuffer.wrap(all, 3, 2)).contains("channel 97"));
    }

    @Test
    void binaryStdinIsACopyNotAViewOfTheContainersBuffer() {
        byte[] frame = {0, 'a', 'b'};
        byte[] data = binaryStdin(ByteBuffer.wrap(frame)).data();
        frame[1] = 'X';
        assertArrayEquals(new byte[] {'a', 'b'}, data, "the container may reuse its buffer after decode");
    }

    @Test
    void binaryDecoderWillDecodeAnyBufferButNotNull() {
        BinaryRequestDecoder d = new BinaryRequestDecoder();
        assertTrue(d.willDecode(ByteBuffer.allocate(0)));
        assertFalse(d.willDecode(null));
    }

    // ===== server -> client, JSON text =====

    @Test
    void startWithoutResumeHasNoResumeField() throws Exception {
        assertEquals("{\"type\":\"start\",\"pid\":1234,\"id\":\"c-1\"}",
                encode(new ServerEvent.Start(1234, "c-1", null)));
    }

    @Test
    void startWithResumeCarriesTheToken() throws Exception {
        assertEquals("{\"type\":\"start\",\"pid\":4194304,\"id\":\"c-1\",\"resume\":\"AbC_-09xyz\"}",
                encode(new ServerEvent.Start(4194304, "c-1", "AbC_-09xyz")));
    }

    @Test
    void stdoutAndStderrCarrySeqAndData() throws Exception {
        assertEquals("{\"type\":\"stdout\",\"seq\":1,\"data\":\"hello\"}",
                encode(new ServerEvent.Output(STDOUT, 1, "hello")));
        assertEquals("{\"type\":\"stderr\",\"seq\":2,\"data\":\"oops\"}",
                encode(new ServerEvent.Output(STDERR, 2, "oops")));
        assertEquals("{\"type\":\"stdout\",\"seq\":" + Long.MAX_VALUE + ",\"data\":\"\"}",
                encode(new ServerEvent.Output(STDOUT, Long.MAX_VALUE, "")));
    }

    @Test
    void exitWithACodeHasNoSignalField() throws Exception {
        assertEquals("{\"type\":\"exit\",\"code\":0}", encode(new ServerEvent.Exit(0, null)));
        assertEquals("{\"type\":\"exit\",\"code\":3}", encode(new ServerEvent.Exit(3, null)));
        assertEquals("{\"type\":\"exit\",\"code\":255}", encode(new ServerEvent.Exit(255, null)));
    }

    @Test
    void exitBySignalHasNoCodeField() throws Exception {
        assertEquals("{\"type\":\"exit\",\"signal\":\"TERM\"}", encode(new ServerEvent.Exit(-1, "TERM")));
        assertEquals("{\"type\":\"exit\",\"signal\":\"SEGV\"}", encode(new ServerEvent.Exit(-1, Signal.linuxName(11))));
    }

    @Test
    void missedCarriesTheRangeOfSeqsDropped() throws Exception {
        assertEquals("{\"type\":\"missed\",\"from\":3,\"to\":1200}",
                encode(new ServerEvent.Missed(3, 1200)));
    }

    @Test
    void errorCarriesItsMessageEscaped() throws Exception {
        assertEquals("{\"type\":\"error\",\"message\":\"unknown type \\\"x\\\"\"}",
                encode(new ServerEvent.Error("unknown type \"x\"")));
    }

    @Test
    void theDecodersReasonsTravelAsErrorMessagesIntact() throws Exception {
        // Reasons quote what the client sent (a type, a signal name): it must come back as valid JSON.
        String reason = invalid("{\"type\":\"\\\"\\\\\\n\\u0000\\u2028😀\"}");
        Map<String, Object> m = fields(encode(new ServerEvent.Error(reason)));
        assertEquals(reason, m.get("message"));
    }

    @Test
    void dataIsEscapedSoAnyLineIsValidJsonAndComesBackTheSame() throws Exception {
        StringBuilder all = new StringBuilder("quote \" backslash \\ slash / ");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append("\u007f \u0085 \u2028 \u2029 \uFEFF 😀 \uD834\uDD1E é </script> \uFFFD");
        String data = all.toString();
        String json = encode(new ServerEvent.Output(STDOUT, 7, data));
        for (char c : json.toCharArray()) {
            assertTrue(c >= 0x20, "no raw control character in the JSON: " + (int) c);
        }
        assertTrue(json.contains("quote \\\" backslash \\\\ "), json);
        for (String escape : List.of("\\u0000", "\\n", "\\t", "\\r", "\\u001F")) {
            assertTrue(json.contains(escape), escape + " in " + json);
        }
        Map<String, Object> m = fields(json);
        assertEquals(List.of("type", "seq", "data"), List.copyOf(m.keySet()));
        assertEquals(data, m.get("data"));
        // Non-BMP characters stay one pair of surrogates, so the UTF-8 of the frame has them as four bytes.
        assertTrue(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("😀"));
    }

    @Test
    void everyEventParsesAsAFlatObjectWithTypeFirst() throws Exception {
        for (ServerEvent e : List.of(new ServerEvent.Start(1, "i", null), new ServerEvent.Start(1, "i", "t"),
                new ServerEvent.Output(STDOUT, 1, "o"), new ServerEvent.Output(STDERR, 2, "e"),
                new ServerEvent.Exit(0, null), new ServerEvent.Exit(-1, "KILL"), new ServerEvent.Missed(1, 2),
                new ServerEvent.Error("m"))) {
            Map<String, Object> m = fields(encode(e));
            assertEquals("type", m.keySet().iterator().next(), e.toString());
        }
    }

    @Test
    void theClientsDecoderRefusesWhatTheServerSends() throws Exception {
        // A client echoing a server event back gets an error, not a request carried out.
        for (ServerEvent e : List.of(new ServerEvent.Start(1, "i", "t"), new ServerEvent.Output(STDOUT, 1, "o"),
                new ServerEvent.Exit(0, null), new ServerEvent.Missed(1, 2), new ServerEvent.Error("m"))) {
            assertTrue(invalid(encode(e)).startsWith("unknown type"));
        }
    }

    // ===== server -> client, binary (--binary) =====

    @Test
    void streamChunkIsItsStreamByteThenTheBytes() {
        StreamChunkEncoder enc = new StreamChunkEncoder();
        assertArrayEquals(new byte[] {1, 'h', 'i', '\n'}, bytes(enc.encode(chunk(STDOUT, 'h', 'i', '\n'))));
        assertArrayEquals(new byte[] {2, 'e'}, bytes(enc.encode(chunk(STDERR, 'e'))));
        assertArrayEquals(new byte[] {1}, bytes(enc.encode(chunk(STDOUT))), "an empty read: the stream byte alone");
    }

    @Test
    void streamChunkKeepsEveryByteValueAndItsWindow() {
        byte[] all = allByteValues();
        ByteBuffer window = ByteBuffer.wrap(all, 10, 200);
        ByteBuffer out = new StreamChunkEncoder().encode(new StreamChunk(STDERR, window));
        assertEquals(201, out.remaining());
        assertEquals(2, out.get(out.position()));
        for (int i = 0; i < 200; i++) {
            assertEquals((byte) (i + 10), out.get(out.position() + 1 + i));
        }
        ByteBuffer full = new StreamChunkEncoder().encode(new StreamChunk(STDOUT, ByteBuffer.wrap(all)));
        assertArrayEquals(all, Arrays.copyOfRange(bytes(full), 1, 257));
    }

    @Test
    void streamChunkCanBeEncodedForManyClientsWithoutBeingConsumed() {
        StreamChunk c = chunk(STDOUT, 'a', 'b');
        StreamChunkEncoder enc = new StreamChunkEncoder();
        assertArrayEquals(bytes(enc.encode(c)), bytes(enc.encode(c)));
        assertEquals(0, c.bytes().position());
        assertEquals(2, c.bytes().remaining());
    }

    @Test
    void streamIdsAreKubernetesExecChannels() {
        assertEquals(1, STDOUT.id());
        assertEquals(2, STDERR.id());
        assertEquals(0, BinaryRequestDecoder.STDIN);
        assertEquals("stdout", STDOUT.json());
        assertEquals("stderr", STDERR.json());
    }

    // ===== WireFrames =====

    @Test
    void serverEventFrameIsATextFrameOfTheEncodersUtf8() throws Exception {
        ServerEvent e = new ServerEvent.Output(STDERR, 5, "é 😀 \"x\"");
        byte[] frame = WireFrames.of(e);
        byte[] payload = encode(e).getBytes(StandardCharsets.UTF_8);
        assertEquals((byte) 0x81, frame[0], "FIN + text");
        assertEquals(payload.length, frame[1], "short length, no mask bit");
        assertArrayEquals(payload, Arrays.copyOfRange(frame, 2, frame.length));
        assertArrayEquals(new byte[] {(byte) 0x81, 24}, Arrays.copyOf(WireFrames.of(new ServerEvent.Exit(0, null)), 2));
    }

    @Test
    void serverEventFrameOfALongLineUsesTheExtendedLength() throws Exception {
        ServerEvent e = new ServerEvent.Output(STDOUT, 1, "a".repeat(70_000));
        byte[] frame = WireFrames.of(e);
        int n = encode(e).length();
        assertEquals(127, frame[1]);
        assertEquals(10 + n, frame.length);
        assertEquals(n, ByteBuffer.wrap(frame, 2, 8).getLong());
    }

    @Test
    void streamChunkFrameIsABinaryFrameWithTheStreamByteCountedInTheLength() throws Exception {
        assertArrayEquals(new byte[] {(byte) 0x82, 3, 1, 'o', 'k'}, WireFrames.of(chunk(STDOUT, 'o', 'k')));
        assertArrayEquals(new byte[] {(byte) 0x82, 1, 2}, WireFrames.of(chunk(STDERR)));
        // 124 bytes + the stream byte = 125, the last short length; 125 + 1 needs the 16-bit form.
        assertEquals(125, WireFrames.of(new StreamChunk(STDOUT, ByteBuffer.allocate(124)))[1]);
        byte[] f126 = WireFrames.of(new StreamChunk(STDOUT, ByteBuffer.allocate(125)));
        assertArrayEquals(new byte[] {(byte) 0x82, 126, 0, 126, 1}, Arrays.copyOf(f126, 5));
        // 65534 + 1 = 65535, the last 16-bit length; 65535 + 1 needs the 64-bit form.
        byte[] f65535 = WireFrames.of(new StreamChunk(STDERR, ByteBuffer.allocate(65534)));
        assertArrayEquals(new byte[] {(byte) 0x82, 126, (byte) 0xFF, (byte) 0xFF, 2}, Arrays.copyOf(f65535, 5));
        byte[] f65536 = WireFrames.of(new StreamChunk(STDOUT, ByteBuffer.allocate(65535)));
        assertArrayEquals(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0, 1}, Arrays.copyOf(f65536, 11));
        assertEquals(10 + 65536, f65536.length);
    }

    @Test
    void streamChunkFrameDoesNotConsumeTheChunk() throws Exception {
        StreamChunk c = chunk(STDERR, 1, 2, 3);
        assertArrayEquals(WireFrames.of(c), WireFrames.of(c));
        assertEquals(3, c.bytes().remaining());
    }

    @Test
    void wireFramesRefusesWhatIsNotOutput() {
        assertThrows(IllegalArgumentException.class, () -> WireFrames.of(new BinaryRequest(new ClientRequest.Eof())));
    }

    // ===== helpers =====

    private static ClientRequest decode(String text) {
        ClientRequest r = assertDoesNotThrow(() -> new ClientRequestDecoder().decode(text), text);
        assertTrue(r != null, text);
        return r;
    }

    private static ClientRequest.Stdin stdin(String text) {
        return assertInstanceOf(ClientRequest.Stdin.class, decode(text), text);
    }

    /** The reason of a text that must decode to Invalid. */
    private static String invalid(String text) {
        ClientRequest.Invalid i = assertInstanceOf(ClientRequest.Invalid.class, decode(text), text);
        assertFalse(i.reason() == null || i.reason().isBlank(), text);
        return i.reason();
    }

    private static ClientRequest binary(ByteBuffer frame) {
        BinaryRequest r = assertDoesNotThrow(() -> new BinaryRequestDecoder().decode(frame));
        assertTrue(r != null && r.request() != null);
        return r.request();
    }

    private static ClientRequest.Stdin binaryStdin(ByteBuffer frame) {
        return assertInstanceOf(ClientRequest.Stdin.class, binary(frame));
    }

    private static String binaryInvalid(byte[] frame) {
        return binaryInvalid(ByteBuffer.wrap(frame));
    }

    private static String binaryInvalid(ByteBuffer frame) {
        ClientRequest.Invalid i = assertInstanceOf(ClientRequest.Invalid.class, binary(frame));
        assertFalse(i.reason() == null || i.reason().isBlank());
        return i.reason();
    }

    private static String encode(ServerEvent e) throws Exception {
        return new ServerEventEncoder().encode(e);
    }

    private static StreamChunk chunk(ServerEvent.Stream stream, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new StreamChunk(stream, ByteBuffer.wrap(b));
    }

    /** 0, 1, ... 255. */
    private static byte[] allByteValues() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** A flat JSON object's fields in order (strings and whole numbers), checked to be one object and nothing after. */
    private static Map<String, Object> fields(String json) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), json);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                Object value = switch (v) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    default -> throw new AssertionError("not flat: " + name + " in " + json);
                };
                assertNull(m.put(name, value), "duplicate " + name + " in " + json);
            }
            assertEquals(JsonToken.END_OBJECT, p.currentToken(), json);
            assertNull(p.nextToken(), "nothing after the object: " + json);
        }
        return m;
    }
}
