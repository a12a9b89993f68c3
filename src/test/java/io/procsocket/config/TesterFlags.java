package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Flags followed by the command "cat", parsed as the launcher parses them, for the flag tests. */
final class TesterFlags {
    static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    private TesterFlags() { }

    static Config parse(Path workingDir, String... flags) throws UsageException {
        return CommandLine.parse(withCommand(flags), ENV, workingDir).config();
    }

    /** The one line a refused command line gets (a second line fails the test). */
    static String refused(Path workingDir, String... flags) {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(withCommand(flags), ENV, workingDir));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static List<String> withCommand(String... flags) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.add("cat");
        return all;
    }
}
