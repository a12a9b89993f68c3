package io.procsocket.message;

import java.nio.ByteBuffer;

/** A client binary message, written to the child's stdin byte for byte. */
public record StdinChunk(ByteBuffer bytes) { }
