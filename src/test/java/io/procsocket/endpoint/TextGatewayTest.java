package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextGatewayTest {
    private static TesterServer server;

    @BeforeAll
    static void start() {
        server = TesterServer.start("cat");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noChildLeft() {
        Bounded.noChildrenLeft(server.gateway());
    }

    @Test
    void eachTextMessageIsALineAndEachLineAMessage() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/echo"));
        ws.send("hello");
        assertEquals("hello", ws.nextText());
        ws.send("two\nlines");
        assertEquals("two", ws.nextText());
        assertEquals("lines", ws.nextText());
        ws.send("");
        assertEquals("", ws.nextText());
        ws.close();
        CloseReason reason = ws.awaitClose();
        assertEquals(1000, reason.getCloseCode().getCode());
    }
}
