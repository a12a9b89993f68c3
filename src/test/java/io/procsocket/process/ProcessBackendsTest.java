package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which backend runs, and why: the rule alone, with stand-in backends (starting a real one is their own tests'). */
class ProcessBackendsTest {
    private final ProcessBackend nativeOne = new Named("native");
    private final ProcessBackend portableOne = new Named("portable");
    private final Supplier<ProcessBackend> loads = () -> nativeOne;
    private final Supplier<ProcessBackend> cannotLoad = () -> {
        throw new UnsupportedOperationException("Procsocket runs children on 64-bit Linux only (this is Mac OS X aarch64)");
    };
    private final Supplier<ProcessBackend> jnaMissing = () -> {
        throw new UnsatisfiedLinkError("Unable to load library 'c':\nlong JNA details");
    };

    @Test
    void withoutThePropertyNativeWhereItLoads() {
        ProcessBackends.Choice c = ProcessBackends.choose(null, loads, () -> portableOne);
        assertSame(nativeOne, c.backend());
        assertEquals("it loads here", c.reason());
    }

    @Test
    void withoutThePropertyPortableWhereNativeCannotLoadAndTheReasonIsKept() {
        ProcessBackends.Choice c = ProcessBackends.choose("", cannotLoad, () -> portableOne);
        assertSame(portableOne, c.backend());
        assertEquals("the native backend cannot load: Procsocket runs children on 64-bit Linux only (this is Mac OS X aarch64)",
                c.reason());
        ProcessBackends.Choice linkage = ProcessBackends.choose(null, jnaMissing, () -> portableOne);
        assertSame(portableOne, linkage.backend());
        assertEquals("the native backend cannot load: Unable to load library 'c':", linkage.reason(), "one line");
    }

    @Test
    void forcedPortableNeverTriesNative() {
        ProcessBackends.Choice c = ProcessBackends.choose(" Portable ", () -> {
            throw new AssertionError("native must not be started");
        }, () -> portableOne);
        assertSame(portableOne, c.backend());
        assertEquals("forced by -Dprocsocket.processes=portable", c.reason());
    }

    @Test
    void forcedNativeThatCannotLoadFailsWithOneLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProcessBackends.choose("native", jnaMissing, () -> portableOne));
        assertEquals("the native backend cannot load: Unable to load library 'c':", e.getMessage());
        assertSame(nativeOne, ProcessBackends.choose("native", loads, () -> portableOne).backend());
    }

    @Test
    void anyOtherValueIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessBackends.choose("jna", loads, () -> portableOne));
        assertEquals("-Dprocsocket.processes must be native or portable, not 'jna'", e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1);
    }

    /** Starts nothing. */
    private static final class Named implements ProcessBackend {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return name;
        }

        @Override
        public ChildProcess launch(List<String> command, Map<String, String> environment, StdinBacklog backlog)
                throws IOException {
            throw new IOException("a stand-in starts nothing");
        }

        @Override
        public void connectionOpened(String id) {
        }

        @Override
        public void connectionEnded(String id) {
        }

        @Override
        public void prepareForShutdown() {
        }

        @Override
        public void close() {
        }

        @Override
        public void release() {
        }
    }
}
