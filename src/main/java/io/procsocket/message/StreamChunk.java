package io.procsocket.message;

import java.nio.ByteBuffer;

/**
 * {@code procsocket.v1} with --binary: one read of stdout or stderr, sent as a binary message whose first byte is
 * the stream (1 stdout, 2 stderr), as Kubernetes' exec channels frame theirs.
 */
public record StreamChunk(ServerEvent.Stream stream, ByteBuffer bytes) { }
