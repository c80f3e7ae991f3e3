package org.bip324shaper.core.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Cuts split a flush into several writes at byte offsets; the builder knows the held packets' sizes; the decoy
 * session hears what the padding session wrote. All of it backwards compatible: no cuts unless a strategy asks.
 */
class FlushCutsTest {

    @Test
    void flushWithoutCutsIsOneWrite() {
        Flush flush = Flush.of(WireItem.GENUINE, new WireItem.Decoy(10));
        assertEquals(List.of(), flush.cuts());
        assertEquals(1, flush.writeCount());
        assertEquals(List.of(130), flush.writeLengths(130));
        assertEquals(new Flush(flush.items(), List.of()), flush);
        assertEquals(0, Flush.EMPTY.writeCount());
        assertEquals(List.of(), Flush.EMPTY.writeLengths(0));
    }

    @Test
    void cutsSplitTheBytesIntoWrites() {
        Flush flush = new Flush(List.of(WireItem.GENUINE, new WireItem.Decoy(80)), List.of(30, 70));
        assertEquals(3, flush.writeCount());
        assertEquals(List.of(30, 40, 130), flush.writeLengths(200));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flush.writeLengths(70));
        assertTrue(e.getMessage().contains("not inside"), e.getMessage());
    }

    @Test
    void rejectsBadCuts() {
        List<WireItem> items = List.of(new WireItem.Decoy(100));
        assertThrows(IllegalArgumentException.class, () -> new Flush(items, List.of(0)));
        assertThrows(IllegalArgumentException.class, () -> new Flush(items, List.of(50, 50)));
        assertThrows(IllegalArgumentException.class, () -> new Flush(items, List.of(60, 50)));
        assertThrows(IllegalArgumentException.class, () -> new Flush(List.of(), List.of(5)));
    }

    @Test
    void builderTracksBytesAndCuts() {
        List<Integer> held = List.of(100, 7);
        Flush.Builder out = new Flush.Builder(held, 2, 147);
        out.allowGenuine(true);
        assertEquals(147, out.heldWireBytes());
        out.endWrite(); // nothing yet: ignored
        out.genuine();
        assertEquals(120, out.wireBytes());
        assertEquals(27, out.heldWireBytes());
        out.endWrite().endWrite(); // the second is a repeat: ignored
        out.decoy(30);
        out.cutAt(60); // inside the genuine packet
        out.genuine();
        assertEquals(197, out.wireBytes());
        assertEquals(0, out.heldWireBytes());
        out.endWrite(); // at the very end: dropped
        Flush flush = out.build();
        assertEquals(List.of(60, 120), flush.cuts());
        assertEquals(List.of(60, 60, 77), flush.writeLengths(197));
    }

    @Test
    void builderRefusesCutsOutsideTheFlush() {
        Flush.Builder out = new Flush.Builder(List.of(), 0, 0);
        assertThrows(IllegalArgumentException.class, () -> out.cutAt(0));
        out.decoy(0).cutAt(21);
        IllegalStateException e = assertThrows(IllegalStateException.class, out::build);
        assertTrue(e.getMessage().contains("beyond"), e.getMessage());
    }

    @Test
    void sessionsSeeHeldSizesAndDecoySessionsHearThePaddingWrites() {
        List<String> heard = new ArrayList<>();
        List<Long> heldSeen = new ArrayList<>();
        // padding: hold until two packets are queued, then release both in one write cut in the middle
        PaddingStrategy pairs = (random, now) -> new ShapingSession() {
            @Override
            public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
                heldSeen.add(out.heldWireBytes());
                if (out.heldGenuine() == 2) {
                    long total = out.heldWireBytes();
                    out.genuine().genuine().cutAt(total / 2);
                }
            }

            @Override
            public long nextDeadlineNanos() {
                return 1L << 62; // never reached in this test, but a holding strategy must schedule a tick
            }
        };
        DecoyStrategy listener = (random, now) -> new ShapingSession() {
            @Override
            public void onGenuine(int contentsLength, long nowNanos, Flush.Builder out) {
                out.decoy(0); // lands in the padding session's last write
            }

            @Override
            public void onOutbound(List<Integer> writeLengths, int genuinePackets, long nowNanos) {
                heard.add(writeLengths + " x" + genuinePackets + " @" + nowNanos);
            }
        };
        FakeClock clock = new FakeClock(1000);
        TrafficShaper shaper = new TrafficShaper(TrafficConfig.builder().padding(pairs).decoys(listener).build(),
                clock, new SplittableRandom(30));
        shaper.handshake();
        Flush first = shaper.onGenuine(0);
        assertEquals(Flush.of(new WireItem.Decoy(0)), first, "the decoy session still adds its decoy");
        assertEquals(List.of(), heard, "nothing from the padding session: nothing heard");
        clock.set(2000);
        Flush second = shaper.onGenuine(80);
        assertEquals(new Flush(List.of(WireItem.GENUINE, WireItem.GENUINE, new WireItem.Decoy(0)), List.of(60)),
                second);
        assertEquals(List.of(60, 80), second.writeLengths(140));
        assertEquals(List.of(20L, 120L), heldSeen);
        assertEquals(List.of("[60, 60] x2 @2000"), heard, "the padding's writes, before the decoy was added");
    }

    @Test
    void oldStrategiesNeverCut() {
        SimulatedDriver driver = new SimulatedDriver(TrafficConfig.builder().padding(PaddingStrategy.RANDOM)
                .decoys(DecoyStrategy.RANDOM).build(), 31, 0);
        for (int i = 0; i < 2000; i++) {
            driver.genuineAt(i * 50_000_000L, i % 700);
        }
        assertTrue(driver.flushes.stream().allMatch(f -> f.cuts().isEmpty()));
        assertTrue(driver.ticks > 500);
    }
}
