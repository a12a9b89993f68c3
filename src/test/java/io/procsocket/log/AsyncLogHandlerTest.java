package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** A log sink that blocks holds up only the log's own thread: publishers never wait, lost lines are counted. */
class AsyncLogHandlerTest {
    /** A sink that blocks until opened, like a paused terminal. */
    private static final class BlockedSink extends Handler {
        final CountDownLatch open = new CountDownLatch(1);
        final BlockingQueue<String> written = new LinkedBlockingQueue<>();

        @Override
        public void publish(LogRecord record) {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(record.getMessage());
        }

        @Override
        public void flush() { }

        @Override
        public void close() { }
    }

    private static LogRecord line(int i) {
        return new LogRecord(Level.SEVERE, "line " + i);
    }

    @Test
    void aBlockedSinkNeverBlocksThePublisherAndDroppedLinesAreReported() throws Exception {
        BlockedSink sink = new BlockedSink();
        AsyncLogHandler async = new AsyncLogHandler(sink, 100);
        try {
            // Far more than fit: if publish ever waited on the sink, this thread would hang here.
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    async.publish(line(i));
                }
            });
            publisher.start();
            publisher.join(Duration.ofSeconds(10).toMillis());
            assertTrue(!publisher.isAlive(), "publishing waited on a blocked log sink");
            // One record may be in the writer's hands, 100 in the queue: the rest were dropped and counted.
            long dropped = async.droppedUnreported();
            assertTrue(dropped >= 10_000 - 101 && dropped <= 10_000 - 100, "dropped " + dropped);

            sink.open.countDown();
            String first = sink.written.poll(10, TimeUnit.SECONDS);
            assertEquals("line 0", first);
            String notice = null;
            for (int i = 0; i < 200 && notice == null; i++) {
                String m = sink.written.poll(10, TimeUnit.SECONDS);
                if (m != null && m.contains("log lines dropped")) {
                    notice = m;
                }
            }
            assertTrue(notice != null && notice.startsWith(dropped + " log lines dropped"), "notice: " + notice);
        } finally {
            sink.open.countDown();
            async.close();
        }
    }

    @Test
    void closeWritesWhatIsQueuedInOrder() throws Exception {
        BlockedSink sink = new BlockedSink();
        sink.open.countDown();
        AsyncLogHandler async = new AsyncLogHandler(sink, 100);
        for (int i = 0; i < 50; i++) {
            async.publish(line(i));
        }
        async.close();
        List<String> got = new java.util.ArrayList<>();
        sink.written.drainTo(got);
        assertEquals(50, got.size());
        assertEquals("line 0", got.get(0));
        assertEquals("line 49", got.get(49));
    }
}
