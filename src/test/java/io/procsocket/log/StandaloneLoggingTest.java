package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Standalone, --loglevel holds for every line, the libraries' (Tyrus, Grizzly) included, as websocketd's does. */
class StandaloneLoggingTest {
    @AfterEach
    void restoreTheTestLogging() throws Exception {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.close();
        }
        LogManager.getLogManager().readConfiguration();
    }

    private static String logged(LogLevel level, Runnable lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StandaloneLogging.install(level, new PrintStream(out, true, StandardCharsets.UTF_8));
        lines.run();
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.flush();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void atLevelErrorALibrarysWarningIsSilentAndItsSevereShowsAsError() {
        String out = logged(LogLevel.ERROR, () -> {
            Logger.getLogger("org.glassfish.tyrus.core.TyrusWebSocket").warning("a library warning");
            Logger.getLogger("org.glassfish.grizzly.nio.SelectorRunner").severe("a library failure");
            GatewayLog.root().access("session", "an access line");
            GatewayLog.root().error("session", "an error line");
        });
        assertTrue(!out.contains("a library warning") && !out.contains("an access line"), out);
        assertTrue(out.contains("| ERROR  | SelectorRunner |  | a library failure"), out);
        assertTrue(out.contains("| ERROR  | session    |  | an error line"), out);
        assertEquals(2, out.lines().count(), out);
    }

    @Test
    void atTheDefaultLevelALibrarysWarningShowsAsInfo() {
        String out = logged(LogLevel.ACCESS, () ->
                Logger.getLogger("org.glassfish.tyrus.core.TyrusWebSocket").warning("a library warning"));
        assertTrue(out.contains("| INFO   | TyrusWebSocket |  | a library warning"), out);
    }

    @Test
    void atLevelNoneNothingAtAll() {
        String out = logged(LogLevel.NONE, () -> {
            Logger.getLogger("org.glassfish.grizzly.nio.SelectorRunner").log(Level.SEVERE, "a library failure");
            GatewayLog.root().fatal("server", "even this");
        });
        assertEquals("", out);
    }
}
