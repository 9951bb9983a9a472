package io.ringstack.tcp;

import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The scoreboard over the send queue and RFC 6675 §4's routines: Update, IsLost, SetPipe (pipe) and NextSeg's four
 * rules. Segments are send buffers of one SMSS (1000 B here), segment i = [i * 1000, (i + 1) * 1000).
 */
class SackScoreboardTest
{
    private static final int SMSS = 1000;

    private final SendQueue queue = new SendQueue(64);
    private final SackScoreboard board = new SackScoreboard(queue);
    private final TcpOptions options = new TcpOptions();
    private final UnsafeBuffer wire = new UnsafeBuffer(new byte[40]);

    /** {@code segments} buffers of one SMSS from sequence number {@code base}. */
    private void queueSegments(final int base, final int segments)
    {
        for (int i = 0; i < segments; i++)
        {
            queue.add(100 + i, base + i * SMSS, SMSS);
        }
    }

    /** An ACK's SACK option with blocks given as segment index ranges [from, to). */
    private boolean sack(final int segAck, final int sndMax, final int... fromTo)
    {
        final int blocks = fromTo.length / 2;
        final int[] left = new int[blocks];
        final int[] right = new int[blocks];
        for (int b = 0; b < blocks; b++)
        {
            left[b] = fromTo[2 * b] * SMSS;
            right[b] = fromTo[2 * b + 1] * SMSS;
        }
        final int length = TcpOptions.writeSack(wire, 0, left, right, blocks);
        assertTrue(options.parse(wire, 0, length));
        return board.update(options, segAck, sndMax);
    }

    private String marks()
    {
        final StringBuilder text = new StringBuilder();
        for (int p = 0; p < queue.size(); p++)
        {
            text.append(queue.isSacked(p) ? 'S' : '.');
        }
        return text.toString();
    }

    @Test
    void updateMarksWholeSegmentsInsideBlocks()
    {
        queueSegments(0, 10);
        assertTrue(sack(0, 10_000, 2, 4, 6, 7));
        assertEquals("..SS..S...", marks());
        assertEquals(7_000, board.highSack());
        assertEquals(3_000, queue.sackedBytes());
        assertFalse(sack(0, 10_000, 2, 4), "nothing new");
        assertFalse(board.update(parsed(8_000, 8_500), 0, 10_000), "a block covering half a segment marks nothing");
        assertEquals("..SS..S...", marks());
    }

    private TcpOptions parsed(final int left, final int right)
    {
        final int length = TcpOptions.writeSack(wire, 0, new int[] { left }, new int[] { right }, 1);
        options.parse(wire, 0, length);
        return options;
    }

    @Test
    void updateSkipsDuplicateSackStaleAndForgedBlocks()
    {
        queueSegments(0, 10);
        // RFC 2883: a first block below the cumulative ACK reports a duplicate, not a hole
        assertFalse(board.update(parsed(0, 1_000), 1_000, 10_000));
        // beyond what was sent (SND.MAX = 5000): a forged or broken block marks nothing
        assertFalse(board.update(parsed(6_000, 8_000), 0, 5_000));
        // right edge at or below the cumulative ACK
        assertFalse(board.update(parsed(1_000, 2_000), 3_000, 10_000));
        // left edge >= right edge
        assertFalse(board.update(parsed(4_000, 4_000), 0, 10_000));
        assertEquals("..........", marks());
        // a D-SACK first block inside the second: the second still counts
        final int length = TcpOptions.writeSack(wire, 0, new int[] { 3_000, 2_000 }, new int[] { 4_000, 5_000 }, 2);
        options.parse(wire, 0, length);
        assertTrue(board.update(options, 0, 10_000));
        assertEquals("..SSS.....", marks());
    }

    @Test
    void isLostNeedsDupThreshSegmentsOrMoreThanTwoSmssSackedAbove()
    {
        queueSegments(0, 10);
        sack(0, 10_000, 1, 2, 3, 4);
        assertFalse(board.isLost(0, SMSS), "two SACKed segments above");
        sack(0, 10_000, 5, 6);
        assertTrue(board.isLost(0, SMSS), "three SACKed segments above");
        assertTrue(board.isLost(500, SMSS));
        assertFalse(board.isLost(2_500, SMSS), "two SACKed above");
        assertFalse(board.isLost(4_000, SMSS), "only one SACKed above");
        assertFalse(board.isLost(3_000, SMSS), "SACKed itself");
        assertEquals(0, board.highestLostPosition(SMSS));
    }

    @Test
    void isLostCountsBytesWhenSegmentsAreLarge()
    {
        // two SACKed buffers of 1.5 SMSS each: 3000 B > (DupThresh - 1) * SMSS
        queue.add(1, 0, 1_000);
        queue.add(2, 1_000, 1_500);
        queue.add(3, 2_500, 1_500);
        final int length = TcpOptions.writeSack(wire, 0, new int[] { 1_000 }, new int[] { 4_000 }, 1);
        options.parse(wire, 0, length);
        board.update(options, 0, 4_000);
        assertTrue(board.isLost(0, SMSS));
    }

    @Test
    void pipeCountsWhatIsStillInTheNetworkAndEachRetransmission()
    {
        queueSegments(0, 10);
        // RFC 6675 §4 SetPipe: holes 0, 2, 4, 8, 9; SACKed 1, 3, 5, 6, 7
        sack(0, 10_000, 1, 2, 3, 4, 5, 8);
        // lost: 0, 2 (>= 3 SACKed segments above); not lost: 4 (3 SACKed above: 5, 6, 7) -> lost too; 8, 9 not
        assertEquals(4, board.highestLostPosition(SMSS));
        assertEquals(2_000, board.pipe(10_000, 0, SMSS), "only 8 and 9 are in flight");
        assertEquals(3_000, board.pipe(10_000, 1_000, SMSS), "segment 0 was retransmitted");
        assertEquals(5_000, board.pipe(10_000, 5_000, SMSS), "0, 2 and 4 were retransmitted");
        assertEquals(1_000, board.pipe(9_000, 0, SMSS), "only what was sent counts");
    }

