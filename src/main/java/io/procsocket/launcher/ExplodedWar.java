package io.procsocket.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The WAR's classes on a plain class path, for {@code bin/procsocket}'s class-data-sharing archive: the JVM
 * cannot archive classes that the Spring Boot loader reads out of nested jars, nor classes from a directory,
 * so WEB-INF/classes becomes one jar and the libraries are copied out as they are. Written by
 * {@code java -Dprocsocket.explodeTo=DIR -jar procsocket.war} (the WAR is then the JVM's whole class path), so
 * the script needs no unzip and no JDK tools, only the JRE it runs on.
 */
final class ExplodedWar {
    static final String PROPERTY = "procsocket.explodeTo";
    /**
     * The class path, one entry per line relative to the directory (the script renames it into place), in the
     * order the Spring Boot loader uses (WEB-INF/classpath.idx).
     */
    static final String CLASSPATH_FILE = "classpath";
    private static final String CLASSES = "WEB-INF/classes/";
    private static final String INDEX = "WEB-INF/classpath.idx";

    private ExplodedWar() { }

    /** Writes {@code dir}/procsocket-classes.jar, {@code dir}/lib/*.jar and {@code dir}/classpath from {@code war}. */
    static void explode(Path war, Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        Path classesJar = dir.resolve("procsocket-classes.jar");
        classPath.add(classesJar.getFileName().toString());
        try (ZipFile zip = new ZipFile(war.toFile())) {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(classesJar))) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                    ZipEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(CLASSES) && name.length() > CLASSES.length()) {
                        out.putNextEntry(new JarEntry(name.substring(CLASSES.length())));
                        if (!entry.isDirectory()) {
                            copy(zip, entry, out);
                        }
                        out.closeEntry();
                    }
                }
            }
            for (String jar : indexedJars(zip)) {
                ZipEntry entry = zip.getEntry(jar);
                if (entry == null) {
                    throw new IOException(war + ": " + INDEX + " names " + jar + ", which is not in the WAR");
                }
                Path target = lib.resolve(Path.of(jar).getFileName().toString());
                try (OutputStream out = Files.newOutputStream(target)) {
                    copy(zip, entry, out);
                }
                classPath.add("lib/" + target.getFileName());
            }
        }
        Files.write(dir.resolve(CLASSPATH_FILE), classPath, StandardCharsets.UTF_8);
    }

    /** The jars of Spring Boot's index ({@code - "WEB-INF/lib/x.jar"} lines), in its order. */
    private static List<String> indexedJars(ZipFile zip) throws IOException {
        ZipEntry index = zip.getEntry(INDEX);
        if (index == null) {
            throw new IOException(zip.getName() + " has no " + INDEX + ": not a procsocket.war");
        }
        List<String> jars = new ArrayList<>();
        try (InputStream in = zip.getInputStream(index)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = line.strip();
                if (s.startsWith("- \"") && s.endsWith("\"")) {
                    jars.add(s.substring(3, s.length() - 1));
                }
            }
        }
        return jars;
    }

    private static void copy(ZipFile zip, ZipEntry entry, OutputStream out) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            in.transferTo(out);
        }
    }

    /** {@code -Dprocsocket.explodeTo=DIR}: explode the WAR this JVM runs from (its class path) into DIR. */
    static int run(String dir, java.io.PrintStream err) {
        try {
            explode(Path.of(System.getProperty("java.class.path")), Path.of(dir));
            return 0;
        } catch (IOException e) {
            err.println("procsocket: cannot explode the WAR into " + dir + ": " + e.getMessage());
            return 1;
        }
    }
}
