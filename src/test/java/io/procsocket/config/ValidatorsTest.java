package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorsTest {
    @Test
    void portRangeIsInclusive() throws UsageException {
        assertEquals(0, Validators.port("port", "0"));
        assertEquals(65535, Validators.port("port", "65535"));
        assertThrows(UsageException.class, () -> Validators.port("port", "65536"));
        assertThrows(UsageException.class, () -> Validators.port("port", "99999999999"));
    }

    @Test
    void nonNegativeIntAcceptsZero() throws UsageException {
        assertEquals(0, Validators.nonNegativeInt("closems", "0"));
        assertThrows(UsageException.class, () -> Validators.nonNegativeInt("closems", "-5"));
    }

    @Test
    void boolTakesGoStyleSpellings() throws UsageException {
        for (String t : List.of("true", "1", "t", "T", "TRUE", "True")) {
            assertTrue(Validators.bool("binary", t), t);
        }
        for (String f : List.of("false", "0", "f", "F", "FALSE", "False")) {
            assertFalse(Validators.bool("binary", f), f);
        }
        UsageException e = assertThrows(UsageException.class, () -> Validators.bool("binary", "yes"));
        assertTrue(e.getMessage().contains("--binary"));
    }

    @Test
    void ipv6AddressesNeedBrackets() throws UsageException {
        assertEquals("::1", Validators.address("[::1]"));
        assertEquals("fe80::1%lo", Validators.address("[fe80::1%lo]"));
        assertEquals("localhost", Validators.address("localhost"));
        assertTrue(assertThrows(UsageException.class, () -> Validators.address("fe80::1")).getMessage()
                .contains("[fe80::1]"));
    }

    @Test
    void envNamesMustBeShellNames() throws UsageException {
        assertEquals(List.of("A", "_b1"), Validators.envNames("A,,_b1,"));
        assertThrows(UsageException.class, () -> Validators.envNames("A,1B"));
        assertThrows(UsageException.class, () -> Validators.envNames("A=B"));
    }

    @Test
    void everyLogLevelNameParses() throws UsageException {
        for (LogLevel l : LogLevel.values()) {
            assertEquals(l, Validators.logLevel(l.label()));
        }
    }
}
