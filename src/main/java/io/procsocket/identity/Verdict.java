package io.procsocket.identity;

/** One scheme's answer about a request's credentials. */
public sealed interface Verdict {
    /** The credentials prove who the client is. */
    record Admitted(Identity identity) implements Verdict { }

    /** The request carries nothing this scheme reads: another scheme may still admit it. */
    record Absent() implements Verdict { }

    /**
     * The request carries credentials of this scheme and they are wrong (unknown user, bad password, expired or
     * badly signed token). {@code user} is the claimed name, for the log (never the secret), or "".
     */
    record Refused(String reason, String user) implements Verdict { }

    Verdict ABSENT = new Absent();
}
