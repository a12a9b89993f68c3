package io.procsocket.message;

/** A text message the echo endpoint received and sends back unchanged. */
public record EchoText(String text) { }
