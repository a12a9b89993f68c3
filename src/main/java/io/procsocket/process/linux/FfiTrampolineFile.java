package io.procsocket.process.linux;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The descriptor that the libffi inside JNA's native library keeps for its trampolines. JNA's direct
 * mapping makes every native method a libffi closure; libffi 3.4 (statically linked into each copy of
 * libjnidispatch.so) builds its trampolines from a file, and since JNA deletes the copy of the library it
 * extracted, that is a temporary file ({@code /tmp/ffiXXXXXX}, unlinked at once) opened at the first
 * closure and never closed, not even when the library is unloaded. Standalone that is one descriptor
 * for the JVM's life. In a servlet container every deployment loads its own copy of the library, so every
 * redeploy left one more {@code (deleted)} descriptor behind, after its class loader and library were
 * long gone. The file is found by what appears while libc is bound, and closed when we are undeployed.
 */
final class FfiTrampolineFile {
    private static final System.Logger LOG = System.getLogger(FfiTrampolineFile.class.getName());
    /** libffi's mkostemp template "ffiXXXXXX" in whichever temporary folder it chose, already unlinked. */
    private static final Pattern LIBFFI_TEMP_FILE = Pattern.compile(".*/ffi[^/]{6} \\(deleted\\)");
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");

    private final int fd;
    private final String target;

    private FfiTrampolineFile(int fd, String target) {
        this.fd = fd;
        this.target = target;
    }

    /**
     * Runs {@code binding} (JNA's first closure, so libffi's set-up) and returns the trampoline file
     * libffi opened meanwhile, or null if there is not exactly one: then nothing will be closed.
     */
    static FfiTrampolineFile openedBy(Runnable binding) {
        Map<Integer, String> before = libffiFiles();
        binding.run();
        Map<Integer, String> opened = libffiFiles();
        opened.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        if (opened.size() != 1) {
            LOG.log(Level.DEBUG, () -> "libffi opened " + opened + " while libc was bound; none will be closed");
            return null;
        }
        Map.Entry<Integer, String> file = opened.entrySet().iterator().next();
        return new FfiTrampolineFile(file.getKey(), file.getValue());
    }

    /**
     * Closes the descriptor, if it still is that file (its random name cannot have come back). Only once
     * nothing will allocate a closure in this copy of JNA any more; the trampolines already mapped stay
     * valid, since a mapping does not need its descriptor.
     */
    void close() {
        if (target.equals(targetOf(OWN_DESCRIPTORS.resolve(Integer.toString(fd))))) {
            LibC.close(fd);
        }
    }

    private static Map<Integer, String> libffiFiles() {
        Map<Integer, String> files = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(OWN_DESCRIPTORS)) {
            for (Path fd : fds) {
                String target = targetOf(fd);
                if (target != null && LIBFFI_TEMP_FILE.matcher(target).matches()) {
                    files.put(Integer.valueOf(fd.getFileName().toString()), target);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot list " + OWN_DESCRIPTORS, e);
        }
        return files;
    }

    private static String targetOf(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            // Closed meanwhile (the directory stream's own descriptor is one of them).
            return null;
        }
    }
}
