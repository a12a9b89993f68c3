package io.procsocket.log;

/**
 * Makes text from the network safe to put in a log line. A line ends only where we end it, so a client
 * cannot forge entries (a Host, Origin, path, query or User-Agent with CR/LF in it, or an ANSI escape that
 * rewrites the terminal), and a key:'value' pair ends only at its own closing quote.
 */
final class LogText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() { }

    /** For a key:'value' pair: control characters escaped, and the quote and backslash too. */
    static String value(String s) {
        return escape(s, true);
    }

    /** For the free text of a message: control characters escaped. */
    static String text(String s) {
        return escape(s, false);
    }

    private static String escape(String s, boolean quoted) {
        int i = 0;
        while (i < s.length() && !special(s.charAt(i), quoted)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!special(c, quoted)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x100) {
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    }
                }
            }
        }
        return out.toString();
    }

    /** C0 and C1 controls except tab, DEL, Unicode line and paragraph separators; for values ' and \ as well. */
    private static boolean special(char c, boolean quoted) {
        if (c < 0x20) {
            return c != '\t';
        }
        if (c < 0x7F) {
            return quoted && (c == '\'' || c == '\\');
        }
        return c <= 0x9F || c == '\u2028' || c == '\u2029';
    }
}
