package io.procsocket.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a program as the leader of a new session and process group. Java cannot call setsid(2)
 * between fork and exec, so the util-linux {@code setsid} program does it and then execs the real
 * program in place: the pid Java sees is the program's own pid and its group id.
 */
public final class ProcessGroupLauncher {
    private static final List<Path> SETSID_CANDIDATES = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private final String setsid;

    private ProcessGroupLauncher(String setsid) {
        this.setsid = setsid;
    }

    /** Finds setsid once at startup; a server that cannot isolate children must say so before serving. */
    public static ProcessGroupLauncher create() {
        for (Path candidate : SETSID_CANDIDATES) {
            if (Files.isExecutable(candidate)) {
                return new ProcessGroupLauncher(candidate.toString());
            }
        }
        throw new IllegalStateException("setsid (util-linux) not found in /usr/bin or /bin; it is needed to "
                + "give every child its own process group");
    }

    public ChildProcess launch(List<String> command, Map<String, String> environment) throws IOException {
        List<String> argv = new ArrayList<>(command.size() + 2);
        argv.add(setsid);
        // -w: should setsid ever have to fork, it still waits and reports the program's exit status.
        argv.add("-w");
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ChildProcess(builder.start());
    }
}
