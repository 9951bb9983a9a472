package io.ringstack.nic.wire;

import io.ringstack.nic.NicPair;
import io.ringstack.nic.TestFrames;
import io.ringstack.nic.emulated.EmulatedNic;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Two NICs exchanging frames both ways over the in-memory wire, perfect and impaired; every frame accounted for. */
class TwoNicExchangeTest
{
    @Test
    void bothDirectionsDeliverEveryFrameInOrderIntact()
    {
        try (NicPair pair = new NicPair(64, 64, 256, 2048, FaultPlan.NONE, 1, SystemNanoClock.INSTANCE, null))
        {
            final Receiver atB = new Receiver(pair.b, 10_000);
            final Receiver atA = new Receiver(pair.a, 10_000);
            for (int i = 0; i < 10_000; i++)
            {
                sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, i, 60 + (i * 7) % 1455);
                sendFrame(pair.b, NicPair.MAC_A, NicPair.MAC_B, i, 60 + (i * 13) % 1455);
                if (i % 16 == 15)
                {
                    atB.drain();
                    atA.drain();
                }
            }
            atB.drain();
            atA.drain();
            for (final Receiver r : new Receiver[] { atA, atB })
            {
                assertEquals(10_000, r.exact, "all frames arrive byte for byte");
                assertEquals(0, r.outOfOrder);
                assertTrue(Arrays.stream(r.count).allMatch(c -> c == 1), "each frame exactly once");
            }
            pair.a.driver().readStatistics();
            assertEquals(0, pair.a.driver().counters().missedPackets);
            pair.a.driver().reclaim();
            assertEquals(0, pair.a.driver().transmitInFlight());
            assertEquals(63, pair.a.pool().outstanding(), "only the RX ring holds buffers: nothing leaked");
            assertEquals(63, pair.a.pool().countHeldBy(io.ringstack.nic.memory.BufferHolder.RX_RING));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 42, 4242 })
    void impairedWireAccountsForEveryFrame(final long seed)
    {
        final FaultPlan plan = FaultPlan.NONE.withDrop(0.05).withDuplicate(0.03).withReorder(0.05).withCorrupt(0.03);
        try (NicPair pair = new NicPair(256, 64, 512, 2048, plan, seed, SystemNanoClock.INSTANCE, null))
        {
            final int frames = 20_000;
            final Receiver atB = new Receiver(pair.b, frames);
            final Receiver atA = new Receiver(pair.a, frames);
            for (int i = 0; i < frames; i++)
            {
                sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, i, 60 + (i * 7) % 1455);
                sendFrame(pair.b, NicPair.MAC_A, NicPair.MAC_B, i, 60 + (i * 13) % 1455);
                if (i % 32 == 31)
                {
                    atB.drain();
                    atA.drain();
                }
            }
            pair.wire.flush();
            atB.drain();
            atA.drain();
            check(pair.wire.faultsAToB(), pair.b, atB, frames, seed);
            check(pair.wire.faultsBToA(), pair.a, atA, frames, seed);
        }
    }

    private static void check(
        final FaultInjector faults, final EmulatedNic receiver, final Receiver r, final int frames, final long seed)
    {
        final String where = "seed " + seed + ", " + receiver.name() + ": " + faults;
        receiver.driver().readStatistics();
        assertEquals(frames, faults.offered(), where);
        assertEquals(frames - faults.dropped() + faults.duplicated(), faults.delivered(), where);
        assertEquals(0, receiver.driver().counters().missedPackets, where + ": ring large enough, nothing missed");
        assertEquals(faults.delivered(), r.received + receiver.device().filteredFrames(), where +
            ": every delivered frame received or filtered (a corrupted destination)");
        assertEquals(faults.corrupted(), r.mismatched + receiver.device().filteredFrames(), where +
            ": exactly the corrupted frames differ from what was sent");
        final long distinct = Arrays.stream(r.count).filter(c -> c > 0).count();
        assertTrue(distinct <= frames && distinct >= frames - faults.dropped() - faults.corrupted(), where);
        assertTrue(Arrays.stream(r.count).allMatch(c -> c <= 2), where + ": at most one duplicate per frame");
        assertTrue(faults.dropped() > 0 && faults.duplicated() > 0 && faults.reordered() > 0 && faults.corrupted() > 0,
            where + ": each fault happened");
        assertTrue(r.outOfOrder > 0, where + ": reordering is visible to the receiver");
    }

    @Test
    void delayHoldsFramesUntilTheClockSaysSo()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000_000_000L);
        final FaultPlan plan = FaultPlan.NONE.withDelay(5_000_000L, 0);
        try (NicPair pair = new NicPair(64, 64, 256, 2048, plan, 7, clock, null))
        {
            final Receiver atB = new Receiver(pair.b, 10);
            for (int i = 0; i < 10; i++)
            {
                sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, i, 100);
            }
            assertEquals(0, atB.drain(), "nothing arrives before the delay");
            clock.advance(4_999_999L);
            assertEquals(0, pair.wire.poll());
            clock.advance(1);
            assertEquals(10, pair.wire.poll());
            assertEquals(10, atB.drain());
            assertEquals(0, atB.outOfOrder);
        }
    }

    @Test
    void rateLimitPolicesTheDirection()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        // 1 Mbit/s with a 3000-byte bucket: two 1500-byte frames pass at once, then one per 12 ms
        final FaultPlan plan = FaultPlan.NONE.withRateLimit(1_000_000L, 3000);
        try (NicPair pair = new NicPair(64, 64, 256, 2048, plan, 7, clock, null))
        {
            final Receiver atB = new Receiver(pair.b, 10);
            for (int i = 0; i < 5; i++)
            {
                sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, i, 1500);
            }
            assertEquals(2, atB.drain());
            assertEquals(3, pair.wire.faultsAToB().rateLimited());
            clock.advance(12_000_000L);
            sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, 5, 1500);
            assertEquals(1, atB.drain());
        }
    }

    @Test
    void aBufferKeptAfterTheTestEndsIsReportedAsALeak()
    {
        final NicPair pair = new NicPair();
        sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, 1, 60);
        final int[] kept = { -1 };
        pair.b.driver().receive((h, m, o, l) -> kept[0] = h, 8); // never released
        final AssertionError leak = assertThrows(AssertionError.class, pair::close);
        assertTrue(leak.getMessage().contains("buffer " + kept[0] + " held by driver"), leak.getMessage());
    }

    @Test
    void faultPlanRejectsImpossibleRates()
    {
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.drop(1.5));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.drop(0.6).withCorrupt(0.6));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.NONE.withDelay(-1, 0));
    }

    static void sendFrame(final EmulatedNic nic, final long destination, final long source, final long sequence, final int length)
    {
        final int handle = TestFrames.claim(nic.pool(), length, destination, source, sequence);
        assertTrue(nic.driver().transmit(handle, nic.pool().offset(handle), length));
        nic.driver().flush();
        nic.driver().reclaim();
    }

    /** Receives frames and compares each with the frame its sequence number says was sent. */
    static final class Receiver
    {
        final EmulatedNic nic;
        final int[] count;
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[2048]);
        long received;
        long exact;
        long mismatched;
        long outOfOrder;
        long last = -1;

        Receiver(final EmulatedNic nic, final int frames)
        {
            this.nic = nic;
            this.count = new int[frames];
        }

        int drain()
        {
            int total = 0;
            int n;
            while ((n = nic.driver().receive(this::onFrame, 64)) > 0)
            {
                total += n;
            }
            return total;
        }

        private void onFrame(final int handle, final UnsafeBuffer memory, final int offset, final int length)
        {
            received++;
            final long sequence = TestFrames.sequence(memory, offset);
            final long source = io.ringstack.nic.e1000.MacAddress.read(memory, offset + 6);
            final long destination = io.ringstack.nic.e1000.MacAddress.read(memory, offset);
            boolean same = sequence >= 0 && sequence < count.length;
            if (same)
            {
                TestFrames.write(expected, 0, length, destination, source, sequence);
                same = sameBytes(memory, offset, expected, length) &&
                    destination == nic.driver().macAddress() &&
                    (source == NicPair.MAC_A || source == NicPair.MAC_B) &&
                    source != destination &&
                    length == Math.max(60, expectedLength(source, sequence));
            }
            if (same)
            {
                exact++;
                count[(int)sequence]++;
                if (sequence < last)
                {
                    outOfOrder++;
                }
                last = sequence;
            }
            else
            {
                mismatched++;
            }
            nic.pool().release(handle);
        }

        private static boolean sameBytes(final UnsafeBuffer a, final int offset, final UnsafeBuffer b, final int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (a.getByte(offset + i) != b.getByte(i))
                {
                    return false;
                }
            }
            return true;
        }

        private static int expectedLength(final long source, final long sequence)
        {
            return source == NicPair.MAC_A ? 60 + (int)((sequence * 7) % 1455) : 60 + (int)((sequence * 13) % 1455);
        }
    }
}
