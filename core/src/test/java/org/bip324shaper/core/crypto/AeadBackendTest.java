package org.bip324shaper.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AeadBackendTest {
    @Test
    void defaultsToTheJdkCipherWhenThereIsOne() {
        assertEquals(AeadBackend.JDK, AeadBackend.choose(null, true));
        assertEquals(AeadBackend.JDK, AeadBackend.choose("  ", true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.choose(null, false));
    }

    @Test
    void thePropertyOverridesTheDefault() {
        assertEquals(AeadBackend.JDK, AeadBackend.choose("jdk", true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.choose(" bouncy_castle ", true));
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.choose("BOUNCY_CASTLE", false));
        assertThrows(IllegalArgumentException.class, () -> AeadBackend.choose("openssl", true));
        assertThrows(IllegalStateException.class, () -> AeadBackend.choose("JDK", false));
    }

    @Test
    void preferredFollowsTheRuleOnThisJdk() {
        assertEquals(AeadBackend.choose(System.getProperty(AeadBackend.PROPERTY), true), AeadBackend.preferred());
    }
}
