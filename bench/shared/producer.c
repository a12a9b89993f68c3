/*
 * The program behind bench/shared.sh: prints fixed-size lines that carry their own send time.
 *
 *   producer [INITIAL_RATE [DELAY_MS]]
 *
 * Every line is LINE_BYTES characters plus '\n':
 *   "SSSSSSSSSS TTTTTTTTTTTTTTTTTTT xxxx...x"
 *    seq (10 digits, from 0), CLOCK_MONOTONIC ns at write time (19 digits), padding.
 * Fixed offsets so that the load generator reads both numbers without scanning. CLOCK_MONOTONIC is the
 * clock of Java's System.nanoTime() on Linux, so the generator's receive time minus the stamp is the
 * delivery latency (producer write -> server -> client read), on one machine.
 *
 * What to do is told on stdin, one command a line (with --shared every client's messages reach the one
 * shared stdin, so the load generator starts the run from one client once all of them are connected):
 *   "go N"   N > 0: N lines per second, paced on an absolute schedule (no drift) in batches of at least
 *            1 ms; N = 0: flat out, as fast as the pipe takes them (64 KiB writes).
 *   "stop"   print nothing until the next "go" (between benchmark cells, so that an idle server is idle).
 * Without a command line it waits (INITIAL_RATE < 0, the default) or starts at INITIAL_RATE after
 * DELAY_MS (for --shared-input=none, where nothing reaches stdin). stdin's EOF while producing is not an
 * exit (with --shared-input=none stdin may be closed from the start): a producing program ends on
 * SIGPIPE/SIGTERM, when the server closes the pipe or ends it; an idle one ends at stdin's EOF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_BYTES 100              /* the WebSocket message: the line without its '\n' */
#define LINE_TOTAL (LINE_BYTES + 1)
#define FLAT_LINES 640              /* lines per write when flat out: ~64 KiB, one pipe buffer */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Writes v as exactly `width` decimal digits, zero-padded, at p. */
static void put_digits(char *p, int width, uint64_t v) {
    for (int i = width - 1; i >= 0; i--) { p[i] = (char)('0' + v % 10); v /= 10; }
}

static char buf[FLAT_LINES * LINE_TOTAL];
static uint64_t seq;

/* Fills n lines at buf with consecutive seqs, all stamped `stamp`. */
static size_t fill(size_t n, int64_t stamp) {
    for (size_t i = 0; i < n; i++) {
        char *p = buf + i * LINE_TOTAL;
        put_digits(p, 10, seq++);
        put_digits(p + 11, 19, (uint64_t)stamp);
    }
    return n * LINE_TOTAL;
}

static void write_all(size_t len) {
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(1, buf + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            exit(0);                /* the server closed our stdout: done */
        }
        off += (size_t)w;
    }
}

static char cmd[256];
static size_t cmd_len;
static int stdin_open = 1;

/* Reads what stdin has; applies complete command lines. Returns 1 if the rate changed. */
static int read_commands(long *rate) {
    char tmp[4096];
    ssize_t r = read(0, tmp, sizeof tmp);
    if (r <= 0) {
        if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
            stdin_open = 0;
            /* Idle with stdin gone, nothing can start us again: leave (a server that died leaves no
             * orphan behind; a producing one ends on SIGPIPE instead). */
            if (*rate < 0) exit(0);
        }
        return 0;
    }
    int changed = 0;
    for (ssize_t i = 0; i < r; i++) {
        if (tmp[i] != '\n') {
            if (cmd_len < sizeof cmd - 1) cmd[cmd_len++] = tmp[i];
            continue;
        }
        cmd[cmd_len] = 0;
        cmd_len = 0;
        if (strncmp(cmd, "go", 2) == 0) { *rate = cmd[2] ? atol(cmd + 2) : 0; changed = 1; }
        else if (strcmp(cmd, "stop") == 0) { *rate = -1; changed = 1; }
    }
    return changed;
}

int main(int argc, char **argv) {
    long rate = argc > 1 ? atol(argv[1]) : -1;
    long delay_ms = argc > 2 ? atol(argv[2]) : 0;
    for (size_t i = 0; i < FLAT_LINES; i++) {
        char *p = buf + i * LINE_TOTAL;
        memset(p, 'x', LINE_BYTES);
        p[10] = ' ';
        p[30] = ' ';
        p[LINE_BYTES] = '\n';
    }
    if (rate >= 0 && delay_ms > 0) usleep((useconds_t)delay_ms * 1000);

    int64_t start = now_ns();        /* the paced schedule: line k is due at start + k / rate */
    uint64_t sent = 0;
    int64_t last_write = 0;
    for (;;) {
        struct pollfd pfd = { .fd = 0, .events = POLLIN };
        int64_t wait_ns;             /* how long to wait for stdin before producing again */
        if (rate < 0) wait_ns = -1;                        /* idle: only commands */
        else if (rate == 0) wait_ns = 0;                   /* flat out: just peek */
        else {
            /* Next batch: when the next line is due, but no sooner than 1 ms after the last batch,
             * so that rates above 1000/s go out in batches rather than one write per line. */
            int64_t due = start + (int64_t)((sent * 1000000000ULL) / (uint64_t)rate);
            if (rate > 1000 && due < last_write + 1000000) due = last_write + 1000000;
            wait_ns = due - now_ns();
            if (wait_ns < 0) wait_ns = 0;
        }
        if (stdin_open) {
            struct timespec ts, *tsp = NULL;
            if (wait_ns >= 0) { ts.tv_sec = wait_ns / 1000000000LL; ts.tv_nsec = wait_ns % 1000000000LL; tsp = &ts; }
            int p = ppoll(&pfd, 1, tsp, NULL);
            if (p > 0) {
                if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL) && !(pfd.revents & POLLIN)) {
                    stdin_open = 0;
                    if (rate < 0) exit(0);
                } else if (read_commands(&rate)) { start = now_ns(); sent = 0; }
                continue;            /* re-evaluate the schedule */
            }
        } else if (rate < 0) {
            pause();                 /* nothing can ever start us: wait for the signal that ends us */
        } else if (wait_ns > 0) {
            struct timespec ts = { wait_ns / 1000000000LL, wait_ns % 1000000000LL };
            nanosleep(&ts, NULL);
        }
        if (rate < 0) continue;
        int64_t t = now_ns();
        size_t n;
        if (rate == 0) n = FLAT_LINES;
        else {
            /* Everything due by now, in one write (at 500/s: one line every 2 ms); capped at one
             * buffer. A producer that falls behind (blocked on a full pipe) catches up in batches. */
            uint64_t due_count = (uint64_t)(((t - start) * (__int128)rate) / 1000000000LL) + 1;
            n = due_count > sent ? (size_t)(due_count - sent) : 0;
            if (n > FLAT_LINES) n = FLAT_LINES;
            if (n == 0) continue;
        }
        last_write = now_ns();
        write_all(fill(n, last_write));
        sent += n;
    }
}
