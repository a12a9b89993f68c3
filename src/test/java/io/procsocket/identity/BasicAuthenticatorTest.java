package io.procsocket.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.procsocket.config.UsageException;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.testing.Htpasswd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --basicauth against files written by Debian's own htpasswd, the way an admin makes them. */
class BasicAuthenticatorTest {
    @TempDir
    Path dir;

    /** The authenticator's clock: a second passes only when a test says so. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void rightPasswordIsAdmittedAsBasic() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        Verdict v = BasicAuthenticator.load(file).check(basic("alice", "s3cret"));
        assertEquals(new Verdict.Admitted(new Identity("alice", "Basic")), v);
    }

    @Test
    void wrongPasswordIsRefusedNamingTheUser() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        assertEquals(new Verdict.Refused("wrong user or password", "alice"),
                BasicAuthenticator.load(file).check(basic("alice", "s3creT")));
    }

    @Test
    void unknownUserIsRefusedWithTheSameReasonAsAWrongPassword() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        assertEquals(new Verdict.Refused("wrong user or password", "mallory"),
                BasicAuthenticator.load(file).check(basic("mallory", "s3cret")));
    }

    @Test
    void unknownUserCostsABcryptLikeAKnownOne() throws Exception {
        Path file = dir.resolve("htpasswd");
        Htpasswd.run("-B", "-C", "10", "-b", "-c", file.toString(), "alice", "s3cret");
        BasicAuthenticator auth = BasicAuthenticator.load(file);
        auth.check(basic("alice", "warm-up"));
        long start = System.nanoTime();
        auth.check(basic("mallory", "s3cret"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Cost 10 is about 65 ms here; only a lower bound, which a slow machine cannot break.
        assertTrue(took >= 20, "an unknown user was refused in " + took + " ms, without the bcrypt a known one costs");
    }

    @Test
    void noBasicCredentialsIsAbsentSoAnotherSchemeMayAnswer() throws Exception {
        BasicAuthenticator auth = BasicAuthenticator.load(htpasswdFile("alice", "s3cret"));
        assertEquals(Verdict.ABSENT, auth.check(Credentials.NONE));
        assertEquals(Verdict.ABSENT, auth.check(Credentials.of(request("Authorization", "Bearer abc").headers(), null)));
        // Base64 without a ':' is not Basic credentials at all.
        assertEquals(Verdict.ABSENT, auth.check(Credentials.of(request("Authorization", "Basic " + b64("alice")).headers(), null)));
    }

    @Test
    void onlyTheFirstColonSeparatesUserFromPassword() throws Exception {
        Path file = htpasswdFile("erin", "a:b::c");
        Credentials c = basic("erin", "a:b::c");
        assertEquals("erin", c.basicUser());
        assertEquals("a:b::c", c.basicPassword());
        assertInstanceOf(Verdict.Admitted.class, BasicAuthenticator.load(file).check(c));
    }

    @Test
    void bcryptEntriesWithThe2y2bAnd2aPrefixesAreAllAccepted() throws Exception {
        Path made = htpasswdFile("alice", "s3cret");
        String line = Files.readString(made).strip();
        assertTrue(line.startsWith("alice:$2y$"), "htpasswd -B writes $2y$: " + line.substring(0, 10));
        // One algorithm under three names; other tools (Python's bcrypt, OpenBSD) write $2b$ or $2a$.
        Path file = write("y:" + line.substring(6) + "\n"
                + "b:" + line.substring(6).replace("$2y$", "$2b$") + "\n"
                + "a:" + line.substring(6).replace("$2y$", "$2a$") + "\n");
        BasicAuthenticator auth = BasicAuthenticator.load(file);
        for (String user : List.of("y", "b", "a")) {
            assertEquals(new Verdict.Admitted(new Identity(user, "Basic")), auth.check(basic(user, "s3cret")), user);
            assertInstanceOf(Verdict.Refused.class, auth.check(basic(user, "wrong")), user);
        }
    }

    @Test
    void commentsAndBlankLinesAreSkipped() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        Htpasswd.run("-B", "-b", file.toString(), "bob", "hunter2");
        List<String> entries = Files.readAllLines(file);
        Path commented = write("# who may start the program\n\n" + entries.get(0) + "\n   \n# bob: ops\n"
                + entries.get(1) + "\n\n");
        BasicAuthenticator auth = BasicAuthenticator.load(commented);
        assertInstanceOf(Verdict.Admitted.class, auth.check(basic("alice", "s3cret")));
        assertInstanceOf(Verdict.Admitted.class, auth.check(basic("bob", "hunter2")));
        assertInstanceOf(Verdict.Refused.class, auth.check(basic("# who may start the program", "")));
    }

    @ParameterizedTest(name = "htpasswd {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "-m | an MD5 (apr1) entry",
            "-s | a SHA-1 ({SHA}) entry",
            "-p | a plain-text entry",
            "-d | a crypt (DES) entry",
            "-2 | a SHA-256-crypt ($5$) entry",
            "-5 | a SHA-512-crypt ($6$) entry"})
    void aWeakerEntryIsRefusedAtStartUpInOneLineNamingUserAndFormat(String option, String format) throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        Htpasswd.run(option, "-b", file.toString(), "bob", "hunter2");
        String hash = Files.readAllLines(file).get(1).substring("bob:".length());
        UsageException e = assertThrows(UsageException.class, () -> BasicAuthenticator.load(file));
        assertEquals("--basicauth " + file + ": user \"bob\" has " + format + "; only bcrypt is accepted (htpasswd -B)",
                e.getMessage());
        assertFalse(e.getMessage().contains(hash), "the entry itself is never printed");
    }

    @Test
    void aMissingFileIsOneLine() {
        Path file = dir.resolve("nope");
        UsageException e = assertThrows(UsageException.class, () -> BasicAuthenticator.load(file));
        assertEquals("--basicauth " + file + ": no such file", e.getMessage());
    }

    @Test
    void aDirectoryIsOneLine() {
        UsageException e = assertThrows(UsageException.class, () -> BasicAuthenticator.load(dir));
        assertTrue(e.getMessage().startsWith("--basicauth " + dir + ": cannot read it"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aUserListedTwiceIsRefused() throws Exception {
        Path once = htpasswdFile("alice", "s3cret");
        String line = Files.readString(once).strip();
        Path file = write(line + "\n" + line.replace("alice:", "bob:") + "\n" + line + "\n");
        UsageException e = assertThrows(UsageException.class, () -> BasicAuthenticator.load(file));
        assertEquals("--basicauth " + file + ": user \"alice\" appears more than once (again on line 3)", e.getMessage());
    }

    @Test
    void aLineWithoutAColonIsRefusedWithoutQuotingIt() throws Exception {
        Path file = write("# users\nhunter2\n");
        UsageException e = assertThrows(UsageException.class, () -> BasicAuthenticator.load(file));
        assertEquals("--basicauth " + file + ": line 2 is not user:hash", e.getMessage());
    }

    @Test
    void aUserAddedWhileRunningIsAdmittedOnceTheFileIsLookedAtAgain() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        BasicAuthenticator auth = BasicAuthenticator.load(file, nanos::get);
        Htpasswd.run("-B", "-b", file.toString(), "carol", "c4rol");
        touchForward(file);

        assertInstanceOf(Verdict.Refused.class, auth.check(basic("carol", "c4rol")),
                "the file is looked at no more than once a second");
        nanos.addAndGet(BasicAuthenticator.RECHECK_NANOS);
        assertEquals(new Verdict.Admitted(new Identity("carol", "Basic")), auth.check(basic("carol", "c4rol")));
        assertInstanceOf(Verdict.Admitted.class, auth.check(basic("alice", "s3cret")));
    }

    @Test
    void aUserAddedWhileRunningIsAdmittedWithinSecondsOnTheRealClock() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        BasicAuthenticator auth = BasicAuthenticator.load(file);
        Htpasswd.run("-B", "-b", file.toString(), "carol", "c4rol");
        touchForward(file);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(auth.check(basic("carol", "c4rol")) instanceof Verdict.Admitted)) {
            if (System.nanoTime() - deadline > 0) {
                fail("carol, added to " + file + ", was still refused after 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void aReReadThatFindsAWeakEntryKeepsTheUsersBeforeAndWarnsOnce() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        BasicAuthenticator auth = BasicAuthenticator.load(file, nanos::get);
        try (Records log = new Records()) {
            Htpasswd.run("-m", "-b", file.toString(), "dave", "d4ve");
            touchForward(file);
            nanos.addAndGet(BasicAuthenticator.RECHECK_NANOS);

            assertInstanceOf(Verdict.Admitted.class, auth.check(basic("alice", "s3cret")));
            assertInstanceOf(Verdict.Refused.class, auth.check(basic("dave", "d4ve")));
            nanos.addAndGet(BasicAuthenticator.RECHECK_NANOS);
            auth.check(basic("alice", "s3cret"));

            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), "one warning for one bad version of the file: " + log);
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertEquals("--basicauth " + file + ": user \"dave\" has an MD5 (apr1) entry; only bcrypt is accepted"
                    + " (htpasswd -B); keeping the 1 users read before", records.get(0).getMessage());

            // Fixed with -B, the file is taken again.
            Htpasswd.run("-B", "-b", file.toString(), "dave", "d4ve");
            touchForward(file);
            nanos.addAndGet(BasicAuthenticator.RECHECK_NANOS);
            assertInstanceOf(Verdict.Admitted.class, auth.check(basic("dave", "d4ve")));
        }
    }

    @Test
    void aFileThatDisappearsKeepsTheUsersBefore() throws Exception {
        Path file = htpasswdFile("alice", "s3cret");
        BasicAuthenticator auth = BasicAuthenticator.load(file, nanos::get);
        Files.delete(file);
        nanos.addAndGet(BasicAuthenticator.RECHECK_NANOS);
        assertInstanceOf(Verdict.Admitted.class, auth.check(basic("alice", "s3cret")));
    }

    /** The authenticator's own log records, with the level they were logged at (the gateway's format maps it). */
    private static final class Records extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger(BasicAuthenticator.class.getName());
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();

        Records() {
            logger.addHandler(this);
        }

        List<LogRecord> records() {
            return List.copyOf(records);
        }

        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() { }

        @Override
        public void close() {
            logger.removeHandler(this);
        }

        @Override
        public String toString() {
            return records.stream().map(LogRecord::getMessage).toList().toString();
        }
    }

    private Path htpasswdFile(String user, String password) throws IOException, InterruptedException {
        Path file = dir.resolve("htpasswd");
        Htpasswd.run("-B", "-b", "-c", file.toString(), user, password);
        return file;
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("written");
        Files.writeString(file, text);
        return file;
    }

    /** Within one mtime tick an edit may keep the old time; an admin's edit a second later would not. */
    private static void touchForward(Path file) throws IOException {
        FileTime t = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(t.toMillis() + 10_000));
    }

    /** Through the header parser, as a request brings them. */
    private static Credentials basic(String user, String password) {
        return Credentials.of(request("Authorization", "Basic " + b64(user + ":" + password)).headers(), null);
    }

    private static HandshakeInfo request(String header, String value) {
        return new HandshakeInfo("/", "/", "", "", List.of(Map.entry(header, value)), "127.0.0.1", 5000, false);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
