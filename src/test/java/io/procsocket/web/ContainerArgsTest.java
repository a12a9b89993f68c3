package io.procsocket.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.Config;
import io.procsocket.config.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerArgsTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final Path CWD = Path.of("/");

    @Test
    void contextParameterWinsOverSystemPropertyWhichWinsOverEnvironment() {
        assertEquals("context parameter procsocket.args", ContainerArgs.find("a", "b", "c").name());
        assertEquals("b", ContainerArgs.find("  ", "b", "c").value());
        assertEquals("environment variable PROCSOCKET_ARGS", ContainerArgs.find(null, "", "c").name());
        assertNull(ContainerArgs.find(null, null, " "));
    }

    @Test
    void everyContainerOwnedFlagIsRefusedNotIgnored() {
        for (String flag : List.of("--port=9000", "-port 9000", "--address=127.0.0.1", "--ssl", "--sslcert=x",
                "--sslkey=x", "--sslca=x", "--redirport=80", "--unixsocket=/tmp/s",
                // Identity is the container's too (its realms and security constraints).
                "--basicauth=x", "--realm=x", "--bearer=x", "--bearer-cookie=x", "--jwt-jwks=x", "--jwt-issuer=x",
                "--jwt-audience=x")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> ContainerArgs.parse(flag + " cat", ENV, CWD), flag);
            assertTrue(e.getMessage().contains("belongs to the servlet container"), e.getMessage());
        }
    }

    @Test
    void theAuthorizeHookWorksInAContainerToo() throws Exception {
        assertEquals(List.of("/bin/true"), ContainerArgs.parse("--authorize=/bin/true cat", ENV, CWD).auth()
                .authorize());
    }

    @Test
    void containerFlagAfterAFlagWithASeparateValueIsStillRefused() {
        UsageException e = assertThrows(UsageException.class,
                () -> ContainerArgs.parse("--passenv HOME --port=9000 cat", ENV, CWD));
        assertTrue(e.getMessage().contains("--port belongs to the servlet container"), e.getMessage());
    }

    @Test
    void aContainerFlagNameAfterTheCommandIsTheProgramsOwnArgument() throws UsageException {
        Config config = ContainerArgs.parse("--binary cat --port=1", ENV, CWD);
        assertEquals(List.of("/usr/bin/cat", "--port=1"), config.command());
        assertTrue(config.binary());
    }

    @Test
    void jsonLogsAreTheContainersBusinessNotOurs() throws Exception {
        // The container's handlers format our records: --logformat=json would not take effect, so it is refused.
        UsageException e = assertThrows(UsageException.class, () -> ContainerArgs.parse("--logformat=json cat", ENV, CWD));
        assertTrue(e.getMessage().startsWith("--logformat=json has no effect inside a servlet container"), e.getMessage());
        assertEquals(List.of("/usr/bin/cat"), ContainerArgs.parse("--logformat=text cat", ENV, CWD).command());
    }

    @Test
    void helpHasNoMeaningInAContainer() {
        assertThrows(UsageException.class, () -> ContainerArgs.parse("--help", ENV, CWD));
    }
}
