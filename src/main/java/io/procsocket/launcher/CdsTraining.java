package io.procsocket.launcher;

import io.procsocket.config.CommandLine;
import io.procsocket.config.Config;
import io.procsocket.log.StandaloneLogging;
import io.procsocket.server.StandaloneServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The training run of {@code bin/procsocket}'s class-data-sharing archive, under
 * {@code -XX:ArchiveClassesAtExit}: what a first connection loads, once, so that later starts map those classes
 * instead of loading them. A server on an ephemeral loopback port bridging {@code cat}, one WebSocket client
 * (the JDK's) sending a line and reading it back, a normal close, then exit: the JVM writes the archive as it
 * exits. Every wait is bounded; anything unexpected is one line and status 1 (the script then runs without one).
 */
public final class CdsTraining {
    private static final long WAIT_SECONDS = 20;
    private static final String LINE = "procsocket";

    private CdsTraining() { }

    public static void main(String[] args) {
        int status;
        try {
            status = train();
        } catch (Exception e) {
            System.err.println("procsocket: class-data-sharing training failed: " + e);
            status = 1;
        }
        System.exit(status);
    }

    private static int train() throws Exception {
        // The launcher's own first steps (its command line, its info flags), as a real start takes them.
        java.io.PrintStream nowhere = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        Main.run(new String[] {"--version"}, nowhere, nowhere);
        CommandLine.Parsed parsed = CommandLine.parse(List.of("--port=0", "--address=127.0.0.1", "--loglevel=error",
                "cat"), System.getenv(), Path.of("").toAbsolutePath());
        Config config = parsed.config();
        StandaloneLogging.install(config.logLevel(), config.logFormat(), System.out);
        try (StandaloneServer server = StandaloneServer.start(config)) {
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(4);
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            lines.offer(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closed.completeExceptionally(error);
                        }
                    }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ws.sendText(LINE, true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            String echoed = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (!LINE.equals(echoed)) {
                System.err.println("procsocket: class-data-sharing training: cat answered " + echoed);
                return 1;
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT_SECONDS, TimeUnit.SECONDS);
            closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        return 0;
    }
}
