package io.procsocket.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What /proc says about a pid: a process that is gone or only a zombie no longer runs anything. */
public final class Procs {
    private Procs() { }

    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": the state follows the last ')' (comm may itself contain ')').
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    public static void awaitGone(long pid, Duration limit) {
        Bounded.await("pid " + pid + " gone", limit, () -> !running(pid));
    }

    /** Reads a pid a script wrote to {@code file}, waiting until it is there. */
    public static long readPid(Path file) throws IOException {
        Bounded.await(file + " written", Duration.ofSeconds(10), () -> {
            try {
                return Files.exists(file) && Files.readString(file).trim().matches("\\d+");
            } catch (IOException e) {
                return false;
            }
        });
        return Long.parseLong(Files.readString(file).trim());
    }
}
