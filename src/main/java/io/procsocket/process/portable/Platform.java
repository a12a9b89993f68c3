package io.procsocket.process.portable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What this system offers the portable backend, found once at start-up: whether it is Windows, and on Unix the
 * setsid(1) that starts a child as the leader of its own session and process group (util-linux on glibc systems,
 * BusyBox on Alpine; macOS has none) and the kill(1) that signals a group or sends SIGINT, neither of which the
 * JDK can do.
 */
record Platform(boolean windows, String setsid, String kill, Map<String, String> environment) {

    static Platform detect() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Map<String, String> env = System.getenv();
        if (windows) {
            return new Platform(true, null, null, env);
        }
        String path = env.get("PATH");
        return new Platform(false, find("setsid", path), find("kill", path), env);
    }

    /** The usual places first, then the server's PATH; null if there is none. */
    static String find(String tool, String path) {
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        for (String d : dirs) {
            Path p = Path.of(d, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Children lead a process group of their own, so one kill(1) reaches everything that stayed in it. */
    boolean groups() {
        return setsid != null && kill != null;
    }

    /** How children's trees are signalled here, for the start-up line. */
    String describe() {
        if (windows) {
            return "Windows: the tree is ended with ProcessHandle.destroy(), there is no SIGINT";
        }
        if (groups()) {
            return "each program leads its own process group (" + setsid + "), signalled with " + kill;
        }
        return "no setsid(1) here: the program and its descendants are signalled one by one"
                + (kill == null ? ", and without kill(1) SIGINT is not sent" : " (" + kill + ")");
    }
}
