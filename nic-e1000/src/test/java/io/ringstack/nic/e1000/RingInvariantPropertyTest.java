package io.ringstack.nic.e1000;

import io.ringstack.nic.TestFrames;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.ringstack.nic.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded random interleavings of device writes, driver polls with random budgets, refills and application
 * holds/releases. After every step: no frame is lost, duplicated or reordered; every drop happened when the ring
 * was full and is counted (MPC, RNBC) exactly; head and tail stay inside the ring; a buffer the application holds
 * is never written by the device. The seed is in the test name and in every failure message.
 */
class RingInvariantPropertyTest
{
    private static final long MAC = 0x5254_0000_00B0L;
    private static final long PEER = 0x5254_0000_00A0L;

    static LongStream seeds()
    {
        return LongStream.range(0, 60).map(i -> 0x9E37_79B9_7F4A_7C15L * (i + 1));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void ringInvariantsHoldUnderRandomInterleavings(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int ringSize = 8 << random.nextInt(3);              // 8, 16 or 32 descriptors
        final int buffers = ringSize + random.nextInt(ringSize);  // sometimes barely more than the ring holds
        final String where = "seed " + seed + " (ring " + ringSize + ", buffers " + buffers + ")";
        try (EmulatedNic nic = EmulatedNic.builder("p", MAC).rings(ringSize, 8).buffers(buffers).strict(true).build())
        {
            nic.device().attachWire((b, o, l) -> { });
            nic.start();
            final Model model = new Model(nic, where);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
            for (int step = 0; step < 2500; step++)
            {
                final int action = random.nextInt(10);
                if (action < 4)
                {
                    for (int n = 1 + random.nextInt(ringSize); n > 0; n--)
                    {
                        final int length = 60 + random.nextInt(1455);
                        TestFrames.write(frame, 0, length, MAC, PEER, model.sent);
                        model.deviceReceives(frame, length);
                    }
                }
                else if (action < 8)
                {
                    model.poll(1 + random.nextInt(2 * ringSize), random.nextDouble() * 0.6, random);
                }
                else
                {
                    model.releaseSome(random);
                }
                model.checkRing();
            }
            model.releaseAll();
            while (model.poll(64, 0, random) > 0)
            {
                model.releaseAll();
            }
            model.checkRing();
            nic.driver().readStatistics();
            final DriverCounters counters = nic.driver().counters();
            assertEquals(model.sent, model.received + counters.missedPackets, where + ": every frame received or counted missed");
            assertEquals(model.expectedMissed, counters.missedPackets, where + ": misses only when the ring was full");
            assertEquals(counters.missedPackets, counters.receiveNoBuffers, where);
            assertEquals(0, nic.pool().misuses(), where);
            assertTrue(model.expectedMissed > 0 && model.maxHeld > 0 && nic.driver().counters().rxRefillFailures > 0,
                where + ": the generator must reach a full ring, held buffers and an empty pool");
            assertEquals(ringSize - 1, nic.pool().countHeldBy(BufferHolder.RX_RING), where + ": ring refilled");
            assertEquals(ringSize - 1, nic.pool().outstanding(), where + ": no buffer leaked");
        }
    }

    /** What the test expects, checked against what the device and driver do. */
    private static final class Model
    {
        final EmulatedNic nic;
        final String where;
        final PacketBufferPool pool;
        final int[] heldHandles;
        final long[] heldSequence;
        final int[] heldLength;
        int heldCount;
        int maxHeld;
        long sent;
        long received;
        long expectedMissed;
        long nextExpected;
        final java.util.BitSet missed = new java.util.BitSet();

        Model(final EmulatedNic nic, final String where)
        {
            this.nic = nic;
            this.where = where;
            this.pool = nic.pool();
            this.heldHandles = new int[pool.capacity()];
            this.heldSequence = new long[pool.capacity()];
            this.heldLength = new int[pool.capacity()];
        }

        void deviceReceives(final UnsafeBuffer frame, final int length)
        {
            final int count = nic.driver().rxDescriptorCount();
            final int head = nic.device().read(RDH);
            final int tail = nic.device().read(RDT);
            final boolean full = head == tail;
            nic.device().accept(frame, 0, length);
            if (full)
            {
                expectedMissed++;
                missed.set((int)sent);
                assertEquals(head, nic.device().read(RDH), where + ": head moved on a missed frame");
            }
            else
            {
                assertEquals(head + 1 == count ? 0 : head + 1, nic.device().read(RDH), where + ": head wraps");
            }
            sent++;
        }

        int poll(final int budget, final double holdProbability, final SplittableRandom random)
        {
            return nic.driver().receive((handle, memory, offset, length) ->
            {
                final long sequence = TestFrames.sequence(memory, offset);
                while (missed.get((int)nextExpected))
                {
                    nextExpected++;
                }
                assertEquals(nextExpected, sequence, where + ": frames in order, none lost or duplicated");
                assertTrue(TestFrames.payloadIntact(memory, offset, length), where + ": payload intact");
                assertEquals(offset, pool.offset(handle), where + ": frame starts at its buffer");
                nextExpected++;
                received++;
                if (random.nextDouble() < holdProbability)
                {
                    pool.handOver(handle, BufferHolder.APPLICATION);
                    heldHandles[heldCount] = handle;
                    heldSequence[heldCount] = sequence;
                    heldLength[heldCount] = length;
                    heldCount++;
                    maxHeld = Math.max(maxHeld, heldCount);
                }
                else
                {
                    pool.release(handle);
                }
            }, budget);
        }

        void releaseSome(final SplittableRandom random)
        {
            for (int i = heldCount - 1; i >= 0; i--)
            {
                if (random.nextBoolean())
                {
                    release(i);
                }
            }
        }

        void releaseAll()
        {
            for (int i = heldCount - 1; i >= 0; i--)
            {
                release(i);
            }
        }

        private void release(final int i)
        {
            final int handle = heldHandles[i];
            final int offset = pool.offset(handle);
            assertEquals(BufferHolder.APPLICATION, pool.holder(handle), where + ": held buffer was taken back");
            assertEquals(heldSequence[i], TestFrames.sequence(pool.memory(), offset), where + ": held buffer overwritten");
            assertTrue(TestFrames.payloadIntact(pool.memory(), offset, heldLength[i]), where + ": held buffer overwritten");
            pool.release(handle);
            heldCount--;
            heldHandles[i] = heldHandles[heldCount];
            heldSequence[i] = heldSequence[heldCount];
            heldLength[i] = heldLength[heldCount];
        }

        void checkRing()
        {
            final int count = nic.driver().rxDescriptorCount();
            final int head = nic.device().read(RDH);
            final int tail = nic.device().read(RDT);
            assertTrue(head >= 0 && head < count, where + ": RDH " + head + " inside the ring");
            assertTrue(tail >= 0 && tail < count, where + ": RDT " + tail + " inside the ring");
            assertEquals(pool.capacity(), pool.available() + pool.outstanding(), where);
            assertEquals(heldCount, pool.countHeldBy(BufferHolder.APPLICATION), where);
        }
    }
}
