package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --dir: every executable under DIR at its own path, and nothing outside DIR, ever. */
class ScriptDirRoutingTest {
    @TempDir
    static Path tmp;
    private static Path dir;
    private static Path marker;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(tmp.resolve("scripts"));
        Files.createDirectories(dir.resolve("a/deeper"));
        marker = tmp.resolve("outside-ran");
        TesterScripts.sh(dir.resolve("a"), "b.sh", "echo \"$SCRIPT_NAME|$PATH_INFO|$PATH_TRANSLATED\"");
        TesterScripts.sh(dir.resolve("a/deeper"), "c.sh", "echo \"$SCRIPT_NAME|$PATH_INFO\"");
        TesterScripts.sh(dir, "top.sh", "echo top");
        Files.writeString(dir.resolve("plain.txt"), "not a program\n");
        // A script outside DIR that leaves a marker if anything ever runs it.
        TesterScripts.sh(tmp, "outside.sh", "touch '" + marker + "'; echo escaped");
        Files.createSymbolicLink(dir.resolve("link.sh"), tmp.resolve("outside.sh"));
        Files.createSymbolicLink(dir.resolve("linkdir"), tmp);
        Files.createDirectories(dir.resolve("real"));
        TesterScripts.sh(dir.resolve("real"), "tool.sh", "echo \"$0|$PATH_TRANSLATED|$SCRIPT_NAME\"");
        Files.createSymbolicLink(dir.resolve("alias.sh"), Path.of("real/tool.sh"));
        server = TesterServer.start("--dir=" + dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void nestedScriptGetsScriptNamePathInfoAndPathTranslated() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/a/b.sh/extra/more"));
        // PATH_TRANSLATED is the request path, as websocketd (0.4.1 and main) sets it.
        assertEquals("/a/b.sh|/extra/more|/a/b.sh/extra/more", ws.nextText());
        assertEquals(1000, ws.awaitClose().getCloseCode().getCode());

        EventSocket deeper = EventSocket.connect(server.ws("/a/deeper/c.sh"));
        assertEquals("/a/deeper/c.sh|", deeper.nextText());
        deeper.awaitClose();
    }

    @Test
    void directoriesRootAndMissingFilesAre404() throws Exception {
        assertEquals(404, RawHttp.upgrade(server.port(), "/", "").status());
        assertEquals(404, RawHttp.upgrade(server.port(), "/a", "").status());
        assertEquals(404, RawHttp.upgrade(server.port(), "/a/", "").status());
        assertEquals(404, RawHttp.upgrade(server.port(), "/a/missing.sh", "").status());
        assertEquals(101, RawHttp.upgrade(server.port(), "/top.sh", "").status());
    }

    @Test
    void nonExecutableFileIsRefusedWith403BeforeTheUpgrade() throws Exception {
        RawHttp.Reply reply = RawHttp.upgrade(server.port(), "/plain.txt", "");
        assertEquals(403, reply.status());
    }

    @Test
    void dotDotTraversalNeverRunsAScriptOutsideDir() throws Exception {
        for (String target : new String[] {"/../outside.sh", "/a/../../outside.sh", "/%2e%2e/outside.sh",
                "/a/%2E%2E/%2e%2e/outside.sh", "/a%2f..%2f..%2foutside.sh", "/..%2foutside.sh"}) {
            int status = RawHttp.upgrade(server.port(), target, "").status();
            assertFalse(status == 101, target + " was upgraded");
        }
        assertFalse(Files.exists(marker), "a script outside --dir ran");
    }

    @Test
    void aScriptReachedThroughASymlinkInsideDirRunsUnderTheLinksPath() throws Exception {
        // websocketd runs it as the link, so a script that dispatches on $0 sees the name it was called by.
        EventSocket ws = EventSocket.connect(server.ws("/alias.sh"));
        Path link = dir.toRealPath().resolve("alias.sh");
        assertEquals(link + "|/alias.sh|/alias.sh", ws.nextText());
        assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
    }

    @Test
    void symlinkPointingOutsideDirIsNotRun() throws Exception {
        assertEquals(404, RawHttp.upgrade(server.port(), "/link.sh", "").status());
        assertEquals(404, RawHttp.upgrade(server.port(), "/linkdir/outside.sh", "").status());
        assertFalse(Files.exists(marker), "a script outside --dir ran through a symlink");
    }
}
