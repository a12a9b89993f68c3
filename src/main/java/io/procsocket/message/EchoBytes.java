package io.procsocket.message;

import java.nio.ByteBuffer;

/**
 * A binary message the echo endpoint received and sends back unchanged. The buffer may be the
 * container's own: it is valid only until the handler that received it returns.
 */
public record EchoBytes(ByteBuffer bytes) { }
