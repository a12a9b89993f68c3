package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --logformat=json: every line one JSON object, parsed back here with Jackson's own parser. */
class JsonFormatterTest {
    private static final Instant WHEN = Instant.parse("2026-11-23T22:00:00.123Z");
    private static final JsonFactory JSON = new JsonFactory();
    /** Every character a client or a program could use to end a line early or rewrite a terminal. */
    private static final String HOSTILE = "q\"uote' back\\slash tab\tcr\rlf\nnul\u0000esc\u001b[31m del\u007f "
            + "nel\u0085 csi\u009b ls\u2028 ps\u2029 ünï 😀 end";

    @AfterEach
    void textAgain() {
        GatewayLog.structured(false);
    }

    /** Logs through the real GatewayLog path (as --logformat=json has it) and returns the records. */
    private static List<LogRecord> capture(Runnable logging) {
        GatewayLog.structured(true);
        try {
            return CapturedRecords.of(WHEN, logging);
        } finally {
            GatewayLog.structured(false);
        }
    }

    private static String line(LogRecord record) {
        return new JsonFormatter(ZoneOffset.UTC).format(record);
    }

    /**
     * One line holding exactly one JSON object, as members in their order (nested objects as maps, in order);
     * a member given twice fails.
     */
    static Map<String, Object> parse(String line) {
        assertTrue(line.endsWith("\n"), line);
        String body = line.substring(0, line.length() - 1);
        for (char c : body.toCharArray()) {
            assertFalse(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029',
                    "a raw control or line separator U+" + Integer.toHexString(c) + " in " + body);
        }
        try (JsonParser p = JSON.createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), body);
            Map<String, Object> object = object(p);
            assertNull(p.nextToken(), "one object a line: " + body);
            return object;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
                members.put(name, object(p));
            } else {
                assertEquals(JsonToken.VALUE_STRING, value, "every value is a string: " + name);
                members.put(name, p.getText());
            }
        }
        assertEquals(JsonToken.END_OBJECT, p.currentToken());
        return members;
    }

    @Test
    void anAccessLineHasItsFieldsInOrderUnderFields() {
        List<LogRecord> r = capture(() -> GatewayLog.root().with("url", "http://127.0.0.1:8080/").with("id", "1732")
                .with("remote", "127.0.0.1").with("command", "/srv/count.sh").with("origin", "file:")
                .access("session", "CONNECT"));
        String line = line(r.get(0));
        assertEquals("{\"time\":\"2026-11-23T22:00:00.123Z\",\"level\":\"ACCESS\",\"category\":\"session\","
                + "\"fields\":{\"url\":\"http://127.0.0.1:8080/\",\"id\":\"1732\",\"remote\":\"127.0.0.1\","
                + "\"command\":\"/srv/count.sh\",\"origin\":\"file:\"},\"message\":\"CONNECT\"}\n", line);
        Map<String, Object> o = parse(line);
        assertEquals(List.of("time", "level", "category", "fields", "message"), List.copyOf(o.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) o.get("fields");
        assertEquals(List.of("url", "id", "remote", "command", "origin"), List.copyOf(fields.keySet()));
    }

    @Test
    void aFieldNamedLikeAFixedMemberStaysInFields() {
        List<LogRecord> r = capture(() -> GatewayLog.root().with("message", "not the message").with("time", "never")
                .with("level", "FATAL").with("fields", "x").info("server", "the message"));
        Map<String, Object> o = parse(line(r.get(0)));
        assertEquals("the message", o.get("message"));
        assertEquals("2026-11-23T22:00:00.123Z", o.get("time"));
        assertEquals("INFO", o.get("level"));
        assertEquals(Map.of("message", "not the message", "time", "never", "level", "FATAL", "fields", "x"),
                o.get("fields"));
    }

    @Test
    void aKeyGivenTwiceKeepsItsPlaceAndTakesTheLaterValue() {
        List<LogRecord> r = capture(() -> GatewayLog.root().with("url", "a").with("id", "1").with("url", "b")
                .info("server", "x"));
        String line = line(r.get(0));
        assertTrue(line.contains("\"fields\":{\"url\":\"b\",\"id\":\"1\"}"), line);
        parse(line);
    }

    @Test
    void hostileValuesAndMessagesStayOnOneLineAndParseBackAsSent() {
        List<LogRecord> r = capture(() -> GatewayLog.root().with("url", HOSTILE).with("origin", null)
                .error("stderr", "%s", HOSTILE));
        String line = line(r.get(0));
        assertEquals(1, line.split("\n", -1).length - 1, line);
        assertFalse(line.contains("\r"), line);
        // JSON's escapes, not LogText's: the values come back exactly as they were sent.
        assertTrue(line.contains("q\\\"uote' back\\\\slash tab\\tcr\\rlf\\nnul\\u0000esc\\u001B[31m del\\u007F "
                + "nel\\u0085 csi\\u009B ls\\u2028 ps\\u2029 ünï 😀 end"), line);
        Map<String, Object> o = parse(line);
        assertEquals(HOSTILE, o.get("message"));
        assertEquals(Map.of("url", HOSTILE, "origin", ""), o.get("fields"));
    }

    @Test
    void percentSignsAndBracesInAnArgumentAreData() {
        List<LogRecord> r = capture(() -> GatewayLog.root().error("stderr", "%s", "50%s {0}"));
        assertEquals("50%s {0}", parse(line(r.get(0))).get("message"));
    }

    @Test
    void everyLevelHasWebsocketdsName() {
        List<LogRecord> r = capture(() -> {
            GatewayLog log = GatewayLog.root();
            log.debug("process", "d");
            log.trace("x", "t");
            log.access("session", "a");
            log.info("server", "i %d", 5);
            log.error("stderr", "e");
            log.fatal("server", "f");
        });
        List<String> levels = r.stream().map(JsonFormatterTest::line).map(l -> (String) parse(l).get("level")).toList();
        assertEquals(List.of("DEBUG", "TRACE", "ACCESS", "INFO", "ERROR", "FATAL"), levels);
        assertEquals("i 5", parse(line(r.get(3))).get("message"));
        assertEquals(Map.of(), parse(line(r.get(3))).get("fields"));
    }

    @Test
    void timeIsIsoWithMillisecondsAndTheZonesOffset() {
        List<LogRecord> r = capture(() -> GatewayLog.root().info("server", "x"));
        String line = new JsonFormatter(ZoneId.of("Europe/Paris")).format(r.get(0));
        assertEquals("2026-11-23T23:00:00.123+01:00", parse(line).get("time"));
        assertEquals(WHEN.toEpochMilli(), java.time.OffsetDateTime.parse((String) parse(line).get("time"))
                .toInstant().toEpochMilli());
    }

    @Test
    void aLibrarysRecordIsOneLineWithWhatItHas() {
        LogRecord rec = new LogRecord(Level.SEVERE, "boom {0}");
        rec.setLoggerName("org.glassfish.grizzly.nio.SelectorRunner");
        rec.setParameters(new Object[] {"x\r\nforged"});
        rec.setInstant(WHEN);
        rec.setThrown(new IllegalStateException("why"));
        String line = line(rec);
        assertEquals("{\"time\":\"2026-11-23T22:00:00.123Z\",\"level\":\"ERROR\",\"category\":\"SelectorRunner\","
                + "\"logger\":\"org.glassfish.grizzly.nio.SelectorRunner\",\"fields\":{},"
                + "\"message\":\"boom x\\r\\nforged: java.lang.IllegalStateException: why\"}\n", line);
        assertEquals("boom x\r\nforged: java.lang.IllegalStateException: why", parse(line).get("message"));
        // websocketd has no WARNING: a library's warning is INFO, anything finer DEBUG, as in the text format.
        LogRecord warning = new LogRecord(Level.WARNING, "bad header: X\u2028forged\n");
        warning.setLoggerName("org.glassfish.tyrus.core.TyrusWebSocket");
        Map<String, Object> w = parse(line(warning));
        assertEquals("INFO", w.get("level"));
        assertEquals("TyrusWebSocket", w.get("category"));
        assertEquals("bad header: X\u2028forged\n", w.get("message"));
        LogRecord fine = new LogRecord(Level.FINE, null);
        assertEquals(Map.of("time", parse(line(fine)).get("time"), "level", "DEBUG", "category", "jvm",
                "logger", "jvm", "fields", Map.of(), "message", ""), parse(line(fine)));
    }

    @Test
    void theTextFormatIsUnchangedByTheFieldsItCarries() {
        // Text mode (the default): values and arguments through LogText, the pairs as websocketd writes them.
        List<LogRecord> r = CapturedRecords.of(WHEN,
                () -> GatewayLog.root().with("url", "a'b\n").error("stderr", "%s", "c\nd"));
        assertEquals("Mon, 23 Nov 2026 22:00:00 +0000 | ERROR  | stderr     | url:'a\\'b\\n' | c\\nd"
                + System.lineSeparator(), new WebsocketdFormatter(ZoneOffset.UTC).format(r.get(0)));
        // The same record as JSON still has the values as given, and the message as the text format had it.
        Map<String, Object> o = parse(line(r.get(0)));
        assertEquals(Map.of("url", "a'b\n"), o.get("fields"));
        assertEquals("c\\nd", o.get("message"));
    }
}
