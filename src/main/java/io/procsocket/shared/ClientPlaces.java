package io.procsocket.shared;

/**
 * --maxclients: the places of one shared route on this instance, reserved at admission and given back when the
 * client leaves (or never joins). Its own lock, taken inside a process's lock and never around one.
 */
public final class ClientPlaces {
    private final int max;
    private int taken;

    /** {@code max} 0 means no limit. */
    public ClientPlaces(int max) {
        this.max = max;
    }

    public synchronized boolean take() {
        if (max > 0 && taken >= max) {
            return false;
        }
        taken++;
        return true;
    }

    public synchronized void giveBack() {
        taken--;
    }

    public synchronized boolean any() {
        return taken > 0;
    }
}
