package io.ringstack.ip.decode;

import io.ringstack.testsupport.SharedCaptures;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding allocates nothing: every frame of the shared captures (decoded, dropped and cut-short ones alike) runs
 * through one decoder, one holder and the drop counters, measured with the thread's allocation counter after
 * warm-up.
 */
class FrameDecoderAllocationTest
{
    @Test
    void decodingEveryCapturedFrameAllocatesNothing()
    {
        final List<CapturedFrame> frames = SharedCaptures.allOrSkip()
            .flatMap(capture -> CapturedFrame.readAll(capture).stream()).toList();
        final UnsafeBuffer[] buffers = new UnsafeBuffer[frames.size()];
        final int[] linkTypes = new int[frames.size()];
        final int[] originals = new int[frames.size()];
        for (int i = 0; i < buffers.length; i++)
        {
            buffers[i] = new UnsafeBuffer(frames.get(i).bytes());
            linkTypes[i] = frames.get(i).linkType();
            originals[i] = frames.get(i).originalLength();
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        final FrameDecoder decoder = new FrameDecoder();
        final DecodedFrame frame = new DecodedFrame();
        final DropCounters counters = new DropCounters();

        run(decoder, frame, counters, buffers, linkTypes, originals, 2_000); // warm-up: let the JIT settle
        final long decodedBefore = counters.decoded();
        final int rounds = 2_000;
        // Up to three windows: a JIT recompilation can re-materialise an object once in a window (deoptimisation);
        // an allocation per frame shows in every window.
        final long[] windows = new long[3];
        long allocated = -1;
        for (int w = 0; w < windows.length && allocated != 0; w++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(decoder, frame, counters, buffers, linkTypes, originals, rounds);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            windows[w] = allocated;
        }
        assertTrue(counters.decoded() - decodedBefore > 100L * rounds, "most frames decode: " + counters);
        assertEquals(0, allocated, "bytes allocated decoding " + (long)rounds * buffers.length + " frames, per window: " +
            java.util.Arrays.toString(windows));
    }

    private static void run(
        final FrameDecoder decoder, final DecodedFrame frame, final DropCounters counters, final UnsafeBuffer[] buffers,
        final int[] linkTypes, final int[] originals, final int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < buffers.length; i++)
            {
                decoder.decode(linkTypes[i], buffers[i], 0, buffers[i].capacity(), originals[i], frame);
                counters.count(frame);
            }
        }
    }
}
