package io.ringstack.nic.e1000;

import io.ringstack.nic.NicPair;
import io.ringstack.nic.TestFrames;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device and the driver on different threads, as the architecture allows: NIC A's owner transmits, and its
 * device "DMA"s each frame into B's ring on A's thread, while B's owner polls that ring on its own thread. Every
 * frame B hands up must have its full length and every byte written before the device published DD (release store
 * of the status word; plain loads of DD and one acquire fence per poll on B's side). Frames B had no descriptor for
 * are counted (MPC), never half-delivered: received + missed = sent.
 */
class ConcurrentRingTest
{
    private static final int FRAMES = 60_000;

    private static int lengthOf(final long sequence)
    {
        return 60 + (int)((sequence * 7919) % (1514 - 60 + 1));
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2 })
    void framesCrossThreadsWholeAndInOrder(final long seed) throws Exception
    {
        try (NicPair pair = new NicPair(64, 64, 256, 2048, io.ringstack.nic.wire.FaultPlan.NONE, seed,
            SystemNanoClock.INSTANCE, null))
        {
            final AtomicReference<String> failure = new AtomicReference<>();
            final AtomicBoolean sent = new AtomicBoolean();
            final long[] received = new long[1];
            final Thread receiverThread = new Thread(() ->
            {
                final E1000Driver rx = pair.b.driver();
                final PacketBufferPool pool = pair.b.pool();
                final long[] last = { -1 };
                final FrameReceiver check = (handle, memory, offset, length) ->
                {
                    final long sequence = TestFrames.sequence(memory, offset);
                    if (failure.get() == null)
                    {
                        if (sequence <= last[0] || sequence >= FRAMES)
                        {
                            failure.set("frame " + sequence + " after " + last[0] + ", seed " + seed);
                        }
                        else if (length != lengthOf(sequence))
                        {
                            failure.set("frame " + sequence + " is " + length + " B, sent " + lengthOf(sequence) +
                                " B, seed " + seed);
                        }
                        else if (!TestFrames.payloadIntact(memory, offset, length))
                        {
                            failure.set("frame " + sequence + " payload differs from what was sent, seed " + seed);
                        }
                    }
                    last[0] = sequence;
                    received[0]++;
                    pool.release(handle);
                };
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline)
                {
                    // read the flag first: once it is set every frame is in B's ring or counted as missed
                    final boolean allSent = sent.get();
                    if (rx.receive(check, 16) == 0)
                    {
                        if (allSent)
                        {
                            break;
                        }
                        Thread.onSpinWait();
                    }
                }
            }, "stack-b");
            receiverThread.start();

            final SplittableRandom random = new SplittableRandom(seed);
            final E1000Driver tx = pair.a.driver();
            final PacketBufferPool txPool = pair.a.pool();
            for (long sequence = 0; sequence < FRAMES; )
            {
                tx.reclaim();
                final int batch = 1 + random.nextInt(16);
                for (int i = 0; i < batch && sequence < FRAMES; i++)
                {
                    final int handle = txPool.claim(BufferHolder.TX_BUILD);
                    if (handle == PacketBufferPool.NO_BUFFER)
                    {
                        break;
                    }
                    final int offset = txPool.offset(handle);
                    TestFrames.write(txPool.memory(), offset, lengthOf(sequence), NicPair.MAC_B, NicPair.MAC_A,
                        sequence);
                    if (!tx.transmit(handle, offset, lengthOf(sequence)))
                    {
                        txPool.release(handle);
                        break;
                    }
                    sequence++;
                }
                tx.flush();
                if (random.nextInt(4) == 0)
                {
                    Thread.yield(); // let B catch up now and then, so both full and empty rings happen
                }
            }
            sent.set(true);
            receiverThread.join(TimeUnit.SECONDS.toMillis(70));
            assertFalse(receiverThread.isAlive());
            tx.reclaim();

            assertNull(failure.get());
            pair.b.driver().readStatistics();
            final DriverCounters counters = pair.b.driver().counters();
            assertEquals(FRAMES, received[0] + counters.missedPackets,
                "received " + received[0] + " + missed " + counters.missedPackets + ", seed " + seed);
            assertEquals(received[0], counters.goodPacketsReceived, "GPRC, seed " + seed);
            assertTrue(received[0] > 0, "seed " + seed);
        }
    }
}
