package io.procsocket.message;

import java.nio.ByteBuffer;

/** Whatever one read of the child's stdout returned in --binary mode, sent as one binary message. */
public record StdoutChunk(ByteBuffer bytes) { }
