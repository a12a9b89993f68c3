package io.procsocket.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down guessing: {@link #FREE_FAILURES} refused credentials from one address cost nothing (a mistyped
 * password), each one after that makes the address wait, refused outright (429, nothing checked), for a delay that
 * doubles with each further failure, from {@link #FIRST_DELAY_MS} up to {@link #MAX_DELAY_MS}.
 * No thread waits out the delay: the answer comes at once, it is only the next try that has to wait. A success
 * forgets the address. Bounded: the addresses failing most recently, {@link #MAX_ADDRESSES} of them.
 */
public final class FailureThrottle {
    static final int FREE_FAILURES = 3;
    static final long FIRST_DELAY_MS = 1000;
    static final long MAX_DELAY_MS = 30_000;
    /** An address quiet this long starts afresh. */
    static final long FORGET_MS = 15 * 60_000;
    static final int MAX_ADDRESSES = 10_000;

    private static final class Record {
        int failures;
        long blockedUntil;
        long last;
    }

    private final LongSupplier clock;
    private final Map<String, Record> records = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public FailureThrottle() {
        this(System::currentTimeMillis);
    }

    FailureThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    /** How long {@code address} must still wait before its credentials are looked at again, in ms; 0 if not. */
    public synchronized long waitMs(String address) {
        Record r = records.get(address);
        if (r == null) {
            return 0;
        }
        long now = clock.getAsLong();
        if (now - r.last > FORGET_MS) {
            records.remove(address);
            return 0;
        }
        return Math.max(0, r.blockedUntil - now);
    }

    /** {@code address} presented wrong credentials. */
    public synchronized void failed(String address) {
        long now = clock.getAsLong();
        Record r = records.computeIfAbsent(address, a -> new Record());
        if (now - r.last > FORGET_MS) {
            r.failures = 0;
        }
        r.failures++;
        r.last = now;
        int over = r.failures - FREE_FAILURES - 1;
        if (over >= 0) {
            long delay = over >= 20 ? MAX_DELAY_MS : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << over);
            r.blockedUntil = now + delay;
        }
    }

    /** {@code address} proved who it is: its failures are forgotten. */
    public synchronized void succeeded(String address) {
        records.remove(address);
    }
}
