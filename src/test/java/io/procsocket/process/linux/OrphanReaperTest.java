package io.procsocket.process.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descendants that leave their program's process group (setsid, setpgid), which the group's kill sequence
 * cannot reach: standalone, the server is their subreaper and ends them once their connection has ended,
 * never before, and leaves no zombie; processes of other code in the JVM are never touched.
 *
 * <p>Native backend only, so it is not in the portable run: being a subreaper takes prctl(2), which the JDK cannot
 * call. The README's list of what differs with the portable backend says so.
 */
@Timeout(60)
class OrphanReaperTest {
    private static final Duration GONE = Duration.ofSeconds(10);
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeAll
    static void util() {
        // util-linux (Essential on Debian): -f forks even when the caller leads its group, so the daemon is
        // reparented to the server at once, while its connection is still running.
        assertTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "util-linux setsid");
    }

    /** Its pid, once it is the server's child (reparenting happens when its parent exits, not at once). */
    private static long awaitOrphan(Path pidFile) throws IOException {
        long pid = Procs.readPid(pidFile);
        Bounded.await("pid " + pid + " reparented to the server", GONE, () -> Procs.parent(pid) == SELF);
        return pid;
    }

    /** Gone and reaped: a zombie would still be there, with the same start time. */
    private static void awaitReaped(long pid, long startTime) {
        try {
            Bounded.await("pid " + pid + " ended and reaped", GONE, () -> Procs.reaped(pid, startTime));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; its state now: " + state(pid), e);
        }
    }

    private static String state(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "gone";
        }
    }

    private static void sweep() {
        assertTrue(OrphanReaper.awaitSweep(GONE), "a sweep ran");
    }

    @Test
    void theStandaloneServerIsAChildSubreaper() {
        try (TesterServer server = TesterServer.start("cat")) {
            int[] flag = new int[1];
            assertEquals(0, LibC.prctl(LibC.PR_GET_CHILD_SUBREAPER, flag, 0, 0, 0));
            assertEquals(1, flag[0]);
        }
    }

    @Test
    void grandchildThatCallsSetsidIsEndedWithItsConnection() throws Exception {
        Path pidFile = dir.resolve("daemon.pid");
        Path childPidFile = dir.resolve("daemon-child.pid");
        // A background job calls setsid(2) itself (it does not lead a group, so the utility does not fork)
        // and starts a child of its own in its new group. The script dies at SIGINT; the group kill never
        // reaches the new session, which is reparented to the server then.
        Path script = TesterScripts.sh(dir, "setsid.sh", String.join("\n",
                "setsid sh -c 'sleep 1000 & echo $! > \"$2\"; echo $$ > \"$1\"; exec sleep 1000' sh \"$1\" \"$2\" "
                        + "</dev/null >/dev/null 2>&1 &",
                "echo ready",
                "while :; do sleep 1; done"));
        try (TesterServer server = TesterServer.start(script.toString(), pidFile.toString(), childPidFile.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            long daemon = Procs.readPid(pidFile);
            long daemonChild = Procs.readPid(childPidFile);
            long daemonStart = Procs.startTime(daemon);
            long childStart = Procs.startTime(daemonChild);
            assertTrue(Procs.running(daemon) && Procs.running(daemonChild));
            ws.close();
            Procs.awaitGone(daemon, GONE);
            Procs.awaitGone(daemonChild, GONE);
            awaitReaped(daemon, daemonStart);
            awaitReaped(daemonChild, childStart);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void grandchildThatLeavesItsProcessGroupWithSetpgidIsEndedWithItsConnection() throws Exception {
        Path pidFile = dir.resolve("pgid.pid");
        Path script = TesterScripts.sh(dir, "setpgid.sh", String.join("\n",
                "perl -e 'setpgrp(0, 0); open(my $f, \">\", $ARGV[0]); print $f \"$$\\n\"; close($f); "
                        + "exec(\"sleep\", \"1000\")' \"$1\" </dev/null >/dev/null 2>&1 &",
                "echo ready",
                "exec cat"));
        try (TesterServer server = TesterServer.start(script.toString(), pidFile.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            long pid = Procs.readPid(pidFile);
            long start = Procs.startTime(pid);
            ws.close();
            awaitReaped(pid, start);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void daemonStartedWithSetsidRunsAsLongAsItsConnection() throws Exception {
        Path script = TesterScripts.sh(dir, "daemon.sh", String.join("\n",
                "if [ \"$PATH_INFO\" = /daemon ]; then",
                "  setsid -f sh -c 'echo $$ > \"$1\"; exec sleep 1000' sh \"$1\" </dev/null >/dev/null 2>&1",
                "fi",
                "echo ready",
                "exec cat"));
        Path pidFile = dir.resolve("live.pid");
        try (TesterServer server = TesterServer.start(script.toString(), pidFile.toString())) {
            EventSocket owner = EventSocket.connect(server.ws("/daemon"));
            assertEquals("ready", owner.nextText());
            long daemon = awaitOrphan(pidFile);
            long start = Procs.startTime(daemon);

            // Another connection ending sweeps; so does the timer. Neither may touch a live connection's daemon.
            EventSocket other = EventSocket.connect(server.ws("/other"));
            assertEquals("ready", other.nextText());
            other.close();
            Bounded.await("the other connection ended", GONE, () -> server.gateway().liveChildren() == 1);
            sweep();
            sweep();
            assertTrue(Procs.running(daemon), "the daemon of a connection still open was ended");
            owner.send("still here");
            assertEquals("still here", owner.nextText());

            owner.close();
            awaitReaped(daemon, start);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void orphansThatExitOnTheirOwnLeaveNoZombies() throws Exception {
        Path pids = dir.resolve("brief.pids");
        Path fifo = dir.resolve("hold");
        Path heldPid = dir.resolve("held.pid");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Five that exit at once (most before any sweep has seen them alive) and one that waits on a fifo
        // until the test lets it go, long after a sweep has taken note of it. The connection stays open.
        Path script = TesterScripts.sh(dir, "brief.sh", String.join("\n",
                "for i in 1 2 3 4 5; do setsid -f sh -c 'echo $$ >> \"$1\"' sh \"$1\" </dev/null >/dev/null 2>&1; done",
                "setsid -f sh -c 'echo $$ > \"$2\"; read x < \"$3\"' sh \"$1\" \"$2\" \"$3\" </dev/null >/dev/null 2>&1",
                "echo ready",
                "exec cat"));
        try (TesterServer server = TesterServer.start(script.toString(), pids.toString(), heldPid.toString(),
                fifo.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            Bounded.await("five pids written", GONE, () -> lines(pids).size() == 5);
            List<long[]> brief = new ArrayList<>();
            for (String line : lines(pids)) {
                long pid = Long.parseLong(line.trim());
                brief.add(new long[] {pid, Procs.startTime(pid)});
            }
            long held = awaitOrphan(heldPid);
            long heldStart = Procs.startTime(held);
            sweep();
            assertTrue(Procs.running(held));
            Files.writeString(fifo, "go\n");
            awaitReaped(held, heldStart);
            for (long[] p : brief) {
                // -1: already reaped before the test could read its start time.
                if (p[1] != -1) {
                    awaitReaped(p[0], p[1]);
                }
            }
            ws.send("connection still open");
            assertEquals("connection still open", ws.nextText());
            ws.close();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void cgiScriptsDaemonIsEndedAfterItsRequest() throws Exception {
        Path cgi = Files.createDirectories(dir.resolve("cgi"));
        Path pidFile = dir.resolve("cgi.pid");
        TesterScripts.sh(cgi, "spawn.cgi", String.join("\n",
                "setsid -f sh -c 'echo $$ > \"$0\"; exec sleep 1000' '" + pidFile + "' </dev/null >/dev/null 2>&1",
                // Answer only once the daemon is up: the request's end is what gets it ended, and a daemon ended
                // before it wrote its pid would leave the test nothing to check.
                "while [ ! -s '" + pidFile + "' ]; do sleep 0.01; done",
                "printf 'Content-Type: text/plain\\r\\n\\r\\nstarted\\n'"));
        try (TesterServer server = TesterServer.start("--cgidir=" + cgi)) {
            HttpResponse<String> reply = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(server.http("/spawn.cgi")).timeout(GONE).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("started\n", reply.body());
            long daemon = Procs.readPid(pidFile);
            long start = Procs.startTime(daemon);
            awaitReaped(daemon, start);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void stoppingTheServerEndsTheOrphansOfOpenConnectionsAndOthersKeepServing() throws Exception {
        Path pidFile = dir.resolve("stop.pid");
        Path script = TesterScripts.sh(dir, "stop.sh", String.join("\n",
                "setsid -f sh -c 'trap \"\" INT; echo $$ > \"$1\"; exec sleep 1000' sh \"$1\" </dev/null >/dev/null 2>&1",
                "echo ready",
                "exec cat"));
        try (TesterServer other = TesterServer.start("cat")) {
            TesterServer server = TesterServer.start(script.toString(), pidFile.toString());
            long daemon;
            long start;
            long closeMs;
            try {
                EventSocket ws = EventSocket.connect(server.ws("/"));
                assertEquals("ready", ws.nextText());
                daemon = awaitOrphan(pidFile);
                start = Procs.startTime(daemon);
            } finally {
                long closing = System.nanoTime();
                server.close();
                closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
            }
            // The connection's own kill sequence (about 1 s), then the orphan's SIGTERM: far under this bound.
            assertTrue(closeMs < 8000, "close took " + closeMs + " ms");
            assertTrue(Procs.reaped(daemon, start), "close() returned with the orphan " + daemon + " still there ("
                    + state(daemon) + ")");
            EventSocket ws = EventSocket.connect(other.ws("/"));
            ws.send("still serving");
            assertEquals("still serving", ws.nextText());
            ws.close();
            Bounded.noChildrenLeft(other.gateway());
        }
    }

    /**
     * Other code in the JVM starts processes too (here the test itself, with ProcessBuilder): they are the
     * JVM's children, some are orphaned to it, some even carry a UNIQUE_ID of a connection that has ended.
     * None is signalled, and the JDK still gets each exit status (the reaper never waits for them first).
     */
    @Test
    void processesOfOtherCodeInTheJvmAreNeitherEndedNorRobbedOfTheirExitStatus() throws Exception {
        Path idFile = dir.resolve("id");
        Path script = TesterScripts.sh(dir, "id.sh", "echo \"$UNIQUE_ID\" > \"$1\"; echo done");
        List<Process> started = new ArrayList<>();
        try (TesterServer server = TesterServer.start(script.toString(), idFile.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("done", ws.nextText());
            ws.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
            String endedId = Files.readString(idFile).trim();

            ProcessBuilder withEndedId = new ProcessBuilder("sleep", "1000");
            withEndedId.environment().put("UNIQUE_ID", endedId);
            Process plain = withEndedId.start();
            started.add(plain);
            Process ownSession = new ProcessBuilder("setsid", "sleep", "1000").start();
            started.add(ownSession);
            Process leaver = new ProcessBuilder("sh", "-c", "sleep 1000 </dev/null >/dev/null 2>&1 & echo $!").start();
            started.add(leaver);
            long orphan = Long.parseLong(new String(leaver.getInputStream().readAllBytes()).trim());
            assertEquals(0, leaver.waitFor());
            Bounded.await("the JVM adopted " + orphan, GONE, () -> Procs.parent(orphan) == SELF);
            long orphanStart = Procs.startTime(orphan);

            // A connection ending sweeps, and so does the timer: neither may touch these.
            EventSocket again = EventSocket.connect(server.ws("/"));
            assertEquals("done", again.nextText());
            again.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
            sweep();
            sweep();
            assertTrue(plain.isAlive(), "a JVM child with an ended connection's UNIQUE_ID was ended");
            assertTrue(ownSession.isAlive(), "a JVM child in a session of its own was ended");
            assertTrue(Procs.running(orphan), "an orphan of other code was ended");

            plain.destroy();
            ownSession.destroy();
            assertTrue(plain.waitFor(10, TimeUnit.SECONDS) && ownSession.waitFor(10, TimeUnit.SECONDS));
            assertEquals(143, plain.exitValue(), "the JDK got its child's exit status");
            assertEquals(143, ownSession.exitValue(), "the JDK got its child's exit status");
            // Not ours to end, but ours to reap once it exits: we are its parent now.
            ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroy);
            awaitReaped(orphan, orphanStart);
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
