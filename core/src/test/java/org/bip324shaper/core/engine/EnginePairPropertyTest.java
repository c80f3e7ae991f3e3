package org.bip324shaper.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.bip324shaper.core.Bip324Exception;
import org.bip324shaper.core.Network;
import org.bip324shaper.core.Role;
import org.bip324shaper.core.message.NetworkMessage;
import org.bip324shaper.core.shaping.ShapingPreset;
import org.bip324shaper.core.shaping.ShapingStrategies;
import org.bip324shaper.core.testing.ArbitraryBytes;
import org.bip324shaper.core.testing.Chunks;

/**
 * Two engines on one fake clock, each end shaped by any strategy, the bytes between them cut into any pieces, the
 * clock moved in any pattern: every genuine message arrives exactly once and in order, and each side reads exactly
 * what the other wrote, kind by kind.
 */
class EnginePairPropertyTest {

    /** One action of the scenario: a message from one side, then maybe moving bytes, then maybe moving the clock. */
    record Step(boolean fromInitiator, NetworkMessage message, boolean deliver, long advanceNanos) {
    }

    @Property(tries = 60)
    void everyGenuineMessageArrivesOnceAndInOrder(@ForAll("specs") String initiatorSpec,
            @ForAll("specs") String responderSpec, @ForAll("steps") List<Step> steps,
            @ForAll("plans") byte[] toResponderPlan, @ForAll("plans") byte[] toInitiatorPlan, @ForAll long seed)
            throws Bip324Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ShapedEngine a = ShapedEngine.builder(Role.INITIATOR, Network.REGTEST)
                .config(ShapingStrategies.parse(initiatorSpec)).clock(now::get)
                .shapingRandom(new SplittableRandom(seed)).build();
        ShapedEngine b = ShapedEngine.builder(Role.RESPONDER, Network.REGTEST)
                .config(ShapingStrategies.parse(responderSpec)).clock(now::get)
                .shapingRandom(new SplittableRandom(~seed)).build();
        Link toB = new Link(a, b, toResponderPlan);
        Link toA = new Link(b, a, toInitiatorPlan);
        List<NetworkMessage> sentByA = new ArrayList<>();
        List<NetworkMessage> sentByB = new ArrayList<>();
        for (Step step : steps) {
            (step.fromInitiator() ? a : b).send(step.message());
            (step.fromInitiator() ? sentByA : sentByB).add(step.message());
            if (step.deliver()) {
                toB.pump();
                toA.pump();
            }
            if (step.advanceNanos() > 0) {
                now.addAndGet(step.advanceNanos());
                tickIfDue(a, now.get());
                tickIfDue(b, now.get());
            }
        }
        // Drain: move bytes until quiet, then let the clock reach the next tick while anything is still held.
        for (int i = 0; i < 100_000; i++) {
            boolean moved = toB.pump() | toA.pump();
            if (moved) {
                continue;
            }
            if (a.heldPackets() + b.heldPackets() == 0 && a.isEstablished() && b.isEstablished()) {
                break;
            }
            long next = Math.min(a.nextDeadlineNanos(), b.nextDeadlineNanos());
            assertTrue(next != Long.MAX_VALUE, "packets held but no tick due");
            now.set(Math.max(now.get(), next));
            tickIfDue(a, now.get());
            tickIfDue(b, now.get());
        }
        assertTrue(a.isEstablished() && b.isEstablished(), "handshake did not finish");
        assertEquals(sentByA, toB.received, "initiator to responder");
        assertEquals(sentByB, toA.received, "responder to initiator");
        assertEquals(a.stats().snapshot().written(), b.stats().snapshot().read());
        assertEquals(b.stats().snapshot().written(), a.stats().snapshot().read());
    }

    private static void tickIfDue(ShapedEngine e, long now) {
        if (now >= e.nextDeadlineNanos()) {
            e.tick();
        }
    }

    /** One direction of the wire: whole writes in, pieces cut by a plan out, messages collected at the far end. */
    private static final class Link {
        final ShapedEngine from;
        final ShapedEngine to;
        final byte[] plan;
        final List<NetworkMessage> received = new ArrayList<>();
        int planStep;

        Link(ShapedEngine from, ShapedEngine to, byte[] plan) {
            this.from = from;
            this.to = to;
            this.plan = plan;
        }

        /** Delivers everything written so far; true if there was anything. */
        boolean pump() throws Bip324Exception {
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            byte[] w;
            while ((w = from.pollWrite()) != null) {
                pending.writeBytes(w);
            }
            if (pending.size() == 0) {
                return false;
            }
            // Rotate the plan so that piece boundaries keep moving from one pump to the next.
            byte[] rotated = plan.length == 0 ? plan : rotate(plan, planStep++ % plan.length);
            for (ByteBuffer piece : Chunks.split(pending.toByteArray(), rotated)) {
                to.recordRead(piece.remaining());
                while (piece.hasRemaining()) {
                    to.receive(piece);
                    NetworkMessage m;
                    while ((m = to.pollMessage()) != null) {
                        received.add(m);
                    }
                }
            }
            return true;
        }

        private static byte[] rotate(byte[] plan, int by) {
            byte[] r = Arrays.copyOfRange(plan, by, plan.length + by);
            System.arraycopy(plan, 0, r, plan.length - by, by);
            return r;
        }
    }

    @Provide
    static Arbitrary<String> specs() {
        List<String> specs = new ArrayList<>(List.of("none", "random"));
        for (ShapingPreset p : ShapingPreset.values()) {
            specs.add(p.configName());
        }
        return Arbitraries.of(specs);
    }

    @Provide
    static Arbitrary<List<Step>> steps() {
        Arbitrary<String> command = Arbitraries.oneOf(
                Arbitraries.of("ping", "pong", "inv", "tx", "headers", "block", "version", "verack", "getdata"),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(12));
        Arbitrary<byte[]> payload = Arbitraries.frequencyOf(
                Tuple.of(8, ArbitraryBytes.sized(0, 200)),
                Tuple.of(2, ArbitraryBytes.sized(1000, 5000)),
                Tuple.of(1, ArbitraryBytes.sized(50_000, 120_000)));
        Arbitrary<NetworkMessage> message = Combinators.combine(command, payload).as(NetworkMessage::new);
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(0L)),
                Tuple.of(3, Arbitraries.longs().between(1, 500_000_000L)),
                Tuple.of(2, Arbitraries.longs().between(500_000_000L, 5_000_000_000L)),
                Tuple.of(1, Arbitraries.longs().between(5_000_000_000L, 120_000_000_000L)));
        return Combinators.combine(Arbitraries.of(true, false), message, Arbitraries.of(true, false), advance)
                .as(Step::new).list().ofMaxSize(40);
    }

    @Provide
    static Arbitrary<byte[]> plans() {
        return ArbitraryBytes.plans();
    }
}
