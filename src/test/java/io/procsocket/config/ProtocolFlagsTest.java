package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --protocol, --resume and --resume-buffer: parsed in the one place flags are, each bad value one line. */
class ProtocolFlagsTest {
    private static Config.Protocol protocol(String... args) throws UsageException {
        return TesterFlags.parse(Path.of("/"), args).protocol();
    }

    private static String refused(String... args) {
        return TesterFlags.refused(Path.of("/"), args);
    }

    @Test
    void offeredWithoutResumeByDefault() throws UsageException {
        assertEquals(Config.Protocol.OFFERED, protocol());
        assertFalse(protocol().resume());
        assertFalse(protocol().required());
    }

    @Test
    void everyOptionIsRead() throws UsageException {
        assertEquals(new Config.Protocol(true, 30000, 4096),
                protocol("--protocol=required", "--resume=30000", "--resume-buffer=4096"));
        assertEquals(new Config.Protocol(false, 5, Config.Protocol.DEFAULT_RESUME_BUFFER),
                protocol("--protocol", "offered", "--resume", "5"));
        assertTrue(protocol("--resume=1").resume());
    }

    @Test
    void badValuesAndCombinationsAreRefused() {
        assertTrue(refused("--protocol=sometimes").contains("offered or required"));
        assertTrue(refused("--resume=0").contains("--resume"));
        assertTrue(refused("--resume=-5").contains("--resume"));
        assertTrue(refused("--resume=soon").contains("--resume"));
        assertTrue(refused("--resume=100", "--resume-buffer=0").contains("--resume-buffer"));
        assertTrue(refused("--resume-buffer=100").contains("needs --resume"));
        assertTrue(refused("--shared", "--resume=100").contains("--shared"));
    }
}
