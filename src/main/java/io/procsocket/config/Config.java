package io.procsocket.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the gateway needs to know, fixed at startup. Built only by {@link CommandLine}
 * (from CLI flags standalone, or from the same flags as one string inside a servlet container).
 *
 * @param port          listen port (standalone only)
 * @param addresses     bind addresses; empty means all interfaces
 * @param command       absolute path of the program followed by its arguments; empty with --dir
 * @param scriptDir     --dir: every executable below it at its own path, or null
 * @param binary        raw byte chunks both ways instead of lines
 * @param passEnv       parent environment variables handed to children, already resolved
 * @param closeMs       added to every wait of the kill sequence
 * @param maxForks      most children at once; 0 = unlimited
 * @param maxFrameSize  largest incoming message in bytes; 0 = unlimited
 * @param logLevel      lowest level written
 * @param devConsole    serve the console page on plain GETs
 */
public record Config(
        int port,
        List<String> addresses,
        List<String> command,
        Path scriptDir,
        boolean binary,
        List<EnvVar> passEnv,
        long closeMs,
        int maxForks,
        int maxFrameSize,
        LogLevel logLevel,
        boolean devConsole) {

    public static final int DEFAULT_PORT = 80;
    public static final int DEFAULT_MAX_FORKS = 1024;
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    public static final List<String> DEFAULT_PASSENV = List.of("PATH", "LD_LIBRARY_PATH");

    /** One parent variable passed through to children. */
    public record EnvVar(String name, String value) { }

    public Config {
        addresses = List.copyOf(addresses);
        command = List.copyOf(command);
        passEnv = List.copyOf(passEnv);
    }

    public boolean usingScriptDir() {
        return scriptDir != null;
    }

    /** How the served program reads in logs: websocketd's "command args" form. */
    public String commandLabel() {
        return usingScriptDir() ? scriptDir.toString() : String.join(" ", command);
    }
}
