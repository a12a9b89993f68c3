package io.procsocket.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.message.StdoutLine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fan-out with no server at all: order, replay and pacing, with members that record what they get. */
class AudienceTest {
    /** A member that records frames; its room is set by the test. */
    static final class TesterMember implements Member {
        final List<String> got = new ArrayList<>();
        int flushes;
        boolean room = true;

        @Override
        public void enqueue(Frame frame) {
            got.add(((StdoutLine) frame.message()).text());
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public boolean hasRoom() {
            return room;
        }

        @Override
        public void cutOff() { }

        @Override
        public void processEnded(int status) { }

        @Override
        public void inputRefused() { }

        @Override
        public void shutDown() { }
    }

    private static List<Frame> lines(String... texts) {
        List<Frame> out = new ArrayList<>();
        for (String t : texts) {
            out.add(Frame.of(new StdoutLine(t)));
        }
        return out;
    }

    @Test
    void everyMemberGetsEveryFrameInOrderAndIsFlushedOncePerRead() {
        Audience a = new Audience(0, 1 << 20);
        TesterMember m1 = new TesterMember();
        TesterMember m2 = new TesterMember();
        a.join(m1);
        a.join(m2);
        a.broadcast(lines("1", "2"));
        a.broadcast(lines("3"));
        assertEquals(List.of("1", "2", "3"), m1.got);
        assertEquals(m1.got, m2.got);
        assertEquals(3, m1.flushes, "one at the join, one per read");
    }

    @Test
    void aJoinerGetsTheLastNThenLiveFrames() {
        Audience a = new Audience(2, 1 << 20);
        a.broadcast(lines("1", "2", "3"));
        TesterMember late = new TesterMember();
        a.join(late);
        a.broadcast(lines("4"));
        assertEquals(List.of("2", "3", "4"), late.got);
    }

    @Test
    void theReplayIsBoundedInBytesToo() {
        Audience a = new Audience(100, 10);
        a.broadcast(lines("aaaa", "bbbb", "cccc"));
        TesterMember late = new TesterMember();
        a.join(late);
        assertEquals(List.of("bbbb", "cccc"), late.got, "no more than one send queue's worth");
    }

    @Test
    void aLeaverGetsNothingMore() {
        Audience a = new Audience(0, 1 << 20);
        TesterMember m = new TesterMember();
        a.join(m);
        assertEquals(0, a.leave(m));
        a.broadcast(lines("after"));
        assertTrue(m.got.isEmpty());
    }

    @Test
    void roomIsTheFastestMembersOrTrueWithNobody() {
        Audience a = new Audience(0, 1 << 20);
        assertTrue(a.hasRoom(), "nobody to fall behind: the program is read on");
        TesterMember slow = new TesterMember();
        TesterMember fast = new TesterMember();
        slow.room = false;
        a.join(slow);
        assertFalse(a.hasRoom());
        a.join(fast);
        assertTrue(a.hasRoom(), "one member with room is enough: the others fall behind, not the program");
        int[] told = new int[1];
        a.onRoom(() -> told[0]++);
        a.roomMade();
        assertEquals(1, told[0]);
    }
}
