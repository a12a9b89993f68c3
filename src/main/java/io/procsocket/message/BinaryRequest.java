package io.procsocket.message;

/**
 * A {@code procsocket.v1} client's binary message, decoded: {@link ClientRequest.Stdin} for a frame starting with
 * 0, else {@link ClientRequest.Invalid}. A type of its own, not a {@link ClientRequest}, so that no container has to
 * pick between a text and a binary decoder for the same type.
 */
public record BinaryRequest(ClientRequest request) { }
