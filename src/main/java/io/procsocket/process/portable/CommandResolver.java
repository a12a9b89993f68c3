package io.procsocket.process.portable;

import io.procsocket.process.LaunchFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the program a command names, before anything is started, as the system itself would: on Unix as
 * posix_spawnp does (a name with a slash as given, otherwise the first executable file of that name along the
 * server's PATH), on Windows as cmd.exe does (the directory of the server first, then PATH, trying each PATHEXT
 * extension), with .bat and .cmd files run through {@code cmd /c}. Resolving here, not in the child, keeps a
 * program that cannot be found a launch failure (ENOENT, EACCES) rather than a program that exits 127, and keeps
 * the lookup on the server's PATH whatever PATH the child's rebuilt environment carries.
 */
final class CommandResolver {
    /** What a path names, as far as starting it goes. */
    enum Kind { MISSING, NOT_EXECUTABLE, EXECUTABLE }

    /** Asks the file system; tests give their own to check Windows' rules on any system. */
    @FunctionalInterface
    interface FileCheck {
        Kind kind(String path);

        /** The interpreter a script names on its {@code #!} line, or null if it has none. */
        default String interpreter(String path) {
            return null;
        }
    }

    /** Most of a {@code #!} line the kernel reads (BINPRM_BUF_SIZE). */
    private static final int SHEBANG_BYTES = 256;

    /** The real file system: directories and files without the execute permission cannot be run. */
    static final FileCheck FILES = new FileCheck() {
        @Override
        public Kind kind(String path) {
            try {
                Path p = Path.of(path);
                if (!Files.isRegularFile(p)) {
                    return Files.exists(p) ? Kind.NOT_EXECUTABLE : Kind.MISSING;
                }
                return Files.isExecutable(p) ? Kind.EXECUTABLE : Kind.NOT_EXECUTABLE;
            } catch (InvalidPathException e) {
                return Kind.MISSING;
            }
        }

        @Override
        public String interpreter(String path) {
            byte[] head = new byte[SHEBANG_BYTES];
            int n;
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                n = in.readNBytes(head, 0, head.length);
            } catch (IOException | InvalidPathException e) {
                return null;
            }
            return shebang(new String(head, 0, n, StandardCharsets.ISO_8859_1));
        }
    };

    /** The interpreter of a {@code #!} line ("#! /bin/sh -e" names /bin/sh), or null. */
    static String shebang(String head) {
        if (!head.startsWith("#!")) {
            return null;
        }
        int end = head.indexOf('\n');
        String line = (end < 0 ? head.substring(2) : head.substring(2, end)).strip();
        String interpreter = line.split("[ \t]", 2)[0];
        return interpreter.isEmpty() ? null : interpreter;
    }

    /** glibc's PATH when there is none (confstr _CS_PATH). */
    static final String DEFAULT_UNIX_PATH = "/bin:/usr/bin";
    static final String DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD";

    private CommandResolver() { }

    /**
     * Unix: the command with its first word replaced by the program's path. A name found through an empty PATH
     * entry (the current directory) becomes {@code ./name}, so that no program path can start with '-' and be
     * taken for an option by a wrapper such as setsid.
     */
    static List<String> unix(List<String> command, String path, FileCheck files) throws LaunchFailure {
        String name = command.get(0);
        String program;
        if (name.contains("/")) {
            program = checked(name, files.kind(name), name);
        } else {
            program = search(name, path == null ? DEFAULT_UNIX_PATH : path, ":", "/", files);
        }
        if (program.startsWith("-")) {
            program = "./" + program;
        }
        // The kernel's own check when it runs a script, made here: behind setsid(1) a missing interpreter would be
        // setsid's exit status 127, not the launch failure (ENOENT) a program of the native backend reports.
        String interpreter = files.interpreter(program);
        if (interpreter != null && interpreter.startsWith("/")) {
            checked(interpreter, files.kind(interpreter), name);
        }
        return withProgram(command, List.of(program));
    }

    /**
     * Windows: the command with its first word replaced by the program's path, and for a batch file
     * {@code cmd.exe /c} in front (CreateProcess runs only executables). {@code comSpec} is %ComSpec%.
     */
    static List<String> windows(List<String> command, String path, String pathExt, String comSpec, FileCheck files)
            throws LaunchFailure {
        String name = command.get(0);
        List<String> extensions = extensions(pathExt);
        List<String> candidates = new ArrayList<>();
        boolean hasExtension = extensions.stream().anyMatch(e -> name.toUpperCase(Locale.ROOT).endsWith(e));
        if (hasExtension) {
            candidates.add(name);
        } else {
            for (String e : extensions) {
                candidates.add(name + e.toLowerCase(Locale.ROOT));
            }
        }
        boolean hasDirectory = name.contains("\\") || name.contains("/") || name.contains(":");
        List<String> dirs = new ArrayList<>();
        dirs.add("");
        if (!hasDirectory && path != null) {
            for (String d : path.split(";")) {
                if (!d.isBlank()) {
                    dirs.add(d.endsWith("\\") || d.endsWith("/") ? d : d + "\\");
                }
            }
        }
        for (String dir : dirs) {
            for (String candidate : candidates) {
                if (files.kind(dir + candidate) != Kind.MISSING) {
                    String program = dir + candidate;
                    String lower = program.toLowerCase(Locale.ROOT);
                    if (lower.endsWith(".bat") || lower.endsWith(".cmd")) {
                        String shell = comSpec == null || comSpec.isBlank() ? "cmd.exe" : comSpec;
                        return withProgram(command, List.of(shell, "/c", program));
                    }
                    return withProgram(command, List.of(program));
                }
            }
        }
        throw notFound(name);
    }

    private static List<String> extensions(String pathExt) {
        List<String> out = new ArrayList<>();
        for (String e : (pathExt == null || pathExt.isBlank() ? DEFAULT_PATHEXT : pathExt).split(";")) {
            if (e.startsWith(".") && e.length() > 1) {
                out.add(e.toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** posix_spawnp's search: the first executable wins; only files that cannot be run found is EACCES. */
    private static String search(String name, String path, String listSeparator, String dirSeparator,
                                 FileCheck files) throws LaunchFailure {
        boolean denied = false;
        for (String dir : path.split(listSeparator, -1)) {
            String candidate = dir.isEmpty() ? "./" + name
                    : dir.endsWith(dirSeparator) ? dir + name : dir + dirSeparator + name;
            Kind kind = files.kind(candidate);
            if (kind == Kind.EXECUTABLE) {
                return candidate;
            }
            denied |= kind == Kind.NOT_EXECUTABLE;
        }
        if (denied) {
            throw denied(name);
        }
        throw notFound(name);
    }

    private static String checked(String program, Kind kind, String name) throws LaunchFailure {
        if (kind == Kind.MISSING) {
            throw notFound(name);
        }
        if (kind == Kind.NOT_EXECUTABLE) {
            throw denied(name);
        }
        return program;
    }

    private static List<String> withProgram(List<String> command, List<String> program) {
        List<String> out = new ArrayList<>(program);
        out.addAll(command.subList(1, command.size()));
        return out;
    }

    private static LaunchFailure notFound(String name) {
        return new LaunchFailure("Cannot run program \"" + name + "\"", LaunchFailure.ENOENT, "No such file or directory");
    }

    private static LaunchFailure denied(String name) {
        return new LaunchFailure("Cannot run program \"" + name + "\"", LaunchFailure.EACCES, "Permission denied");
    }
}
