package io.procsocket.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a program the way a shell (and Go's exec.LookPath) does, so the child's argv[0] is absolute. */
public final class CommandResolver {
    private CommandResolver() { }

    public static Path resolve(String command, String pathVariable, Path workingDir) throws UsageException {
        if (command.isEmpty()) {
            throw new UsageException("the command must not be empty");
        }
        if (command.contains("/")) {
            Path candidate = workingDir.resolve(command).normalize().toAbsolutePath();
            return requireExecutable(command, candidate);
        }
        if (pathVariable != null) {
            for (String dir : pathVariable.split(":")) {
                Path candidate = workingDir.resolve(dir.isEmpty() ? "." : dir).resolve(command).normalize().toAbsolutePath();
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new UsageException("command not found: " + command);
    }

    private static Path requireExecutable(String given, Path candidate) throws UsageException {
        if (!Files.exists(candidate)) {
            throw new UsageException("command not found: " + given);
        }
        if (Files.isDirectory(candidate)) {
            throw new UsageException("command is a directory: " + given);
        }
        if (!Files.isExecutable(candidate)) {
            throw new UsageException("command is not executable: " + given + " (chmod +x it)");
        }
        return candidate;
    }
}
