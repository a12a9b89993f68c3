package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile copies only what .dockerignore lets into the build context (no Docker engine runs here, so
 * this is the check that `docker build` would not stop at a COPY of an excluded file).
 */
class DockerBuildContextTest {
    @Test
    void everyFileTheDockerfileCopiesIsInTheBuildContext() throws Exception {
        List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", ignore.get(0), "the context starts empty and names what goes in");
        List<String> allowed = ignore.stream().skip(1).map(l -> {
            assertTrue(l.startsWith("!"), "only exceptions after '*': " + l);
            String path = l.substring(1);
            return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }).toList();
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("COPY") && !words[1].startsWith("--from=")) {
                for (int i = 1; i < words.length - 1; i++) {
                    sources.add(words[i]);
                }
            }
        }
        assertFalse(sources.isEmpty(), "the Dockerfile copies something from the context");
        for (String source : sources) {
            String s = source.startsWith("./") ? source.substring(2) : source;
            assertTrue(allowed.stream().anyMatch(a -> s.equals(a) || s.startsWith(a + "/")),
                    "COPY " + source + " is excluded by .dockerignore " + allowed);
            assertTrue(Files.exists(Path.of(s)), source + " exists");
        }
    }
}
