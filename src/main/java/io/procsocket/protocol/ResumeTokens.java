package io.procsocket.protocol;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resume tokens in force, each naming one program a client may attach to again. 144 bits from SecureRandom, so
 * unguessable; each is spent when used, so one attachment's token never serves two. Never logged. Bounded by what it
 * names: one token per resumable program, and each program holds a fork slot.
 */
public final class ResumeTokens<T> {
    private static final int TOKEN_BYTES = 18;

    private final Map<String, T> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A new token for {@code target}. */
    public String issue(T target) {
        byte[] b = new byte[TOKEN_BYTES];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        tokens.put(token, target);
        return token;
    }

    /** What the token names, spending it; null if it is unknown or spent. */
    public T take(String token) {
        return token == null ? null : tokens.remove(token);
    }

    /** A token taken but not used after all names {@code target} again. */
    public void restore(String token, T target) {
        if (token != null) {
            tokens.put(token, target);
        }
    }

    /** The token names nothing any more (its program ended). */
    public void revoke(String token) {
        if (token != null) {
            tokens.remove(token);
        }
    }

    public int size() {
        return tokens.size();
    }
}
