package io.procsocket.gateway;

/**
 * IPv6 addresses written as Go (and so websocketd) writes them, RFC 5952's canonical text: {@code ::1}, not
 * Java's {@code 0:0:0:0:0:0:0:1}. Scripts and log parsers compare REMOTE_ADDR and remote:'...' as text.
 */
public final class Ipv6Text {
    private Ipv6Text() { }

    /** The canonical form of an address as Java prints it; anything that is not an IPv6 literal unchanged. */
    public static String canonical(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        int zone = address.indexOf('%');
        String bare = zone < 0 ? address : address.substring(0, zone);
        String[] groups = bare.split(":", -1);
        if (groups.length != 8) {
            return address; // already compressed, or not Java's full form
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (isZero(groups[i])) {
                int j = i;
                while (j < 8 && isZero(groups[j])) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(trim(groups[i]));
        }
        return out.append(zone < 0 ? "" : address.substring(zone)).toString();
    }

    private static boolean isZero(String group) {
        for (int i = 0; i < group.length(); i++) {
            if (group.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String trim(String group) {
        int i = 0;
        while (i < group.length() - 1 && group.charAt(i) == '0') {
            i++;
        }
        return group.substring(i).toLowerCase(java.util.Locale.ROOT);
    }
}
