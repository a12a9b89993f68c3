package io.procsocket.identity;

/**
 * Who a connection serves, as its program sees it: REMOTE_USER and AUTH_TYPE. Both are "" without
 * authentication, as websocketd has them.
 *
 * @param user     the user name (htpasswd user, JWT subject, client certificate subject, the container's principal)
 * @param authType Basic, Bearer, JWT or ClientCert standalone; the container's own value in a container
 */
public record Identity(String user, String authType) {
    public static final Identity NONE = new Identity("", "");

    public Identity {
        user = user == null ? "" : user;
        authType = authType == null ? "" : authType;
    }

    public boolean known() {
        return !user.isEmpty();
    }
}
