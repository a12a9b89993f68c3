package io.procsocket.identity;

import io.procsocket.config.UsageException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
// Spring Security's BCrypt: maintained, used widely enough to have been looked at hard, no required dependencies,
// reads all three prefixes htpasswd and others write ($2a$, $2b$, $2y$: one algorithm), compares in constant time,
// and truncates at 72 bytes exactly as Apache's own check does, so a password httpd accepts is accepted here.
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * --basicauth=FILE: an Apache htpasswd file of bcrypt entries ({@code htpasswd -B}). Anything else is refused when the
 * file is read: MD5-apr1, SHA-1, crypt and plain text are cheap to guess at, and SHA-crypt would need a second
 * library for a format nobody is made to use (htpasswd -B is always there).
 *
 * <p>Adding a user needs no restart: the file is looked at (a stat) at most once a second by whichever request comes
 * first, without a thread of its own, and re-read when its time, size or identity changed. A version that cannot be
 * used leaves the last good one in force, since refusing everybody because of one bad edit would be worse.
 *
 * <p>{@link #check} runs bcrypt on the admission thread: 2 ms at htpasswd's default cost 5, about 65 ms at cost 10,
 * doubling per step. That time is the point of bcrypt and is bounded by the cost the file's owner chose; nothing about
 * a password is cached, so every attempt pays it.
 */
public final class BasicAuthenticator implements Authenticator {
    private static final System.Logger LOG = System.getLogger(BasicAuthenticator.class.getName());
    static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** One reason for an unknown user and a wrong password, so the log says nothing about which names exist. */
    static final String WRONG = "wrong user or password";

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final Pattern DES_CRYPT = Pattern.compile("[./A-Za-z0-9]{13}");

    private final Path file;
    private final LongSupplier nanoClock;
    private volatile Users users;
    /** Claimed by compare-and-set, so of many requests at once only one does the stat. */
    private final AtomicLong nextStat;
    /** The version last warned about, so a bad file is reported once, not every second. */
    private volatile Stamp refused;

    /** One version of the file: what it held and how to tell it changed. */
    private record Users(Stamp stamp, Map<String, String> hashes, String dummy) { }

    /** fileKey catches a file replaced by rename (as editors and config tools do) within one mtime tick. */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static final Stamp GONE = new Stamp(FileTime.fromMillis(0), -1, null);

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        }
    }

    private BasicAuthenticator(Path file, LongSupplier nanoClock, Users users) {
        this.file = file;
        this.nanoClock = nanoClock;
        this.users = users;
        this.nextStat = new AtomicLong(nanoClock.getAsLong() + RECHECK_NANOS);
    }

    /** Reads the file at start-up; an entry in a weaker format than bcrypt is refused with one line naming it. */
    public static BasicAuthenticator load(Path file) throws UsageException {
        return load(file, System::nanoTime);
    }

    /** {@code nanoClock} as {@link System#nanoTime}, so tests decide when a second has passed. */
    static BasicAuthenticator load(Path file, LongSupplier nanoClock) throws UsageException {
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (IOException e) {
            throw new UsageException(prefix(file) + cannotRead(e));
        }
        Users users;
        try {
            users = read(file, stamp);
        } catch (Unusable e) {
            throw new UsageException(e.getMessage());
        }
        if (users.hashes().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING,
                    prefix(file) + "has no users yet: every Basic login is refused until one is added");
        }
        return new BasicAuthenticator(file, nanoClock, users);
    }

    @Override
    public String scheme() {
        return "Basic";
    }

    @Override
    public Verdict check(Credentials credentials) {
        String user = credentials.basicUser();
        String password = credentials.basicPassword();
        if (user == null || password == null) {
            return Verdict.ABSENT;
        }
        Users now = current();
        String hash = now.hashes().get(user);
        // An unknown user costs the same bcrypt as a known one: a quick refusal would list the names that exist.
        boolean right = BCrypt.checkpw(password, hash != null ? hash : now.dummy()) && hash != null;
        return right ? new Verdict.Admitted(new Identity(user, scheme())) : new Verdict.Refused(WRONG, user);
    }

    private Users current() {
        long now = nanoClock.getAsLong();
        long due = nextStat.get();
        if (now - due >= 0 && nextStat.compareAndSet(due, now + RECHECK_NANOS)) {
            refresh();
        }
        return users;
    }

    private void refresh() {
        Users old = users;
        Stamp stamp = Stamp.GONE;
        String problem;
        try {
            stamp = Stamp.of(file);
            // A version already refused is not read again every second, only once it changes.
            if (stamp.equals(old.stamp()) || stamp.equals(refused)) {
                return;
            }
            users = read(file, stamp);
            refused = null;
            LOG.log(System.Logger.Level.INFO, prefix(file) + "re-read, " + users.hashes().size() + " users");
            return;
        } catch (IOException e) {
            problem = prefix(file) + cannotRead(e);
        } catch (Unusable e) {
            problem = e.getMessage();
        }
        if (!stamp.equals(refused)) {
            refused = stamp;
            LOG.log(System.Logger.Level.WARNING,
                    problem + "; keeping the " + old.hashes().size() + " users read before");
        }
    }

    private static Users read(Path file, Stamp stamp) throws Unusable {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new Unusable(file, cannotRead(e));
        }
        Map<String, String> hashes = new HashMap<>();
        Map<Integer, Integer> costs = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                // The line is not quoted: a mistyped one may be a password.
                throw new Unusable(file, "line " + (i + 1) + " is not user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            var bcrypt = BCRYPT.matcher(hash);
            if (!bcrypt.matches()) {
                throw new Unusable(file, "user \"" + user + "\" has " + format(hash)
                        + "; only bcrypt is accepted (htpasswd -B)");
            }
            if (hashes.putIfAbsent(user, hash) != null) {
                throw new Unusable(file,
                        "user \"" + user + "\" appears more than once (again on line " + (i + 1) + ")");
            }
            costs.merge(Integer.parseInt(bcrypt.group(1)), 1, Integer::sum);
        }
        return new Users(stamp, Map.copyOf(hashes), dummy(costs));
    }

    /** A well-formed hash no password matches, at the cost most entries use: an unknown name costs what a user does. */
    private static String dummy(Map<Integer, Integer> costs) {
        int cost = costs.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(5);
        return String.format("$2b$%02d$%s", cost, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno");
    }

    /** What htpasswd's other options (and older tools) write, named so the owner knows which entry to redo with -B. */
    private static final List<Map.Entry<String, String>> FORMATS = List.of(
            Map.entry("$apr1$", "an MD5 (apr1) entry"),
            Map.entry("{SHA}", "a SHA-1 ({SHA}) entry"),
            Map.entry("$1$", "an MD5-crypt ($1$) entry"),
            Map.entry("$5$", "a SHA-256-crypt ($5$) entry"),
            Map.entry("$6$", "a SHA-512-crypt ($6$) entry"),
            Map.entry("$2", "a malformed bcrypt entry"));

    private static String format(String hash) {
        for (Map.Entry<String, String> f : FORMATS) {
            if (hash.startsWith(f.getKey())) {
                return f.getValue();
            }
        }
        return DES_CRYPT.matcher(hash).matches() ? "a crypt (DES) entry" : "a plain-text entry";
    }

    /** A file that cannot be used, in one line: the start-up error, or the warning when a re-read fails. */
    private static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(Path file, String problem) {
            super(prefix(file) + problem, null, false, false);
        }
    }

    private static String cannotRead(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return "cannot read it (" + e.getMessage() + ")";
    }

    private static String prefix(Path file) {
        return "--basicauth " + file + ": ";
    }
}
