package io.procsocket.shared;

import io.procsocket.process.OutputFramer;

/**
 * One message for every client of a shared process, made once however many clients get it.
 *
 * @param message a StdoutLine, StdoutChunk or StdStreamLine, sent through the endpoint's encoders
 * @param bytes   its size on the wire, near enough to bound queues by
 */
public record Frame(Object message, int bytes) {
    public static Frame of(Object message) {
        return new Frame(message, OutputFramer.size(message));
    }
}
