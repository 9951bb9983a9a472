package io.ringstack.nic.e1000;

import io.ringstack.nic.NicPair;
import io.ringstack.nic.TestFrames;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.FaultPlan;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The steady-state path driver TX -> device -> wire -> device -> driver RX allocates nothing: measured with the
 * thread's allocation counter around a million frames after warm-up.
 */
class ZeroAllocationTest
{
    private static final int BATCH = 32;

    private long received;
    private PacketBufferPool rxPool;
    private final FrameReceiver releaser = this::onFrame;

    private void onFrame(final int handle, final UnsafeBuffer memory, final int offset, final int length)
    {
        received++;
        rxPool.release(handle);
    }

    @Test
    void aMillionFramesAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        try (NicPair pair = new NicPair(256, 256, 1024, 2048, FaultPlan.NONE, 1, SystemNanoClock.INSTANCE, null))
        {
            rxPool = pair.b.pool();
            run(pair, 200_000); // warm-up: let the JIT settle
            final long sentBefore = received;
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(pair, 1_000_000);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(1_000_000, received - sentBefore, "every frame arrived");
            assertEquals(0, allocated, "bytes allocated over 1,000,000 frames");
        }
    }

    private void run(final NicPair pair, final int frames)
    {
        final E1000Driver tx = pair.a.driver();
        final E1000Driver rx = pair.b.driver();
        final PacketBufferPool txPool = pair.a.pool();
        for (int sent = 0; sent < frames; sent += BATCH)
        {
            tx.reclaim();
            for (int i = 0; i < BATCH; i++)
            {
                final int handle = txPool.claim(BufferHolder.TX_BUILD);
                final int offset = txPool.offset(handle);
                TestFrames.write(txPool.memory(), offset, 24, NicPair.MAC_B, NicPair.MAC_A, sent + i);
                if (!tx.transmit(handle, offset, 60))
                {
                    fail("TX ring full");
                }
            }
            tx.flush();
            int got = 0;
            while (got < BATCH)
            {
                got += rx.receive(releaser, BATCH);
            }
        }
    }
}
