package org.bip324shaper.agent.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class BypassTest {

    @Test
    void activeOnlyInsideRunAndOnlyOnThatThread() throws Exception {
        assertFalse(Bypass.isActive());
        boolean[] otherThread = new boolean[1];
        boolean inside = Bypass.run(() -> {
            Thread thread = new Thread(() -> otherThread[0] = Bypass.isActive());
            thread.start();
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return Bypass.run(Bypass::isActive); // nesting keeps it active
        });
        assertTrue(inside);
        assertFalse(otherThread[0]);
        assertFalse(Bypass.isActive());
    }

    @Test
    void clearedEvenWhenTheActionThrows() {
        IOException thrown = assertThrows(IOException.class, () -> Bypass.run(() -> {
            throw new IOException("dial failed");
        }));
        assertEquals("dial failed", thrown.getMessage());
        assertFalse(Bypass.isActive());
    }
}
