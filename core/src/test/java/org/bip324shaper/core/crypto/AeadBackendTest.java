package org.bip324shaper.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AeadBackendTest {
    @Test
    void defaultsToTheJdkCipherFromJdk20AndToBouncyCastleBefore() {
        assertEquals(AeadBackend.JDK, AeadBackend.choose(17, null, true));
        assertEquals(AeadBackend.JDK, AeadBackend.choose(19, null, true));
        assertEquals(AeadBackend.JDK, AeadBackend.choose(20, null, true));
        assertEquals(AeadBackend.JDK, AeadBackend.choose(25, "", true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.choose(25, null, false));
    }

    @Test
    void thePropertyOverridesTheDefault() {
        assertEquals(AeadBackend.JDK, AeadBackend.choose(17, "jdk", true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.choose(25, " bouncy_castle ", true));
        assertThrows(IllegalArgumentException.class, () -> AeadBackend.choose(25, "openssl", true));
        assertThrows(IllegalStateException.class, () -> AeadBackend.choose(25, "JDK", false));
        // At class initialisation a bad value falls back to the default instead of breaking the class.
        assertEquals(AeadBackend.JDK, AeadBackend.chooseOrDefault(25, "openssl", true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.chooseOrDefault(25, "JDK", false));
    }

    @Test
    void preferredFollowsTheRuleOnThisJdk() {
        assertEquals(AeadBackend.choose(Runtime.version().feature(), System.getProperty(AeadBackend.PROPERTY), true),
                AeadBackend.preferred());
    }
}
