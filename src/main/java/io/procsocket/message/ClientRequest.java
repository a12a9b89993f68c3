package io.procsocket.message;

import io.procsocket.process.Signal;

/**
 * What a {@code procsocket.v1} client asks for: a JSON text message, or stdin bytes in a binary message whose
 * first byte is 0. Anything else decodes to {@link Invalid}, never to an exception: a bad request gets an error
 * message and the connection carries on.
 */
public sealed interface ClientRequest {
    /** Bytes for stdin, exactly as sent: no newline added. */
    record Stdin(byte[] data) implements ClientRequest { }

    /** Close the program's stdin; the connection stays open for its output. */
    record Eof() implements ClientRequest { }

    /** Send a signal to the program's process group. */
    record SignalRequest(Signal signal) implements ClientRequest { }

    /** The first message of a reconnecting client: its token, and the last output seq it has. */
    record Resume(String token, long since) implements ClientRequest { }

    /** Not a request the server can carry out; {@code reason} says why, for the client. */
    record Invalid(String reason) implements ClientRequest { }
}
