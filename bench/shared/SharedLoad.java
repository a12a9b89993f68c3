import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Load generator for bench/shared.sh: N WebSocket clients that only listen, each counting the lines of
 * bench/shared/producer.c it receives and the delay of each (the line carries its CLOCK_MONOTONIC write
 * time; System.nanoTime() reads the same clock). JDK only, one or two selector threads, a minimal client:
 * the handshake, unmasked server frames (text, close, ping), masked text frames for the producer's
 * commands. No allocation per frame: a direct buffer per connection, numbers read at fixed offsets,
 * latencies into a log-linear histogram per thread. npm `ws` in one Node process (bench/loadgen.js)
 * tops out far below the 500,000 frames/s that 1,000 clients at 500 lines/s need.
 *
 *   java bench/shared/SharedLoad.java --url=ws://127.0.0.1:PORT/ [--url=...] --clients=N --rate=R
 *        [--seconds=3] [--warmup=1] [--go=one|perurl|all|none] [--stop] [--threads=1] [--stall=K]
 *        [--probe-every=20] [--batch-ms=10]
 *
 *   --url        one or more; client i connects to url[i % urls] (two instances: half on each)
 *   --rate       lines per second the producer is asked for ("go R" on stdin); 0 = flat out
 *   --go         which clients send "go R" once all are connected: the first (one shared process), the
 *                first of each url (one shared process behind several instances), all (one process per
 *                connection), none (the producer starts on its own)
 *   --stop       send "stop" at the end, so the shared process is quiet until the next cell
 *   --probe-every, --batch-ms   every so many clients is read at once and gives the latency; the others
 *                are read every so many ms (see Worker); --batch-ms=0 reads everybody at once
 *   --stall      the last K clients never read (a small receive buffer, never registered for reading);
 *                after the run they are drained to see how the server closed them (1008 expected). When the
 *                server stopped sending to one: the others' timeline bucket where they got its last line.
 *                Java cannot set TCP_MAXSEG, so the server's kernel send buffer for such a client grows to
 *                MiBs (loopback's 64 KiB segments) before its queue even starts to fill: bench/shared.sh
 *                uses bench/shared/stall.py (MSS 536) instead, which takes ~200 KiB.
 *
 * stdout: {"event":"connected"}, {"event":"measure_start"} and {"event":"measure_end"} as they happen
 * (the harness samples the server's /proc at those two), then one {"event":"result",...} line.
 */
public class SharedLoad {

    // ---- the producer's line format (bench/shared/producer.c) ----
    static final int SEQ_AT = 0, SEQ_LEN = 10, TS_AT = 11, TS_LEN = 19, MIN_PAYLOAD = 30;

    static final int BUF = 32 * 1024;               // per-connection read buffer (direct)
    static final long BUCKET_NS = 250_000_000L;     // timeline resolution
    static final int BUCKETS = 1200;                // 300 s of timeline

    // ---- the measurement window, in System.nanoTime(); written before "go", read per socket read ----
    static volatile long goAt = Long.MAX_VALUE, t0 = Long.MAX_VALUE, t1 = Long.MAX_VALUE;
    static volatile boolean ending;

    /** Latencies in microseconds, log-linear: exact below 2048 µs, then 1024 sub-buckets per power of two. */
    static final class Histogram {
        static final int LINEAR = 2048, SUB_BITS = 10, SIZE = LINEAR + 40 * (1 << SUB_BITS);
        final long[] counts = new long[SIZE];
        long n, max;

        static int index(long us) {
            if (us < LINEAR) return (int) Math.max(0, us);
            int e = 63 - Long.numberOfLeadingZeros(us);                 // >= 11
            int sub = (int) ((us >>> (e - SUB_BITS)) & ((1 << SUB_BITS) - 1));
            return Math.min(SIZE - 1, LINEAR + (e - 11) * (1 << SUB_BITS) + sub);
        }

        static long lowerBound(int idx) {
            if (idx < LINEAR) return idx;
            int e = (idx - LINEAR) / (1 << SUB_BITS) + 11, sub = (idx - LINEAR) % (1 << SUB_BITS);
            return (1L << e) + ((long) sub << (e - SUB_BITS));
        }

        void record(long us) {
            counts[index(us)]++;
            n++;
            if (us > max) max = us;
        }

        void add(Histogram o) {
            for (int i = 0; i < SIZE; i++) counts[i] += o.counts[i];
            n += o.n;
            max = Math.max(max, o.max);
        }

        double percentileMs(double p) {
            if (n == 0) return Double.NaN;
            long rank = (long) Math.ceil(p * n), seen = 0;
            for (int i = 0; i < SIZE; i++) {
                seen += counts[i];
                if (seen >= rank && seen > 0) return lowerBound(i) / 1000.0;
            }
            return max / 1000.0;
        }
    }

    /** One client connection; touched only by its selector thread once running (and by main at the end). */
    static final class Conn {
        final int id;
        final String url;
        final int urlIndex;
        final boolean stalled;
        final boolean probe;       // read as soon as data arrives: its latencies are the headline numbers
        SocketChannel ch;
        ByteBuffer buf;
        Worker worker;
        long skip;                 // payload bytes still to discard of a frame larger than the buffer
        boolean skipCountsAsMessage;
        boolean inFragmented;      // a text message whose first fragment has been seen
        // counts
        long windowCount, totalCount, firstSeq = -1, lastSeq = -1, gaps, missing, reordered, malformed, fragmented;
        long firstFrameAt;
        int closeCode = -1;        // from the server's close frame
        boolean eof;
        volatile boolean closed;   // read by main while the selector runs
        String error;

        Conn(int id, String url, int urlIndex, boolean stalled, boolean probe) {
            this.id = id; this.url = url; this.urlIndex = urlIndex; this.stalled = stalled; this.probe = probe;
        }
    }

    /**
     * A selector thread: reads its connections, parses frames, counts. Why two selectors: at 500 lines/s a
     * socket has one 102-byte frame every 2 ms, so reading every socket the moment it is readable costs one
     * read(2) per frame, 500,000 a second at 1,000 clients, more than a core of this 2-core machine. So most
     * connections ("batch") are read every BATCH_MS, several frames per read; every PROBE_EVERY-th one
     * ("probe") is read at once and gives the exact latency. Counts come from all of them; the latency of
     * batch connections includes up to BATCH_MS of our own waiting and is reported apart, as an upper bound.
     */
    static final class Worker extends Thread {
        final Selector probes, batch;
        final long batchNs;
        final ConcurrentLinkedQueue<Conn> toRegister = new ConcurrentLinkedQueue<>();
        final Histogram[] hist;    // probes, per url (two instances: is the one without the process slower?)
        final Histogram histAll = new Histogram();   // every reader, batch waiting included
        final long[] timelineFrames = new long[BUCKETS];
        final long[] timelineMaxUs = new long[BUCKETS];
        final long[] timelineMaxSeq = new long[BUCKETS];   // readers' highest line per bucket: seq -> time
        volatile boolean stop;

        Worker(int i, int urls, long batchNs) throws IOException {
            super("sharedload-selector-" + i);
            setDaemon(true);
            hist = new Histogram[urls];
            for (int u = 0; u < urls; u++) hist[u] = new Histogram();
            probes = Selector.open();
            batch = Selector.open();
            this.batchNs = batchNs;
        }

        void add(Conn c) {
            toRegister.add(c);
            probes.wakeup();
        }

        @Override
        public void run() {
            try {
                long nextBatch = System.nanoTime() + batchNs;
                while (!stop) {
                    long wait = (nextBatch - System.nanoTime()) / 1_000_000;
                    if (wait >= 1) probes.select(Math.min(wait, 100)); else probes.selectNow();
                    for (Conn c; (c = toRegister.poll()) != null; ) {
                        if (c.closed) continue;
                        try {
                            c.ch.register(c.probe || c.stalled || batchNs == 0 ? probes : batch, SelectionKey.OP_READ, c);
                        } catch (ClosedChannelException e) {
                            c.closed = true;
                        }
                        if (c.buf.position() > 0) parse(c, System.nanoTime()); // bytes that came with the 101
                    }
                    drain(probes);
                    long now = System.nanoTime();
                    if (now >= nextBatch) {
                        batch.selectNow();
                        drain(batch);
                        nextBatch = Math.max(nextBatch + batchNs, now + batchNs / 2);
                    }
                }
            } catch (IOException e) {
                System.err.println("sharedload: selector: " + e);
            }
        }

        void drain(Selector sel) {
            var keys = sel.selectedKeys();
            for (SelectionKey k : keys) {
                if (k.isValid()) read((Conn) k.attachment(), k);
            }
            keys.clear();
        }

        void read(Conn c, SelectionKey k) {
            try {
                for (;;) {
                    int n = c.ch.read(c.buf);
                    if (n < 0) {
                        c.eof = true;
                        finish(c, k);
                        return;
                    }
                    if (n == 0) return;
                    // One clock read per socket read, not per frame: the frames of one read arrived together.
                    boolean full = !c.buf.hasRemaining();
                    parse(c, System.nanoTime());
                    if (c.closed) { finish(c, k); return; }
                    if (!full) return;
                }
            } catch (IOException e) {
                if (c.error == null) c.error = e.getMessage();
                c.eof = true;
                finish(c, k);
            }
        }

        void finish(Conn c, SelectionKey k) {
            c.closed = true;
            k.cancel();
            try { c.ch.close(); } catch (IOException ignored) { }
        }

        /** Parses every whole frame in c.buf (which is in write mode), then compacts. */
        void parse(Conn c, long now) {
            ByteBuffer b = c.buf;
            b.flip();
            long w0 = t0, w1 = t1, go = goAt;
            boolean inWindow = now >= w0 && now < w1;
            int bucket = now >= go ? (int) Math.min(BUCKETS - 1, (now - go) / BUCKET_NS) : -1;
            while (b.hasRemaining()) {
                if (c.skip > 0) {
                    int drop = (int) Math.min(c.skip, b.remaining());
                    b.position(b.position() + drop);
                    c.skip -= drop;
                    if (c.skip == 0 && c.skipCountsAsMessage) count(c, now, inWindow, bucket, -1, -1);
                    continue;
                }
                int p = b.position(), avail = b.remaining();
                if (avail < 2) break;
                int b0 = b.get(p) & 0xFF, b1 = b.get(p + 1) & 0xFF;
                boolean fin = (b0 & 0x80) != 0;
                int op = b0 & 0x0F;
                boolean masked = (b1 & 0x80) != 0;
                long len = b1 & 0x7F;
                int hdr = 2;
                if (len == 126) {
                    if (avail < 4) break;
                    len = b.getShort(p + 2) & 0xFFFF;
                    hdr = 4;
                } else if (len == 127) {
                    if (avail < 10) break;
                    len = b.getLong(p + 2);
                    hdr = 10;
                }
                if (masked) hdr += 4;   // servers must not mask; tolerated, counted as malformed below
                if (avail < hdr) break;
                int payloadAt = p + hdr;
                if (op >= 8) {          // control frame: at most 125 bytes, never fragmented
                    if (avail < hdr + len) break;
                    if (op == 8) {
                        c.closeCode = len >= 2 ? b.getShort(payloadAt) & 0xFFFF : 1005;
                        c.closed = true;
                        sendClose(c, c.closeCode == 1005 ? 1000 : c.closeCode);
                    } else if (op == 9) {
                        byte[] payload = new byte[(int) len];
                        b.get(payloadAt, payload);
                        sendFrame(c.ch, 0xA, payload);
                    }
                    b.position(p + hdr + (int) len);
                    if (c.closed) break;
                    continue;
                }
                if (masked) c.malformed++;
                long seq = -1, ts = -1;
                boolean starts = op == 1 || op == 2;
                if (starts && avail >= hdr + MIN_PAYLOAD && len >= MIN_PAYLOAD) {
                    seq = digits(b, payloadAt + SEQ_AT, SEQ_LEN);
                    ts = digits(b, payloadAt + TS_AT, TS_LEN);
                }
                if (avail < hdr + len) {
                    if (hdr + len <= b.capacity()) break;         // wait for the rest
                    // Larger than the buffer (not one of the producer's lines): read the start, skip the rest.
                    c.skip = hdr + len - avail;
                    c.skipCountsAsMessage = fin;
                    if (starts && !fin) { c.inFragmented = true; c.fragmented++; }
                    if (starts) recordStart(c, seq, ts, now, inWindow, bucket);
                    b.position(b.limit());
                    continue;
                }
                b.position(p + hdr + (int) len);
                if (starts) {
                    if (!fin) { c.inFragmented = true; c.fragmented++; }
                    recordStart(c, seq, ts, now, inWindow, bucket);
                    if (fin) count(c, now, inWindow, bucket, seq, ts);
                } else if (op == 0) {
                    if (fin) { c.inFragmented = false; count(c, now, inWindow, bucket, -1, -1); }
                } else {
                    c.malformed++;
                }
            }
            b.compact();
        }

        /** Sequence check and latency of a message, at its first frame. */
        void recordStart(Conn c, long seq, long ts, long now, boolean inWindow, int bucket) {
            if (seq < 0 || ts < 0) { c.malformed++; return; }
            if (c.lastSeq >= 0 && seq != c.lastSeq + 1) {
                c.gaps++;
                if (seq > c.lastSeq) c.missing += seq - c.lastSeq - 1; else c.reordered++;
            }
            c.lastSeq = seq;
            if (c.firstSeq < 0) c.firstSeq = seq;
            if (c.firstFrameAt == 0) c.firstFrameAt = now;
            long us = Math.max(0, (now - ts) / 1000);
            if (inWindow && !c.stalled) {
                histAll.record(us);
                if (c.probe) hist[c.urlIndex].record(us);
            }
            if (bucket >= 0 && c.probe && us > timelineMaxUs[bucket]) timelineMaxUs[bucket] = us;
            if (bucket >= 0 && !c.stalled && seq > timelineMaxSeq[bucket]) timelineMaxSeq[bucket] = seq;
        }

        /** A whole message received. */
        void count(Conn c, long now, boolean inWindow, int bucket, long seq, long ts) {
            c.totalCount++;
            if (c.stalled) return;
            if (inWindow) c.windowCount++;
            if (bucket >= 0) timelineFrames[bucket]++;
        }

        static long digits(ByteBuffer b, int at, int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                int d = b.get(at + i) - '0';
                if (d < 0 || d > 9) return -1;
                v = v * 10 + d;
            }
            return v;
        }
    }

    // ---- frames we send: always masked (RFC 6455 5.3) ----
    static byte[] frame(int opcode, byte[] payload) {
        if (payload.length > 125) throw new IllegalArgumentException("only short frames");
        byte[] f = new byte[6 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) (0x80 | payload.length);
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) f[2 + i] = (byte) (mask >>> (24 - 8 * i));
        for (int i = 0; i < payload.length; i++) f[6 + i] = (byte) (payload[i] ^ f[2 + (i & 3)]);
        return f;
    }

    /** Small frames only; a non-blocking socket takes them whole unless its send buffer is full (then we retry briefly). */
    static void sendFrame(SocketChannel ch, int opcode, byte[] payload) {
        ByteBuffer f = ByteBuffer.wrap(frame(opcode, payload));
        try {
            for (int tries = 0; f.hasRemaining() && tries < 1000; tries++) {
                if (ch.write(f) == 0) Thread.onSpinWait();
            }
        } catch (IOException ignored) {
            // the connection is going; its reader records why
        }
    }

    static void sendClose(Conn c, int code) {
        sendFrame(c.ch, 8, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    static void sendText(Conn c, String text) {
        sendFrame(c.ch, 1, text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the handshake: blocking, on a small pool, before the selectors take over ----
    static Conn connect(int id, String url, int urlIndex, boolean stalled, boolean probe, int stallRcvBuf) throws IOException {
        Conn c = new Conn(id, url, urlIndex, stalled, probe);
        URI u = URI.create(url);
        int port = u.getPort() > 0 ? u.getPort() : 80;
        String path = (u.getRawPath() == null || u.getRawPath().isEmpty()) ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) path += "?" + u.getRawQuery();
        SocketChannel ch = SocketChannel.open();
        c.ch = ch;
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // A small receive buffer before connect turns off the kernel's autotuning for this socket, so a
            // client that stops reading backs up into the server within KiBs instead of MiBs.
            if (stalled) ch.setOption(StandardSocketOptions.SO_RCVBUF, stallRcvBuf);
            ch.socket().connect(new InetSocketAddress(u.getHost(), port), 10_000);
            ch.socket().setSoTimeout(10_000);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String req = "GET " + path + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            OutputStream out = ch.socket().getOutputStream();
            out.write(req.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = ch.socket().getInputStream();
            byte[] head = new byte[8192];
            int have = 0, end = -1;
            while (end < 0) {
                int r = in.read(head, have, head.length - have);
                if (r < 0) throw new IOException("closed during handshake");
                have += r;
                for (int i = Math.max(0, have - r - 3); i + 3 < have; i++) {
                    if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') { end = i + 4; break; }
                }
                if (end < 0 && have == head.length) throw new IOException("response head too long");
            }
            String status = new String(head, 0, Math.min(have, indexOf(head, have, (byte) '\r')), StandardCharsets.ISO_8859_1);
            if (!status.startsWith("HTTP/1.1 101")) throw new IOException("handshake refused: " + status);
            c.buf = ByteBuffer.allocateDirect(BUF);
            c.buf.put(head, end, have - end);   // frames that came with the 101 (replayed lines, say)
            ch.configureBlocking(false);
            return c;
        } catch (IOException e) {
            try { ch.close(); } catch (IOException ignored) { }
            throw e;
        }
    }

    static int indexOf(byte[] a, int n, byte v) {
        for (int i = 0; i < n; i++) if (a[i] == v) return i;
        return n;
    }

    // ---- own CPU: /proc/self/stat utime + stime (all threads: selectors, GC, JIT) ----
    static double processCpuSeconds() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static void event(String json) {
        System.out.println(json);
        System.out.flush();
    }

    static String opt(Map<String, List<String>> o, String k, String def) {
        List<String> v = o.get(k);
        return v == null ? def : v.get(v.size() - 1);
    }

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> o = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--")) throw new IllegalArgumentException("expected --name=value: " + a);
            int eq = a.indexOf('=');
            String k = eq < 0 ? a.substring(2) : a.substring(2, eq), v = eq < 0 ? "true" : a.substring(eq + 1);
            o.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        List<String> urls = o.getOrDefault("url", List.of());
        if (urls.isEmpty()) throw new IllegalArgumentException("--url is required");
        int clients = Integer.parseInt(opt(o, "clients", "1"));
        long rate = Long.parseLong(opt(o, "rate", "500"));
        double seconds = Double.parseDouble(opt(o, "seconds", "3"));
        double warmup = Double.parseDouble(opt(o, "warmup", "1"));
        String go = opt(o, "go", "one");
        boolean stopAtEnd = o.containsKey("stop");
        int threads = Integer.parseInt(opt(o, "threads", "1"));
        int stall = Integer.parseInt(opt(o, "stall", "0"));
        int stallRcvBuf = Integer.parseInt(opt(o, "stall-rcvbuf", "4096"));
        int parallel = Integer.parseInt(opt(o, "connect-parallel", "16"));
        int probeEvery = Integer.parseInt(opt(o, "probe-every", "20"));
        long batchNs = (long) (Double.parseDouble(opt(o, "batch-ms", "10")) * 1e6);

        Worker[] workers = new Worker[threads];
        for (int i = 0; i < threads; i++) { workers[i] = new Worker(i, urls.size(), batchNs); workers[i].start(); }

        // Connect everybody first (at most `parallel` handshakes at once: the server's accept backlog).
        long c0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<Conn>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            final int id = i;
            final int urlIndex = i % urls.size();
            final boolean stalled = i >= clients - stall;
            // Probes spread over the connection order (the server may serve clients in that order) and,
            // with several urls, over every url.
            final boolean probe = !stalled && (i / urls.size()) % probeEvery == 0;
            futures.add(pool.submit(() -> connect(id, urls.get(urlIndex), urlIndex, stalled, probe, stallRcvBuf)));
        }
        List<Conn> conns = new ArrayList<>();
        Map<String, Integer> connectErrors = new TreeMap<>();
        for (Future<Conn> f : futures) {
            try {
                conns.add(f.get());
            } catch (Exception e) {
                Throwable t = e.getCause() != null ? e.getCause() : e;
                connectErrors.merge(String.valueOf(t.getMessage()), 1, Integer::sum);
            }
        }
        pool.shutdown();
        double connectMs = (System.nanoTime() - c0) / 1e6;
        for (Conn c : conns) {
            c.worker = workers[c.id % threads];
            if (!c.stalled) c.worker.add(c);
        }
        event("{\"event\":\"connected\",\"clients\":" + conns.size() + ",\"failed\":" + (clients - conns.size())
                + ",\"connect_ms\":" + String.format(Locale.ROOT, "%.1f", connectMs) + "}");

        // Who tells the producer to start.
        List<Conn> starters = new ArrayList<>();
        Map<String, Conn> firstPerUrl = new LinkedHashMap<>();
        for (Conn c : conns) if (!c.stalled) firstPerUrl.putIfAbsent(c.url, c);
        switch (go) {
            case "one" -> { if (!firstPerUrl.isEmpty()) starters.add(firstPerUrl.values().iterator().next()); }
            case "perurl" -> starters.addAll(firstPerUrl.values());
            case "all" -> conns.forEach(starters::add);
            case "none" -> { }
            default -> throw new IllegalArgumentException("--go=" + go);
        }

        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long now = System.nanoTime();
        goAt = now;
        t0 = now + (long) (warmup * 1e9);
        t1 = t0 + (long) (seconds * 1e9);
        for (Conn c : starters) sendText(c, "go " + rate);

        sleepUntil(t0);
        double cpu0 = processCpuSeconds();
        long[] thr0 = new long[threads];
        for (int i = 0; i < threads; i++) thr0[i] = tmx.getThreadCpuTime(workers[i].getId());
        long gc0 = gcMillis();
        event("{\"event\":\"measure_start\"}");
        sleepUntil(t1);
        double cpu1 = processCpuSeconds();
        long[] thr1 = new long[threads];
        for (int i = 0; i < threads; i++) thr1[i] = tmx.getThreadCpuTime(workers[i].getId());
        long gc1 = gcMillis();
        event("{\"event\":\"measure_end\"}");
        double window = (t1 - t0) / 1e9;

        // Closes seen during the run (before we close anything): the server's doing.
        Map<String, Integer> closesDuringRun = new TreeMap<>();
        int unexpectedEof = 0;
        StringBuilder closedDetail = new StringBuilder("[");
        for (Conn c : conns) {
            if (c.stalled || !c.closed) continue;
            if (closedDetail.length() < 2000) {
                if (closedDetail.length() > 1) closedDetail.append(',');
                closedDetail.append(String.format(Locale.ROOT, "{\"id\":%d,\"probe\":%b,\"code\":%d,\"lines\":%d}",
                        c.id, c.probe, c.closeCode, c.totalCount));
            }
            if (c.closeCode >= 0) closesDuringRun.merge(String.valueOf(c.closeCode), 1, Integer::sum);
            else unexpectedEof++;
        }

        ending = true;
        if (stopAtEnd) for (Conn c : starters) if (!c.closed) sendText(c, "stop");

        // The stalled clients read again: what the server left them says how it treated them.
        for (Conn c : conns) if (c.stalled) c.worker.add(c);
        waitClosed(conns.stream().filter(c -> c.stalled).toList(), 3000);

        // Close handshakes for the rest; then drop whatever has not answered.
        for (Conn c : conns) if (!c.closed) sendClose(c, 1000);
        waitClosed(conns, 3000);
        for (Worker w : workers) w.stop = true;
        for (Worker w : workers) { w.probes.wakeup(); w.join(2000); }
        for (Conn c : conns) try { c.ch.close(); } catch (IOException ignored) { }

        // ---- results ----
        Histogram h = new Histogram(), all = new Histogram();
        Histogram[] perUrl = new Histogram[urls.size()];
        for (int u = 0; u < perUrl.length; u++) perUrl[u] = new Histogram();
        long[] tl = new long[BUCKETS], tlMax = new long[BUCKETS], tlSeq = new long[BUCKETS];
        for (Worker w : workers) {
            for (int u = 0; u < perUrl.length; u++) { h.add(w.hist[u]); perUrl[u].add(w.hist[u]); }
            all.add(w.histAll);
            for (int i = 0; i < BUCKETS; i++) {
                tl[i] += w.timelineFrames[i];
                tlMax[i] = Math.max(tlMax[i], w.timelineMaxUs[i]);
                tlSeq[i] = Math.max(tlSeq[i], w.timelineMaxSeq[i]);
            }
        }
        List<Conn> readers = conns.stream().filter(c -> !c.stalled).toList();
        double[] rates = readers.stream().mapToDouble(c -> c.windowCount / window).sorted().toArray();
        double[] firsts = readers.stream().filter(c -> c.firstFrameAt > 0)
                .mapToDouble(c -> (c.firstFrameAt - goAt) / 1e6).sorted().toArray();
        long gaps = 0, missing = 0, reordered = 0, malformed = 0, fragmented = 0, noData = 0;
        for (Conn c : readers) {
            gaps += c.gaps; missing += c.missing; reordered += c.reordered; malformed += c.malformed;
            fragmented += c.fragmented;
            if (c.windowCount == 0) noData++;
        }
        // Timeline from "go", per 250 ms: [seconds, per-client delivery rate, worst probe latency ms, highest line].
        int b0 = (int) ((t0 - goAt) / BUCKET_NS), b1 = (int) Math.min(BUCKETS, (t1 - goAt) / BUCKET_NS);
        StringBuilder tlJson = new StringBuilder("[");
        double worstBucketRate = Double.NaN, worstBucketLatMs = 0;
        for (int i = 0; i < Math.min(BUCKETS, b1 + 4); i++) {
            double perClient = readers.isEmpty() ? 0 : tl[i] / (BUCKET_NS / 1e9) / readers.size();
            if (i > 0) tlJson.append(',');
            tlJson.append(String.format(Locale.ROOT, "[%.2f,%.1f,%.2f,%d]", i * BUCKET_NS / 1e9, perClient, tlMax[i] / 1000.0, tlSeq[i]));
            if (i >= b0 && i < b1) {
                worstBucketRate = Double.isNaN(worstBucketRate) ? perClient : Math.min(worstBucketRate, perClient);
                worstBucketLatMs = Math.max(worstBucketLatMs, tlMax[i] / 1000.0);
            }
        }
        tlJson.append(']');

        StringBuilder stalled = new StringBuilder("[");
        for (Conn c : conns) {
            if (!c.stalled) continue;
            if (stalled.length() > 1) stalled.append(',');
            double cutOff = Double.NaN;   // when the others got the stalled client's last line
            for (int i = 0; i < BUCKETS && c.lastSeq >= 0; i++) if (tlSeq[i] >= c.lastSeq) { cutOff = i * BUCKET_NS / 1e9; break; }
            stalled.append(String.format(Locale.ROOT, "{\"close_code\":%d,\"eof\":%b,\"frames\":%d,\"last_seq\":%d,\"error\":%s,"
                    + "\"cut_off_after_go_s\":%s}",
                    c.closeCode, c.eof, c.totalCount, c.lastSeq, c.error == null ? "null" : json(c.error), fmt(cutOff)));
        }
        stalled.append(']');

        StringBuilder thr = new StringBuilder("[");
        double maxThread = 0;
        for (int i = 0; i < threads; i++) {
            double share = (thr1[i] - thr0[i]) / 1e9 / window;
            maxThread = Math.max(maxThread, share);
            if (i > 0) thr.append(',');
            thr.append(String.format(Locale.ROOT, "%.3f", share));
        }
        thr.append(']');

        StringBuilder urlJson = new StringBuilder("[");
        for (int u = 0; u < perUrl.length; u++) {
            final int uu = u;
            double[] ur = readers.stream().filter(c -> c.urlIndex == uu).mapToDouble(c -> c.windowCount / window).sorted().toArray();
            if (u > 0) urlJson.append(',');
            urlJson.append("{\"url\":").append(json(urls.get(u))).append(",\"clients\":").append(ur.length)
                    .append(",\"rate_min\":").append(fmt(q(ur, 0))).append(",\"rate_median\":").append(fmt(q(ur, 0.5)))
                    .append(",\"p50_ms\":").append(fmt(perUrl[u].percentileMs(0.5))).append(",\"p99_ms\":").append(fmt(perUrl[u].percentileMs(0.99)))
                    .append(",\"missing\":").append(readers.stream().filter(c -> c.urlIndex == uu).mapToLong(c -> c.missing).sum())
                    .append(",\"gaps\":").append(readers.stream().filter(c -> c.urlIndex == uu).mapToLong(c -> c.gaps).sum())
                    .append('}');
        }
        urlJson.append(']');

        double totalPerS = readers.stream().mapToLong(c -> c.windowCount).sum() / window;
        StringBuilder r = new StringBuilder();
        r.append("{\"event\":\"result\"");
        r.append(",\"clients\":").append(clients).append(",\"connected\":").append(conns.size());
        r.append(",\"connect_errors\":").append(mapJson(connectErrors));
        r.append(",\"connect_ms\":").append(fmt(connectMs));
        r.append(",\"rate_requested\":").append(rate).append(",\"seconds\":").append(fmt(window));
        r.append(",\"urls\":").append(urls.size()).append(",\"stalled_clients\":").append(stall);
        r.append(",\"per_client_rate\":{\"min\":").append(fmt(q(rates, 0))).append(",\"p5\":").append(fmt(q(rates, 0.05)))
                .append(",\"median\":").append(fmt(q(rates, 0.5))).append(",\"max\":").append(fmt(q(rates, 1))).append('}');
        r.append(",\"frames_per_s\":").append(fmt(totalPerS));
        r.append(",\"latency_ms\":{\"p50\":").append(fmt(h.percentileMs(0.5))).append(",\"p90\":").append(fmt(h.percentileMs(0.9)))
                .append(",\"p99\":").append(fmt(h.percentileMs(0.99))).append(",\"p999\":").append(fmt(h.percentileMs(0.999)))
                .append(",\"max\":").append(fmt(h.max / 1000.0)).append(",\"n\":").append(h.n)
                .append(",\"probes\":").append(readers.stream().filter(c -> c.probe).count()).append('}');
        r.append(",\"latency_all_ms\":{\"p50\":").append(fmt(all.percentileMs(0.5))).append(",\"p99\":").append(fmt(all.percentileMs(0.99)))
                .append(",\"max\":").append(fmt(all.max / 1000.0)).append(",\"n\":").append(all.n)
                .append(",\"batch_ms\":").append(fmt(batchNs / 1e6)).append('}');
        r.append(",\"first_frame_ms\":{\"median\":").append(fmt(q(firsts, 0.5))).append(",\"max\":").append(fmt(q(firsts, 1)))
                .append(",\"clients_with_data\":").append(firsts.length).append('}');
        r.append(",\"worst_250ms\":{\"per_client_rate\":").append(fmt(worstBucketRate)).append(",\"max_latency_ms\":")
                .append(fmt(worstBucketLatMs)).append('}');
        r.append(",\"integrity\":{\"gaps\":").append(gaps).append(",\"missing\":").append(missing)
                .append(",\"reordered\":").append(reordered).append(",\"malformed\":").append(malformed)
                .append(",\"fragmented\":").append(fragmented).append(",\"clients_without_data\":").append(noData).append('}');
        r.append(",\"closed_during_run\":").append(mapJson(closesDuringRun)).append(",\"closed_detail\":").append(closedDetail).append(']').append(",\"eof_during_run\":").append(unexpectedEof);
        r.append(",\"stalled\":").append(stalled);
        r.append(",\"per_url\":").append(urlJson);
        // The first line any reader got: with a paced producer, (stalled last_seq - this) / rate is about when
        // the server stopped sending to the stalled client, in seconds after "go".
        r.append(",\"first_seq_min\":").append(readers.stream().mapToLong(c -> c.firstSeq).filter(x -> x >= 0).min().orElse(-1));
        r.append(",\"loadgen\":{\"cpu_cores\":").append(fmt((cpu1 - cpu0) / window)).append(",\"selector_threads\":").append(thr)
                .append(",\"busiest_selector\":").append(fmt(maxThread)).append(",\"gc_ms\":").append(gc1 - gc0).append('}');
        r.append(",\"window_start_s\":").append(fmt((t0 - goAt) / 1e9));
        r.append(",\"timeline\":").append(tlJson);
        r.append('}');
        event(r.toString());
        System.exit(0);
    }

    static void waitClosed(List<Conn> cs, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end && cs.stream().anyMatch(c -> !c.closed)) Thread.sleep(20);
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long d; (d = nanoTime - System.nanoTime()) > 0; ) Thread.sleep(Math.max(1, d / 1_000_000), 0);
    }

    static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, g.getCollectionTime());
        return t;
    }

    static double q(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }

    static String fmt(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String json(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    static String mapJson(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder("{");
        for (var e : m.entrySet()) {
            if (b.length() > 1) b.append(',');
            b.append(json(e.getKey())).append(':').append(e.getValue());
        }
        return b.append('}').toString();
    }
}
