package io.procsocket.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --shared on one instance: one program, many clients, with a real server and real processes. */
class SharedProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** How many processes run this script right now, as the OS sees them (/proc). */
    static long running(Path script) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(script.toString())).orElse(false)
                        || p.info().commandLine().map(c -> c.contains(script.toString())).orElse(false))
                .count();
    }

    /**
     * A client connected and joined: its handshake has completed when connect returns, but the server joins it to
     * the audience in its onOpen, which may still be running; lines printed before then are not its to see.
     */
    static EventSocket joined(TesterServer server, String path, int clientsThen) throws Exception {
        EventSocket ws = EventSocket.connect(server.ws(path));
        Bounded.await(clientsThen + " clients joined", WAIT, () -> server.gateway().sharedClients() == clientsThen);
        return ws;
    }

    static List<String> texts(EventSocket ws, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = ws.nextText();
            if (t == null) {
                throw new AssertionError("no message " + i + " within the wait; got " + out);
            }
            out.add(t);
        }
        return out;
    }

    @Test
    void threeClientsSeeTheSameLinesInTheSameOrderFromOneProcess() throws Exception {
        // Prints its pid for each line it is given, then on "go" 300 numbered lines at once.
        Path script = TesterScripts.sh(dir, "lines.sh", """
                while read line; do
                  if [ "$line" = go ]; then i=0; while [ $i -lt 300 ]; do echo "n$i"; i=$((i+1)); done
                  else echo "$$ $line"; fi
                done""");
        try (TesterServer server = TesterServer.start("--shared", script.toString())) {
            EventSocket a = joined(server, "/", 1);
            EventSocket b = joined(server, "/other/path", 2);
            EventSocket c = joined(server, "/", 3);
            a.send("hello-a");
            // Every client sees every client's input answered, by the same pid.
            String first = a.nextText();
            assertTrue(first.endsWith(" hello-a"), first);
            assertEquals(first, b.nextText());
            assertEquals(first, c.nextText());
            assertEquals(1, running(script), "one process for all three clients");
            assertEquals(1, server.gateway().liveChildren());
            assertEquals(1, server.gateway().forks().running(), "--maxforks counts the shared process once");
            b.send("go");
            List<String> seenByA = texts(a, 300);
            assertEquals(seenByA, texts(b, 300));
            assertEquals(seenByA, texts(c, 300));
            for (int i = 0; i < 300; i++) {
                assertEquals("n" + i, seenByA.get(i));
            }
            a.close();
            b.close();
            c.close();
            Bounded.await("the process ended after its last client (linger 0)", WAIT, () -> running(script) == 0);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void inputFromEveryClientArrivesAsWholeLines() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "cat")) {
            int clients = 3;
            // 600 KB in all, under the 1 MiB --shared-queue bound on input waiting for the program; each message is
            // more than one atomic pipe write (4 KiB), so interleaving would show as mixed letters.
            int each = 20;
            int size = 10_000;
            List<EventSocket> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                all.add(joined(server, "/", i + 1));
            }
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                EventSocket ws = all.get(i);
                String line = String.valueOf((char) ('a' + i)).repeat(size);
                Thread t = new Thread(() -> {
                    try {
                        for (int k = 0; k < each; k++) {
                            ws.send(line);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                t.start();
                senders.add(t);
            }
            for (Thread t : senders) {
                t.join(WAIT.toMillis());
            }
            List<String> seen = texts(all.get(0), clients * each);
            int[] perClient = new int[clients];
            for (String line : seen) {
                assertEquals(size, line.length(), "one whole message per line");
                char c = line.charAt(0);
                assertEquals(String.valueOf(c).repeat(size), line, "never another client's bytes inside a line");
                perClient[c - 'a']++;
            }
            for (int i = 0; i < clients; i++) {
                assertEquals(each, perClient[i], "every message of client " + i);
            }
            assertEquals(seen, texts(all.get(1), clients * each), "the same order for everyone");
            for (EventSocket ws : all) {
                ws.close();
            }
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aLateJoinerGetsTheReplayThenLiveLines() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "--shared-replay=2", "cat")) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            for (String s : List.of("one", "two", "three")) {
                a.send(s);
                assertEquals(s, a.nextText());
            }
            EventSocket b = joined(server, "/", 2);
            assertEquals(List.of("two", "three"), texts(b, 2), "the last two lines, oldest first");
            a.send("four");
            assertEquals("four", a.nextText());
            assertEquals("four", b.nextText(), "then live, nothing doubled or lost in between");
            a.close();
            b.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void withoutReplayAJoinerSeesOnlyWhatComesAfterIt() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "cat")) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            a.send("before");
            assertEquals("before", a.nextText());
            EventSocket b = EventSocket.connect(server.ws("/"));
            b.send("after");
            assertEquals("after", b.nextText());
            assertEquals("after", a.nextText());
            a.close();
            b.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void theProcessLingersForAClientThatComesBackInTimeAndEndsWithTheServer() throws Exception {
        Path script = TesterScripts.sh(dir, "pid.sh", "while read line; do echo $$; done");
        long pid;
        try (TesterServer server = TesterServer.start("--shared", "--shared-linger=60000", script.toString())) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            a.send("x");
            pid = Long.parseLong(a.nextText());
            a.close();
            a.awaitClose();
            Bounded.await("the first client has left", WAIT, () -> server.gateway().forks().running() == 1);
            EventSocket b = EventSocket.connect(server.ws("/"));
            b.send("x");
            assertEquals(pid, Long.parseLong(b.nextText()), "the same process after the last client left");
            b.close();
            b.awaitClose();
            assertTrue(Procs.running(pid), "still lingering");
        }
        Procs.awaitGone(pid, WAIT);
    }

    @Test
    void withoutLingerTheProcessEndsWithItsLastClientAndTheNextGetsANewOne() throws Exception {
        Path script = TesterScripts.sh(dir, "pid.sh", "while read line; do echo $$; done");
        try (TesterServer server = TesterServer.start("--shared", script.toString())) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            a.send("x");
            long first = Long.parseLong(a.nextText());
            a.close();
            Procs.awaitGone(first, WAIT);
            Bounded.await("the route forgot its process and gave its fork slot back", WAIT,
                    () -> server.gateway().forks().running() == 0);
            EventSocket b = EventSocket.connect(server.ws("/"));
            b.send("x");
            assertNotEquals(first, Long.parseLong(b.nextText()));
            b.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aProgramThatExitsClosesEveryClientAsItsOwnProgramWould() throws Exception {
        Path script = TesterScripts.sh(dir, "quit.sh", "while read line; do echo \"bye $line\"; exit 3; done");
        try (TesterServer server = TesterServer.start("--shared", script.toString())) {
            EventSocket a = joined(server, "/", 1);
            EventSocket b = joined(server, "/", 2);
            a.send("now");
            assertEquals("bye now", a.nextText());
            assertEquals("bye now", b.nextText(), "its last line reaches everyone before the close");
            for (EventSocket ws : List.of(a, b)) {
                CloseReason r = ws.awaitClose();
                assertEquals(1011, r.getCloseCode().getCode());
                assertEquals("exit status 3", r.getReasonPhrase());
            }
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void alwaysOnStartsWithTheServerAndRestartsWithBackoffWhileClientsStay() throws Exception {
        // Says hello, then exits 3 at the first line it reads.
        Path script = TesterScripts.sh(dir, "flaky.sh", "echo \"up $$\"; read line; echo \"down $line\"; exit 3");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--shared", "--shared-always", "--shared-replay=1",
                     script.toString())) {
            log.await(l -> l.contains("Shared process started"), WAIT);
            assertEquals(1, running(script), "running before any client");
            EventSocket a = EventSocket.connect(server.ws("/"));
            String up = a.nextText();
            assertTrue(up.startsWith("up "), "replayed: " + up);
            a.send("one");
            assertEquals("down one", a.nextText());
            log.await(l -> l.contains("Restarting the shared process in 1000 ms"), WAIT);
            String second = a.nextText();
            assertTrue(second.startsWith("up ") && !second.equals(up), "a new process, same client: " + second);
            a.send("two");
            assertEquals("down two", a.nextText());
            log.await(l -> l.contains("Restarting the shared process in 2000 ms"), WAIT);
            assertTrue(a.nextText().startsWith("up "));
            assertTrue(a.session().isOpen(), "the client stayed connected across both restarts");
            a.close();
            a.awaitClose();
            // Always on: nobody watching does not end it.
            Bounded.await("the client has left", WAIT, () -> server.gateway().liveChildren() == 1);
            assertEquals(1, running(script));
        }
        Bounded.await("ended with the server", WAIT, () -> running(script) == 0);
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1008AndTheOthersGetEverything() throws Exception {
        // 200 numbered lines of about 100 bytes for every line it reads. The two reading clients ask for the next
        // round once both have the last, so they keep the same pace (two clients read flat out drift apart, and
        // the slower of them would rightly fall behind too); the one that never reads gets everything queued.
        Path script = TesterScripts.sh(dir, "rounds.sh", "i=0; while read line; do "
                + "seq -f '%08g " + "x".repeat(90) + "' $((i*200+1)) $((i*200+200)); i=$((i+1)); done");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--shared", "--shared-queue=65536", script.toString())) {
            RawWebSocket slow = RawWebSocket.open(server.port(), "/", WAIT, 4096);
            EventSocket fast1 = joined(server, "/", 2);
            EventSocket fast2 = joined(server, "/", 3);
            assertTrue(established(server.port(), slow.localPort()), "found in /proc/net/tcp while it is connected");
            int line = 0;
            // 10 MB at most: well past the slow client's queue and both ends' socket buffers.
            for (int round = 0; round < 500 && server.gateway().sharedClients() == 3; round++) {
                fast1.send("more");
                for (int k = 0; k < 200; k++) {
                    line++;
                    String want = String.format("%08d ", line);
                    for (EventSocket ws : List.of(fast1, fast2)) {
                        String got = ws.nextText();
                        if (got == null || !got.startsWith(want)) {
                            throw new AssertionError("line " + line + ": " + got);
                        }
                    }
                }
            }
            log.await(l -> l.contains("client fell behind: more than 65536 bytes waiting"), WAIT);
            // It reads nothing, so it would never take its close frame from behind what was queued before it: the
            // server cuts the connection itself (after SharedViewer.DROP_GRACE_MS), as the OS shows.
            Bounded.await("the dropped client's connection closed by the server", WAIT.plusMillis(5000),
                    () -> !established(server.port(), slow.localPort()));
            // The others go on.
            fast1.send("more");
            assertTrue(fast1.nextText().startsWith(String.format("%08d ", line + 1)));
            assertTrue(fast2.nextText().startsWith(String.format("%08d ", line + 1)));
            fast1.close();
            fast2.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void maxclientsBoundsTheClientsOfARouteWith429() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "--maxclients=2", "cat")) {
            EventSocket a = joined(server, "/", 1);
            EventSocket b = joined(server, "/", 2);
            RawWebSocket.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(RawWebSocket.Refused.class,
                    () -> RawWebSocket.open(server.port(), "/", WAIT).close());
            assertEquals(429, refused.status());
            a.close();
            a.awaitClose();
            Bounded.await("a's place is free again", WAIT, () -> {
                try {
                    RawWebSocket.open(server.port(), "/", WAIT).close();
                    return true;
                } catch (RawWebSocket.Refused e) {
                    return false;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            b.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void maxforksCountsTheSharedProcessOnce() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "--maxforks=1", "cat")) {
            List<EventSocket> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(joined(server, "/", i + 1));
            }
            all.get(4).send("five clients, one fork");
            for (EventSocket ws : all) {
                assertEquals("five clients, one fork", ws.nextText());
            }
            for (EventSocket ws : all) {
                ws.close();
            }
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void dirModeHasOneProcessPerScript() throws Exception {
        TesterScripts.sh(dir, "a.sh", "while read line; do echo \"a $$\"; done");
        TesterScripts.sh(dir, "b.sh", "while read line; do echo \"b $$\"; done");
        try (TesterServer server = TesterServer.start("--shared", "--dir=" + dir)) {
            EventSocket a1 = joined(server, "/a.sh", 1);
            EventSocket a2 = joined(server, "/a.sh/extra", 2);
            EventSocket b1 = joined(server, "/b.sh", 3);
            a1.send("x");
            String a = a1.nextText();
            assertEquals(a, a2.nextText());
            b1.send("x");
            String b = b1.nextText();
            assertTrue(a.startsWith("a ") && b.startsWith("b "), a + " / " + b);
            assertNull(a2.messages().poll(), "b's output stays b's");
            assertEquals(2, server.gateway().liveChildren());
            for (EventSocket ws : List.of(a1, a2, b1)) {
                ws.close();
            }
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void binaryChunksReachEveryClient() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "--binary", "cat")) {
            EventSocket a = joined(server, "/", 1);
            EventSocket b = joined(server, "/", 2);
            byte[] bytes = new byte[256];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i;
            }
            a.send(ByteBuffer.wrap(bytes));
            org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, a.nextBytes(bytes.length));
            org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, b.nextBytes(bytes.length));
            a.close();
            b.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void readOnlyInputReachesNobody() throws Exception {
        // Prints a tick for every line it reads or every 50 ms it reads nothing; "got" only if input arrived.
        Path script = TesterScripts.sh(dir, "ticks.sh", "while :; do if read -t 0.05 line; then echo \"got $line\"; "
                + "else echo tick; fi; done");
        java.nio.file.Files.writeString(script, java.nio.file.Files.readString(script).replace("#!/bin/sh", "#!/bin/bash"));
        try (TesterServer server = TesterServer.start("--shared", "--shared-input=none", script.toString())) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            a.send("hello");
            // Ten ticks after the message was sent: it had ten chances to arrive.
            int ticks = 0;
            while (ticks < 10) {
                String t = a.nextText();
                assertEquals("tick", t);
                ticks++;
            }
            a.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void theProgramSeesTheRoutesEnvironmentNotAClients() throws Exception {
        Path script = TesterScripts.sh(dir, "env.sh", "env | sort; cat");
        try (TesterServer server = TesterServer.start("--shared", "--shared-replay=100", script.toString())) {
            EventSocket a = EventSocket.connect(server.ws("/some/path?secret=1"), java.util.Map.of("X-Client", "mine"));
            a.send("END");
            Set<String> env = new HashSet<>();
            for (String line = a.nextText(); !"END".equals(line); line = a.nextText()) {
                env.add(line.substring(0, line.indexOf('=')));
            }
            assertTrue(env.containsAll(Set.of("SCRIPT_NAME", "SERVER_SOFTWARE", "GATEWAY_INTERFACE", "UNIQUE_ID",
                    "PATH")), env.toString());
            for (String name : env) {
                assertFalse(name.startsWith("HTTP_") || name.startsWith("REMOTE_") || name.equals("QUERY_STRING"),
                        "no client's request in a shared program's environment: " + name);
            }
            a.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aClientFloodingAProgramThatDoesNotReadIsClosedAndOthersStay() throws Exception {
        // Never reads stdin; answers nothing. The flood must be bounded by --shared-queue, not by memory.
        Path script = TesterScripts.sh(dir, "deaf.sh", "echo ready; exec sleep 600");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--shared", "--shared-queue=100000", "--shared-replay=1",
                     script.toString())) {
            EventSocket calm = EventSocket.connect(server.ws("/"));
            assertEquals("ready", calm.nextText());
            RawWebSocket flood = RawWebSocket.open(server.port(), "/", WAIT);
            byte[] chunk = "y".repeat(10_000).getBytes(StandardCharsets.UTF_8);
            int sent = 0;
            try {
                // The pipe takes 64 KiB, the queue 100,000 bytes more; by 10 MB it must have refused.
                while (sent < 1000) {
                    flood.send(RawWebSocket.TEXT, chunk);
                    sent++;
                }
            } catch (java.io.IOException closedOnUs) {
                // The server closed the connection mid-flood: that is the point.
            }
            log.await(l -> l.contains("is not reading its input"), WAIT);
            assertEquals(1008, flood.awaitCloseCode());
            assertTrue(calm.session().isOpen(), "the other client stays");
            assertEquals(1, server.gateway().liveChildren());
            calm.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aClientThatVanishesGivesItsPlaceBackAndTheProcessEnds() throws Exception {
        Path script = TesterScripts.sh(dir, "pid.sh", "echo $$; cat");
        try (TesterServer server = TesterServer.start("--shared", "--shared-replay=1", script.toString())) {
            RawWebSocket ws = RawWebSocket.open(server.port(), "/", WAIT);
            long pid = Long.parseLong(ws.readFrame().text());
            ws.abort(); // a TCP reset, no close frame
            Procs.awaitGone(pid, WAIT);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void stderrGoesToTheLogAndWithPassstderrToEveryClientAsJson() throws Exception {
        Path script = TesterScripts.sh(dir, "err.sh", "while read line; do echo \"out $line\"; echo \"err $line\" >&2; done");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--shared", "--passstderr", script.toString())) {
            EventSocket a = joined(server, "/", 1);
            EventSocket b = joined(server, "/", 2);
            a.send("x");
            Set<String> want = Set.of("{\"stream\":\"stdout\",\"data\":\"out x\"}", "{\"stream\":\"stderr\",\"data\":\"err x\"}");
            assertEquals(want, new HashSet<>(texts(a, 2)));
            assertEquals(want, new HashSet<>(texts(b, 2)));
            log.await(l -> l.contains("| stderr") && l.contains("err x"), WAIT);
            a.close();
            b.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void theProcessStartAndExitAreLoggedOnceWhileEveryClientConnectsAndDisconnects() throws Exception {
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--shared", "cat")) {
            List<EventSocket> all = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                all.add(joined(server, "/", i + 1));
            }
            for (EventSocket ws : all) {
                ws.close();
                ws.awaitClose();
            }
            // Counted on the way to the exit line: the last DISCONNECT is what ends the program.
            int[] started = new int[1];
            int[] connects = new int[1];
            int[] disconnects = new int[1];
            log.await(l -> {
                started[0] += l.contains("Shared process started") ? 1 : 0;
                connects[0] += l.endsWith(" CONNECT") ? 1 : 0;
                disconnects[0] += l.endsWith(" DISCONNECT") ? 1 : 0;
                return l.contains("Shared process exited");
            }, WAIT);
            assertEquals(1, started[0], "started once");
            assertEquals(3, connects[0]);
            assertEquals(3, disconnects[0]);
            Bounded.noChildrenLeft(server.gateway());
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("Shared process")), "and exited once");
        }
    }

    @Test
    void aHalfOpenClientIsDroppedByPingmsAndTheProgramEnds() throws Exception {
        Path script = TesterScripts.sh(dir, "pid.sh", "echo $$; exec cat");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--shared", "--shared-replay=1", "--pingms=100", script.toString())) {
            // Reads its first frame, then never reads or answers again (its pings go unanswered).
            RawWebSocket ws = RawWebSocket.open(server.port(), "/", WAIT);
            long pid = Long.parseLong(ws.readFrame().text());
            log.await(l -> l.contains("No pong or frame from the client for 200 ms"), WAIT);
            Procs.awaitGone(pid, WAIT);
            Bounded.noChildrenLeft(server.gateway());
            ws.close();
        }
    }

    @Test
    void anOversizedMessageClosesOnlyItsSenderWith1009() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "--maxframesize=1000", "cat")) {
            EventSocket calm = joined(server, "/", 1);
            RawWebSocket big = RawWebSocket.open(server.port(), "/", WAIT);
            Bounded.await("both joined", WAIT, () -> server.gateway().sharedClients() == 2);
            big.send(RawWebSocket.TEXT, "z".repeat(2000).getBytes(StandardCharsets.UTF_8));
            assertEquals(1009, big.awaitCloseCode());
            Bounded.await("the sender left", WAIT, () -> server.gateway().sharedClients() == 1);
            calm.send("still here");
            assertEquals("still here", calm.nextText(), "nothing of the big message reached the program");
            calm.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    /**
     * Regression: a program held back for room (its only client stopped reading) whose clients then all left was
     * killed, but its stdout, parked waiting for room, was never read to its end, so its exit was never seen and
     * the route kept the dead program: every later client connected and got nothing.
     */
    @Test
    void aProgramHeldBackForRoomStillEndsWhenItsClientsLeave() throws Exception {
        Path script = TesterScripts.sh(dir, "flood.sh", "echo $$; exec yes " + "y".repeat(100));
        try (TesterServer server = TesterServer.start("--shared", "--shared-queue=65536", script.toString())) {
            RawWebSocket stuck = RawWebSocket.open(server.port(), "/", WAIT, 4096);
            long pid = Long.parseLong(stuck.readFrame().text());
            // The client reads nothing more: its queue fills, the program's pipe fills, and the program blocks.
            Bounded.await("the program blocked on its full stdout", WAIT,
                    () -> readWchan(pid).endsWith("pipe_write")); // pipe_write, or anon_pipe_write since Linux 6.x
            stuck.abort();
            Procs.awaitGone(pid, WAIT);
            Bounded.await("the route forgot the ended program", WAIT, () -> server.gateway().forks().running() == 0);
            RawWebSocket next = RawWebSocket.open(server.port(), "/", WAIT);
            long second = Long.parseLong(next.readFrame().text());
            assertNotEquals(pid, second, "a new program for the next client");
            next.abort();
            Procs.awaitGone(second, WAIT);
        }
    }

    /**
     * Whether the kernel has the server's side of this connection ESTABLISHED (state 01): in /proc/net/tcp6 for
     * the JVM's dual-stack sockets, or /proc/net/tcp.
     */
    static boolean established(int serverPort, int clientPort) {
        String local = String.format(":%04X ", serverPort);
        String remote = String.format(":%04X ", clientPort);
        try {
            List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(Path.of("/proc/net/tcp")));
            if (java.nio.file.Files.exists(Path.of("/proc/net/tcp6"))) {
                lines.addAll(java.nio.file.Files.readAllLines(Path.of("/proc/net/tcp6")));
            }
            return lines.stream()
                    .map(l -> l.trim() + " ")
                    .anyMatch(l -> {
                        String[] f = l.split("\\s+");
                        return f.length > 3 && (f[1] + " ").endsWith(local) && (f[2] + " ").endsWith(remote)
                                && f[3].equals("01");
                    });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readWchan(long pid) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/" + pid + "/wchan")).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
