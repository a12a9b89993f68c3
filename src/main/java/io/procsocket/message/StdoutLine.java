package io.procsocket.message;

/** One line the child printed (without its line ending), sent as one text message. */
public record StdoutLine(String text) { }
