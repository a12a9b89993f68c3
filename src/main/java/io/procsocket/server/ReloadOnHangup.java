package io.procsocket.server;

import io.procsocket.gateway.Gateway;
import java.lang.System.Logger.Level;

/**
 * --config standalone: SIGHUP reloads the routes file, as daemons do. Without --config the JVM's own handling of
 * SIGHUP (run the shutdown hooks and exit) stays. sun.misc.Signal is the JDK's only way to handle a signal (module
 * jdk.unsupported, present in every JDK and JRE); where it cannot be used the file is reloaded on a change
 * instead, as in a container.
 */
final class ReloadOnHangup {
    private static final System.Logger LOG = System.getLogger(ReloadOnHangup.class.getName());

    private ReloadOnHangup() { }

    static void install(Gateway gateway) {
        try {
            // The handler runs on the JVM's signal thread: the reload is handed to a worker so a slow file system
            // never holds the next signal back.
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> gateway.workers().execute(gateway::reload));
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.log(Level.INFO, "SIGHUP cannot be handled here (" + e + "); the routes file is reloaded when it changes");
            gateway.watchConfigFile();
        }
    }
}
