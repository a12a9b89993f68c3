package io.procsocket.process.portable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.procsocket.process.LaunchFailure;
import io.procsocket.process.portable.CommandResolver.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a command's program is found before it starts. Windows' rules are checked here on any system with a file
 * system given as a map (they cannot run on this machine; the README says the backend is untested on Windows).
 */
class CommandResolverTest {
    private static CommandResolver.FileCheck files(Map<String, Kind> present) {
        return path -> present.getOrDefault(path, Kind.MISSING);
    }

    @Test
    void unixNameWithASlashIsTakenAsGivenAndArgumentsFollow() throws Exception {
        assertEquals(List.of("./count.sh", "--fast"), CommandResolver.unix(List.of("./count.sh", "--fast"), "/usr/bin",
                files(Map.of("./count.sh", Kind.EXECUTABLE))));
    }

    @Test
    void unixBareNameIsTheFirstExecutableAlongPath() throws Exception {
        CommandResolver.FileCheck fs = files(Map.of("/opt/bin/cat", Kind.NOT_EXECUTABLE, "/usr/bin/cat", Kind.EXECUTABLE,
                "/bin/cat", Kind.EXECUTABLE));
        assertEquals(List.of("/usr/bin/cat", "-u"), CommandResolver.unix(List.of("cat", "-u"), "/opt/bin:/usr/bin:/bin", fs));
    }

    @Test
    void unixEmptyPathEntryIsTheCurrentDirectoryWrittenSoItCannotLookLikeAnOption() throws Exception {
        assertEquals(List.of("./-tool"), CommandResolver.unix(List.of("-tool"), "/usr/bin::/bin",
                files(Map.of("./-tool", Kind.EXECUTABLE))));
        assertEquals(List.of("./-dir/tool"), CommandResolver.unix(List.of("-dir/tool"), "/usr/bin",
                files(Map.of("-dir/tool", Kind.EXECUTABLE))));
    }

    @Test
    void unixWithoutPathSearchesGlibcsDefault() throws Exception {
        assertEquals(List.of("/usr/bin/env"), CommandResolver.unix(List.of("env"), null,
                files(Map.of("/usr/bin/env", Kind.EXECUTABLE))));
    }

    @Test
    void unixMissingIsEnoentAndOnlyUnrunnableMatchesIsEacces() {
        LaunchFailure missing = assertThrows(LaunchFailure.class,
                () -> CommandResolver.unix(List.of("nosuch"), "/usr/bin:/bin", files(Map.of())));
        assertEquals("ENOENT", missing.errnoName());
        assertEquals("Cannot run program \"nosuch\": error=2, No such file or directory", missing.getMessage());
        LaunchFailure denied = assertThrows(LaunchFailure.class, () -> CommandResolver.unix(List.of("tool"), "/usr/bin",
                files(Map.of("/usr/bin/tool", Kind.NOT_EXECUTABLE))));
        assertEquals("EACCES", denied.errnoName());
        LaunchFailure notRunnable = assertThrows(LaunchFailure.class, () -> CommandResolver.unix(List.of("/etc/passwd"),
                "/usr/bin", files(Map.of("/etc/passwd", Kind.NOT_EXECUTABLE))));
        assertEquals("EACCES", notRunnable.errnoName());
    }

    @Test
    void unixScriptWhoseInterpreterIsMissingIsEnoentLikeTheKernelSays() {
        CommandResolver.FileCheck fs = new CommandResolver.FileCheck() {
            @Override
            public Kind kind(String path) {
                return path.equals("/srv/broken.sh") ? Kind.EXECUTABLE : Kind.MISSING;
            }

            @Override
            public String interpreter(String path) {
                return CommandResolver.shebang("#! /nonexistent/interpreter -e\necho hi\n");
            }
        };
        LaunchFailure e = assertThrows(LaunchFailure.class, () -> CommandResolver.unix(List.of("/srv/broken.sh"), null, fs));
        assertEquals("ENOENT", e.errnoName());
        assertEquals("Cannot run program \"/srv/broken.sh\": error=2, No such file or directory", e.getMessage());
    }

    @Test
    void shebangNamesTheInterpreterOnly() {
        assertEquals("/bin/sh", CommandResolver.shebang("#!/bin/sh\n"));
        assertEquals("/usr/bin/env", CommandResolver.shebang("#! /usr/bin/env  python3\n"));
        assertEquals(null, CommandResolver.shebang("echo no shebang\n"));
        assertEquals(null, CommandResolver.shebang("#!\n"));
    }

    @Test
    void windowsTriesEachPathextInTheCurrentDirectoryFirstThenPath() throws Exception {
        CommandResolver.FileCheck fs = files(Map.of("C:\\Tools\\count.exe", Kind.EXECUTABLE,
                "count.com", Kind.EXECUTABLE));
        assertEquals(List.of("count.com", "5"), CommandResolver.windows(List.of("count", "5"), "C:\\Tools",
                null, null, fs));
        CommandResolver.FileCheck onPath = files(Map.of("C:\\Tools\\count.exe", Kind.EXECUTABLE));
        assertEquals(List.of("C:\\Tools\\count.exe"), CommandResolver.windows(List.of("count"),
                "C:\\Windows;C:\\Tools\\", ".EXE;.BAT", null, onPath));
    }

    @Test
    void windowsBatchFilesRunThroughCmdC() throws Exception {
        CommandResolver.FileCheck fs = files(Map.of("C:\\Scripts\\greet.cmd", Kind.EXECUTABLE,
                "run.bat", Kind.EXECUTABLE));
        assertEquals(List.of("C:\\Windows\\system32\\cmd.exe", "/c", "C:\\Scripts\\greet.cmd", "world"),
                CommandResolver.windows(List.of("greet", "world"), "C:\\Scripts", null, "C:\\Windows\\system32\\cmd.exe", fs));
        assertEquals(List.of("cmd.exe", "/c", "run.bat"),
                CommandResolver.windows(List.of("run.bat"), null, null, null, fs), "named with its extension, no ComSpec");
    }

    @Test
    void windowsNameWithADirectoryIsNotSearchedAlongPath() {
        CommandResolver.FileCheck fs = files(Map.of("C:\\Tools\\count.exe", Kind.EXECUTABLE));
        LaunchFailure e = assertThrows(LaunchFailure.class,
                () -> CommandResolver.windows(List.of(".\\count"), "C:\\Tools", null, null, fs));
        assertEquals("ENOENT", e.errnoName());
    }
}
