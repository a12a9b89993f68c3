package io.procsocket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity flags: parsed in the one place flags are, each scheme's options only with it, one line each. */
class IdentityFlagsTest {
    @TempDir
    Path dir;

    private Config.Auth auth(String... args) throws UsageException {
        return TesterFlags.parse(dir, args).auth();
    }

    private String refused(String... args) {
        return TesterFlags.refused(dir, args);
    }

    @Test
    void nothingIsRequiredByDefault() throws UsageException {
        assertEquals(Config.Auth.NONE, auth());
        assertFalse(auth().required());
    }

    @Test
    void everyOptionIsRead() throws Exception {
        Path users = Files.writeString(dir.resolve("users"), "");
        Path tokens = Files.writeString(dir.resolve("tokens"), "");
        Path jwks = Files.writeString(dir.resolve("jwks"), "{}");
        Config.Auth a = auth("--basicauth=users", "--realm=Ops Team", "--bearer=tokens", "--bearer-cookie=sess",
                "--jwt-jwks=jwks", "--jwt-issuer=https://idp", "--jwt-audience=ps", "--authorize=true --strict");
        assertEquals(users.toRealPath(), a.basicAuth().toRealPath());
        assertEquals("Ops Team", a.realm());
        assertEquals(tokens.toRealPath(), a.bearer().toRealPath());
        assertEquals("sess", a.bearerCookie());
        assertEquals(jwks.toRealPath(), a.jwtJwks().toRealPath());
        assertEquals("https://idp", a.jwtIssuer());
        assertEquals("ps", a.jwtAudience());
        assertTrue(a.authorize().get(0).endsWith("/true"), a.authorize().toString());
        assertEquals("--strict", a.authorize().get(1));
        assertTrue(a.required());
    }

    @Test
    void optionsWithoutTheirSchemeAndBadValuesAreRefused() throws Exception {
        Files.writeString(dir.resolve("f"), "");
        assertTrue(refused("--realm=x").contains("needs --basicauth"));
        assertTrue(refused("--jwt-issuer=x").contains("needs --jwt-jwks"));
        assertTrue(refused("--jwt-audience=x").contains("needs --jwt-jwks"));
        assertTrue(refused("--jwt-jwks=f", "--jwt-issuer=x").contains("--jwt-audience"));
        assertTrue(refused("--bearer-cookie=c").contains("needs --bearer or --jwt-jwks"));
        assertTrue(refused("--basicauth=f", "--realm=say \"hi\"").contains("--realm"));
        assertTrue(refused("--bearer=f", "--bearer-cookie=a;b").contains("--bearer-cookie"));
        assertTrue(refused("--basicauth=missing").contains("not a readable file"));
        assertTrue(refused("--authorize=").contains("--authorize"));
        assertTrue(refused("--authorize=/no/such/hook").contains("/no/such/hook"));
    }
}
