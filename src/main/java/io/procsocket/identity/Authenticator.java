package io.procsocket.identity;

/**
 * One way of telling who a client is (htpasswd, bearer digests, JWT, client certificate). Pure: no I/O on the
 * request path but what the scheme's own file needs, never blocks on a client, and safe for many threads.
 */
public interface Authenticator {
    /** AUTH_TYPE for the clients it admits ("Basic", "Bearer", "JWT", "ClientCert"). */
    String scheme();

    /** What the request's credentials are worth to this scheme. */
    Verdict check(Credentials credentials);
}
