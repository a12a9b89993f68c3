package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --shared and its options: parsed in the one place flags are, each bad value one line. */
class SharedFlagsTest {
    private static Config.Shared shared(String... args) throws UsageException {
        return TesterFlags.parse(Path.of("/"), args).shared();
    }

    private static String refused(String... args) {
        return TesterFlags.refused(Path.of("/"), args);
    }

    @Test
    void withoutTheFlagNothingIsShared() throws UsageException {
        assertEquals(Config.Shared.OFF, shared());
        assertFalse(shared().enabled());
    }

    @Test
    void defaults() throws UsageException {
        Config.Shared s = shared("--shared");
        assertTrue(s.enabled());
        assertEquals(Config.SharedInput.ALL, s.input());
        assertEquals(0, s.lingerMs());
        assertFalse(s.always());
        assertEquals(0, s.replay());
        assertEquals(1 << 20, s.queueBytes());
        assertEquals(0, s.maxClients());
        assertNull(s.bus());
    }

    @Test
    void everyOptionIsRead() throws UsageException {
        Config.Shared s = shared("--shared", "--shared-input=none", "--shared-linger=250", "--shared-always",
                "--shared-replay=10", "--shared-queue=4096", "--maxclients=7", "--shared-bus=redis://127.0.0.1:6379/2");
        assertEquals(new Config.Shared(true, Config.SharedInput.NONE, 250, true, 10, 4096, 7,
                "redis://127.0.0.1:6379/2"), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--shared-input=none", "--shared-linger=1", "--shared-always", "--shared-replay=1",
            "--shared-queue=1", "--maxclients=1", "--shared-bus=redis://h:1"})
    void optionsNeedShared(String flag) {
        String name = flag.substring(2, flag.contains("=") ? flag.indexOf('=') : flag.length());
        assertEquals("--" + name + " needs --shared", refused(flag));
    }

    @Test
    void badValuesAreRefused() {
        assertTrue(refused("--shared", "--shared-input=some").contains("all or none"));
        assertTrue(refused("--shared", "--shared-queue=0").contains("--shared-queue"));
        assertTrue(refused("--shared", "--shared-linger=-1").contains("--shared-linger"));
        assertTrue(refused("--shared", "--shared-replay=lots").contains("--shared-replay"));
        assertTrue(refused("--shared", "--maxclients=-3").contains("--maxclients"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://h:1", "redis://", "redis:///0", "redis://h:1/x", "redis://h:1/0?x=1", "redis h"})
    void badBusUrlsAreRefused(String url) {
        assertTrue(refused("--shared", "--shared-bus=" + url).contains("--shared-bus"), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "redis://:secret@h:6380/3", "rediss://user:pw@h:6379", "redis://h"})
    void busUrlsAsRedisClientsTakeThem(String url) throws UsageException {
        assertEquals(url, shared("--shared", "--shared-bus=" + url).bus());
    }
}
