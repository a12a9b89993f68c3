package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAR laid out for a class-data-sharing archive, with no server: only jars, in the Boot loader's order. */
class ExplodedWarTest {
    @TempDir
    Path dir;

    @Test
    void classesBecomeOneJarAndLibrariesKeepTheIndexOrder() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("org/springframework/boot/loader/Launcher.class", bytes("loader"));
        entries.put("WEB-INF/classes/", new byte[0]);
        entries.put("WEB-INF/classes/io/x/A.class", bytes("A"));
        entries.put("WEB-INF/classes/io/x/page.html", bytes("<p>"));
        entries.put("WEB-INF/lib/b.jar", bytes("b-jar"));
        entries.put("WEB-INF/lib-provided/a.jar", bytes("a-jar"));
        entries.put("WEB-INF/lib/unlisted.jar", bytes("not on the class path"));
        entries.put("WEB-INF/classpath.idx", bytes("- \"WEB-INF/lib-provided/a.jar\"\n- \"WEB-INF/lib/b.jar\"\n"));
        Path out = dir.resolve("out");

        ExplodedWar.explode(war(entries), out);

        assertEquals(List.of("procsocket-classes.jar", "lib/a.jar", "lib/b.jar"),
                Files.readAllLines(out.resolve(ExplodedWar.CLASSPATH_FILE)));
        assertArrayEquals(bytes("a-jar"), Files.readAllBytes(out.resolve("lib/a.jar")));
        try (JarFile classes = new JarFile(out.resolve("procsocket-classes.jar").toFile())) {
            assertArrayEquals(bytes("A"), classes.getInputStream(classes.getEntry("io/x/A.class")).readAllBytes());
            assertTrue(classes.getEntry("io/x/page.html") != null, "resources go with the classes");
            assertEquals(null, classes.getEntry("org/springframework/boot/loader/Launcher.class"),
                    "the loader is not on the exploded class path");
        }
        assertTrue(Files.notExists(out.resolve("lib/unlisted.jar")));
    }

    @Test
    void aZipThatIsNotOurWarIsRefusedWithItsReason() throws Exception {
        IOException e = assertThrows(IOException.class,
                () -> ExplodedWar.explode(war(Map.of("a.txt", bytes("a"))), dir.resolve("out")));
        assertTrue(e.getMessage().contains("no WEB-INF/classpath.idx"), e.getMessage());
    }

    @Test
    void anIndexNamingAMissingJarIsRefused() throws Exception {
        IOException e = assertThrows(IOException.class, () -> ExplodedWar.explode(
                war(Map.of("WEB-INF/classpath.idx", bytes("- \"WEB-INF/lib/gone.jar\"\n"))), dir.resolve("out")));
        assertTrue(e.getMessage().contains("WEB-INF/lib/gone.jar"), e.getMessage());
    }

    private Path war(Map<String, byte[]> entries) throws IOException {
        Path war = Files.createTempFile(dir, "test", ".war");
        try (OutputStream file = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(file)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return war;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