    @Test
    void nextSegRule1LostSegmentsAboveHighRxtInOrder()
    {
        queueSegments(0, 10);
        sack(0, 10_000, 1, 2, 3, 4, 5, 8);
        assertEquals(0, board.nextSeg(10_000, 0, true, true, SMSS));
        assertEquals(1, board.rule());
        assertEquals(2, board.nextSeg(10_000, 1_000, true, true, SMSS), "above HighRxt");
        assertEquals(4, board.nextSeg(10_000, 3_000, true, true, SMSS));
        assertEquals(1, board.rule());
    }

    @Test
    void nextSegRule2NewDataWhenNoLostSegmentIsLeft()
    {
        queueSegments(0, 10);
        sack(0, 10_000, 1, 2, 3, 4, 5, 8);
        assertEquals(SackScoreboard.NEW_DATA, board.nextSeg(10_000, 5_000, true, true, SMSS));
        assertEquals(2, board.rule());
    }

    @Test
    void nextSegRule3HolesNotYetLostBelowHighSack()
    {
        queueSegments(0, 10);
        sack(0, 10_000, 1, 2, 3, 4, 6, 8);
        // holes 0, 2, 4, 5, 8, 9; SACKed 1, 3, 6, 7; lost: 0, 2 only (4 and 5 have two SACKed segments above)
        assertEquals(2, board.highestLostPosition(SMSS));
        assertEquals(SackScoreboard.NEW_DATA, board.nextSeg(10_000, 3_000, true, true, SMSS));
        assertEquals(4, board.nextSeg(10_000, 3_000, false, true, SMSS), "no new data: the next hole");
        assertEquals(3, board.rule());
        assertEquals(5, board.nextSeg(10_000, 5_000, false, true, SMSS));
        assertEquals(3, board.rule());
    }

    @Test
    void nextSegRule4RescuesTheHighestUnsackedSegmentOnce()
    {
        queueSegments(0, 10);
        sack(0, 10_000, 1, 2, 3, 4, 6, 8);
        // everything below HighSACK retransmitted, no new data: the rescue resends the highest un-SACKed octet's
        // segment (9), and only while allowed
        assertEquals(9, board.nextSeg(10_000, 8_000, false, true, SMSS));
        assertEquals(4, board.rule());
        assertEquals(SackScoreboard.NONE, board.nextSeg(10_000, 8_000, false, false, SMSS));
        assertEquals(0, board.rule());
        // with the tail SACKed, 8 lies below HighSACK: rule 3 first; once it is retransmitted, the rescue takes
        // the highest un-SACKed segment below SND.MAX, 8 again
        sack(0, 10_000, 9, 10);
        assertEquals(8, board.nextSeg(10_000, 8_000, false, true, SMSS));
        assertEquals(3, board.rule());
        assertEquals(8, board.nextSeg(10_000, 9_000, false, true, SMSS));
        assertEquals(4, board.rule());
    }

    @Test
    void acknowledgedSegmentsLeaveTheScoreboard()
    {
        queueSegments(0, 6);
        sack(0, 6_000, 1, 3);
        assertEquals(2_000, queue.sackedBytes());
        queue.removeFirst();
        queue.removeFirst();
        assertEquals(1_000, queue.sackedBytes());
        assertEquals(1, queue.sackedBuffers());
        board.clear();
        assertEquals(0, queue.sackedBytes());
        assertFalse(board.anySacked());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 42, 4711 })
    void randomScoreboardsAgreeWithTheDefinitions(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int base = random.nextInt(); // anywhere in sequence space, wrapping included
        final int segments = 5 + random.nextInt(40);
        for (int i = 0; i < segments; i++)
        {
            queue.add(i, base + i * SMSS, SMSS);
        }
        final boolean[] sacked = new boolean[segments];
        for (int round = 0; round < 4; round++)
        {
            final int from = random.nextInt(segments);
            final int to = from + 1 + random.nextInt(Math.min(5, segments - from));
            final int length = TcpOptions.writeSack(wire, 0, new int[] { base + from * SMSS },
                new int[] { base + to * SMSS }, 1);
            options.parse(wire, 0, length);
            board.update(options, base, base + segments * SMSS);
            for (int i = from; i < to; i++)
            {
                sacked[i] = true;
            }
        }
        final int highRxt = base + random.nextInt(segments) * SMSS;
        int expectedPipe = 0;
        for (int i = 0; i < segments; i++)
        {
            assertEquals(sacked[i], queue.isSacked(i), "seed " + seed);
            int above = 0;
            for (int j = i + 1; j < segments; j++)
            {
                above += sacked[j] ? 1 : 0;
            }
            final boolean lost = !sacked[i] && above >= 3;
            assertEquals(lost, board.isLost(base + i * SMSS, SMSS), "seed " + seed + " segment " + i);
            if (!sacked[i])
            {
                expectedPipe += lost ? 0 : SMSS;
                expectedPipe += base + i * SMSS - highRxt < 0 ? SMSS : 0;
            }
        }
        assertEquals(expectedPipe, board.pipe(base + segments * SMSS, highRxt, SMSS), "seed " + seed);
    }
}
