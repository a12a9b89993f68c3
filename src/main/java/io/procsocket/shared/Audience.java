package io.procsocket.shared;

import io.procsocket.config.Config;
import java.util.Arrays;
import java.util.List;

/**
 * The clients of one shared process on this instance and the replay ring, fanned out to in one order:
 * every frame is queued to every member under one lock, so all see the same frames in the same order
 * and a joiner sees the replay and then live frames with nothing lost or doubled between them. Sending
 * happens after the lock (see {@link Member}).
 */
public final class Audience {
    private static final Member[] NONE = new Member[0];

    private final Object lock = new Object();
    private final ReplayRing ring;
    /** Copied on change: joins and leaves are rare next to frames, and fan-out iterates without allocating. */
    private volatile Member[] members = NONE;
    private volatile Runnable onRoom = () -> { };

    /**
     * The replay's bound in bytes: half a client's queue, so that a joiner that got the whole replay still has
     * room for the next read of live output (see SharedChild's read size).
     */
    public static long replayBytes(Config.Shared options) {
        return options.queueBytes() / 2;
    }

    public Audience(int replayFrames, long replayBytes) {
        this.ring = new ReplayRing(replayFrames, replayBytes);
    }

    /** Called whenever a member may have room again (see {@link #hasRoom}). */
    public void onRoom(Runnable listener) {
        this.onRoom = listener;
    }

    /** A member's queue has drained below its mark: the producer, if it waits for room, may go on. */
    public void roomMade() {
        onRoom.run();
    }

    /** Frames read in one go, to everyone connected now, in order. */
    public void broadcast(List<Frame> frames) {
        Member[] now;
        synchronized (lock) {
            for (Frame f : frames) {
                ring.add(f);
            }
            now = members;
            for (Member m : now) {
                for (Frame f : frames) {
                    m.enqueue(f);
                }
            }
        }
        for (Member m : now) {
            m.flush();
        }
    }

    /** The replay first, then live frames. */
    public void join(Member m) {
        synchronized (lock) {
            for (Frame f : ring.frames()) {
                m.enqueue(f);
            }
            Member[] now = Arrays.copyOf(members, members.length + 1);
            now[now.length - 1] = m;
            members = now;
        }
        m.flush();
        // A program held back because nobody had room may go on for the newcomer.
        onRoom.run();
    }

    /** Returns how many members are left. A leaver may have been the one everybody else was waited for. */
    public int leave(Member m) {
        try {
            return remove(m);
        } finally {
            onRoom.run();
        }
    }

    private int remove(Member m) {
        synchronized (lock) {
            Member[] now = members;
            for (int i = 0; i < now.length; i++) {
                if (now[i] == m) {
                    Member[] less = new Member[now.length - 1];
                    System.arraycopy(now, 0, less, 0, i);
                    System.arraycopy(now, i + 1, less, i, now.length - i - 1);
                    members = less;
                    break;
                }
            }
            return members.length;
        }
    }

    /** Everyone now, taken out: the program ended for them (close each outside any lock). */
    public Member[] removeAll() {
        Member[] now;
        synchronized (lock) {
            now = members;
            members = NONE;
        }
        onRoom.run();
        return now;
    }

    public int size() {
        return members.length;
    }

    /** Room for more if anyone has room, or nobody is there to fall behind. */
    public boolean hasRoom() {
        Member[] now = members;
        if (now.length == 0) {
            return true;
        }
        for (Member m : now) {
            if (m.hasRoom()) {
                return true;
            }
        }
        return false;
    }

}
