package org.bip324shaper.agent.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bip324shaper.core.Hex;
import org.bip324shaper.core.crypto.EllSwiftPrivateKey;
import org.junit.jupiter.api.Test;

class EphemeralKeyPoolTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5); // polling a condition with a deadline, not timing anything
        }
    }

    private static String publicKey(EllSwiftPrivateKey key) {
        return Hex.encode(key.publicKey().toBytes());
    }

    @Test
    void anEmptyPoolGeneratesInlineAndEveryKeyIsFresh() {
        EphemeralKeyPool pool = new EphemeralKeyPool(2); // never started
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            EllSwiftPrivateKey key = pool.get();
            assertFalse(key.isDestroyed());
            assertTrue(seen.add(publicKey(key)), "a key was handed out twice");
        }
        assertEquals(5, pool.generatedInline());
        assertEquals(0, pool.available());
    }

    @Test
    void fillsAfterTheWarmUpAndRefillsAfterEachTake() throws InterruptedException {
        EphemeralKeyPool pool = new EphemeralKeyPool(3);
        AtomicInteger warmUps = new AtomicInteger();
        pool.start(Duration.ZERO, warmUps::incrementAndGet);
        pool.start(Duration.ZERO, warmUps::incrementAndGet); // a second start does nothing
        await(() -> pool.available() == 3, "the pool to fill");
        assertEquals(1, warmUps.get());

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            await(() -> pool.available() == 3, "the pool to refill");
            assertTrue(seen.add(publicKey(pool.get())), "a key was handed out twice");
        }
        assertEquals(0, pool.generatedInline(), "every take found a key ready");
    }

    @Test
    void aTakeEndsTheStartDelay() throws InterruptedException {
        EphemeralKeyPool pool = new EphemeralKeyPool(1);
        pool.start(Duration.ofHours(1), () -> { });
        pool.get(); // inline: nothing ready yet
        await(() -> pool.available() == 1, "the pool to fill without waiting out the delay");
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new EphemeralKeyPool(0));
    }
}
