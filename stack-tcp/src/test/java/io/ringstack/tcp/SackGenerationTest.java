package io.ringstack.tcp;

import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SACK blocks from the out-of-order queue (RFC 2018 §4) and the SACK option's wire form (§3); D-SACK recognition
 * (RFC 2883 §4). The scripts sack-blocks*.pkt check the same over the wire.
 */
class SackGenerationTest
{
    private final PacketBufferPool pool = PacketBufferPool.allocate("sack", 256, 64);
    private final OutOfOrderQueue queue = new OutOfOrderQueue(16, new BufferBudget(64));
    private final int[] left = new int[4];
    private final int[] right = new int[4];

    @AfterEach
    void release()
    {
        queue.clear(pool);
        assertEquals(0, pool.outstanding());
        pool.close();
    }

    private void hold(final int seq, final int length)
    {
        final int handle = pool.claim(BufferHolder.STACK);
        assertTrue(queue.insert(pool, handle, seq, 0, length, false));
    }

    private String blocks(final int max)
    {
        final int n = queue.sackBlocks(left, right, max);
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            text.append(i == 0 ? "" : " ").append(left[i]).append(':').append(right[i]);
        }
        return text.toString();
    }

    @Test
    void mostRecentSegmentsBlockFirstThenTheOthersLowestFirst()
    {
        hold(5000, 1000);
        hold(1000, 1000);
        hold(3000, 1000);
        assertEquals("3000:4000 1000:2000 5000:6000", blocks(4));
        assertEquals("3000:4000 1000:2000", blocks(2), "only as many as fit");
        hold(7000, 1000);
        hold(9000, 1000);
        hold(11000, 1000);
        // recency remembers four arrivals; 5000 fell out of it and comes after them, in sequence order
        assertEquals("11000:12000 9000:10000 7000:8000 3000:4000", blocks(4));
        assertEquals("11000:12000 9000:10000 7000:8000", blocks(3));
    }

    @Test
    void touchingAndOverlappingSegmentsFormOneBlock()
    {
        hold(1000, 1000);
        hold(2000, 500);  // touches the previous one
        hold(2200, 800);  // overlaps the previous one
        hold(4000, 100);
        assertEquals("4000:4100 1000:3000", blocks(4));
        queue.noteArrival(2000);
        assertEquals("1000:3000 4000:4100", blocks(4));
    }

    @Test
    void aDuplicateArrivalMovesItsBlockFirst()
    {
        hold(1000, 1000);
        hold(3000, 1000);
        hold(5000, 1000);
        assertEquals("5000:6000 3000:4000 1000:2000", blocks(4));
        queue.noteArrival(1000);
        assertEquals("1000:2000 5000:6000 3000:4000", blocks(4));
    }

    @Test
    void aFinWithoutDataIsNoBlock()
    {
        queue.insert(pool, PacketBufferPool.NO_BUFFER, 9000, 0, 0, true);
        assertEquals("", blocks(4));
        hold(1000, 10);
        assertEquals("1000:1010", blocks(4));
    }

    @Test
    void blocksDrainedAwayAreNotReported()
    {
        hold(1000, 1000);
        hold(3000, 1000);
        final int first = queue.firstHandle();
        queue.removeFirst();
        pool.release(first);
        assertEquals("3000:4000", blocks(4));
    }

    @Test
    void sackOptionWireForm()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        final int[] l = { 0x0102_0304, 10, -5 };
        final int[] r = { 0x0102_0400, 20, 7 };
        assertEquals(28, TcpOptions.writeSack(buffer, 0, l, r, 3));
        assertEquals(28, TcpOptions.sackLength(3));
        assertEquals(0, TcpOptions.sackLength(0));
        assertEquals(TcpOptions.KIND_NOP, buffer.getByte(0));
        assertEquals(TcpOptions.KIND_NOP, buffer.getByte(1));
        assertEquals(TcpOptions.KIND_SACK, buffer.getByte(2));
        assertEquals(26, buffer.getByte(3));
        final TcpOptions options = new TcpOptions();
        assertTrue(options.parse(buffer, 0, 28));
        assertEquals(3, options.sackBlockCount());
        for (int b = 0; b < 3; b++)
        {
            assertEquals(l[b], options.sackLeftEdge(b));
            assertEquals(r[b], options.sackRightEdge(b));
        }
        assertThrows(IllegalArgumentException.class, () -> TcpOptions.writeSack(buffer, 0, l, r, 5));
    }

    @Test
    void duplicateSackIsRecognised()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        final TcpOptions options = new TcpOptions();
        // RFC 2883 §4.1.1: the first block below the cumulative ACK
        TcpOptions.writeSack(buffer, 0, new int[] { 3000 }, new int[] { 3500 }, 1);
        options.parse(buffer, 0, 12);
        assertTrue(SackScoreboard.isDuplicateSack(options, 4000));
        assertFalse(SackScoreboard.isDuplicateSack(options, 3000));
        // §4.1.2: the first block inside the second
        TcpOptions.writeSack(buffer, 0, new int[] { 5000, 4500 }, new int[] { 5500, 6000 }, 2);
        options.parse(buffer, 0, 20);
        assertTrue(SackScoreboard.isDuplicateSack(options, 4000));
        TcpOptions.writeSack(buffer, 0, new int[] { 7000, 4500 }, new int[] { 7500, 6000 }, 2);
        options.parse(buffer, 0, 20);
        assertFalse(SackScoreboard.isDuplicateSack(options, 4000));
        // sequence numbers wrap
        TcpOptions.writeSack(buffer, 0, new int[] { -100 }, new int[] { -50 }, 1);
        options.parse(buffer, 0, 12);
        assertTrue(SackScoreboard.isDuplicateSack(options, 10));
        assertFalse(SackScoreboard.isDuplicateSack(options, -100));
    }
}
