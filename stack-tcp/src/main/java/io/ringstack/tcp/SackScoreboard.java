package io.ringstack.tcp;

import io.ringstack.tcp.wire.TcpOptions;

import static io.ringstack.tcp.wire.SequenceNumber.greaterThan;
import static io.ringstack.tcp.wire.SequenceNumber.lessOrEqual;
import static io.ringstack.tcp.wire.SequenceNumber.lessThan;

/**
 * The sender's record of the SACK blocks its peer reported (RFC 6675 §3 "scoreboard"), kept as a mark on each
 * buffer of the {@link SendQueue}, and the routines of RFC 6675 §4 that read it: {@link #isLost IsLost},
 * {@link #pipe SetPipe} and {@link #nextSeg NextSeg}.
 * <pre>
 *   SND.UNA                                                           HighData (SND.MAX)
 *      |  seg 0  |  seg 1  |  seg 2  |  seg 3  |  seg 4  |  seg 5  |  seg 6  |
 *      | hole    | SACKed  | hole    | SACKed  | SACKed  | SACKed  | hole    |
 *      |<------- IsLost: DupThresh SACKed segments above -------->|
 *                                                           HighSACK ^
 * </pre>
 * A segment here is one send buffer (each holds at most one SMSS), retransmitted whole from the same buffer.
 * A buffer is SACKed when one block covers all of it. IsLost is monotone (what lies below a lost segment has at
 * least as much SACKed above it), so one scan down from HighSACK finds the highest lost position; everything
 * un-SACKed at or below it is lost.
 */
final class SackScoreboard
{
    /** RFC 6675 §2: DupThresh. */
    static final int DUP_THRESH = 3;
    /** {@link #nextSeg}: nothing may be sent. */
    static final int NONE = -1;
    /** {@link #nextSeg}: rule (2), send new data. */
    static final int NEW_DATA = -2;

    private final SendQueue queue;
    /** HighSACK: the right edge of the highest SACKed buffer (meaningful while a buffer is SACKed). */
    private int highSack;
    /** Which NextSeg rule (1 to 4) chose the last answer. */
    private int rule;

    SackScoreboard(final SendQueue queue)
    {
        this.queue = queue;
    }

    /**
     * RFC 2883 §4: the first block reports a duplicate segment (a D-SACK) when it lies below the cumulative ACK, or
     * within the second block.
     */
    static boolean isDuplicateSack(final TcpOptions options, final int segAck)
    {
        final int left = options.sackLeftEdge(0);
        final int right = options.sackRightEdge(0);
        if (lessThan(left, segAck))
        {
            return true;
        }
        return options.sackBlockCount() > 1 && lessOrEqual(options.sackLeftEdge(1), left) &&
            lessOrEqual(right, options.sackRightEdge(1));
    }

    /**
     * Update() (RFC 6675 §4): marks every buffer that one of the ACK's blocks covers. A D-SACK block (RFC 2883),
     * a block at or below the cumulative ACK, or one reaching past what was sent (RFC 2018 §8 allows no such
     * block; a forged one must not mark data the peer cannot have) is skipped.
     *
     * @return whether a buffer not SACKed before is SACKed now.
     */
    boolean update(final TcpOptions options, final int segAck, final int sndMax)
    {
        boolean newlySacked = false;
        final int blocks = options.sackBlockCount();
        for (int b = 0; b < blocks; b++)
        {
            if (b == 0 && isDuplicateSack(options, segAck))
            {
                continue;
            }
            int left = options.sackLeftEdge(b);
            final int right = options.sackRightEdge(b);
            if (!lessThan(left, right) || lessOrEqual(right, segAck) || greaterThan(right, sndMax))
            {
                continue;
            }
            if (lessThan(left, segAck))
            {
                left = segAck;
            }
            for (int p = queue.positionAfter(left); p >= 0 && p < queue.size() &&
                lessOrEqual(queue.end(p), right); p++)
            {
                if (lessOrEqual(left, queue.sequence(p)) && queue.markSacked(p))
                {
                    newlySacked = true;
                    if (queue.sackedBuffers() == 1 || greaterThan(queue.end(p), highSack))
                    {
                        highSack = queue.end(p);
                    }
                }
            }
        }
        return newlySacked;
    }

    /** Forgets every block (the peer reneged on what it SACKed: RFC 2018 §8). */
    void clear()
    {
        queue.clearSacked();
    }

    /** HighSACK: the highest sequence number SACKed, plus one; meaningful while {@link #anySacked()}. */
    int highSack()
    {
        return highSack;
    }

    boolean anySacked()
    {
        return queue.sackedBuffers() > 0;
    }

    /**
     * The highest position that IsLost (RFC 6675 §4) holds for: with DupThresh SACKed buffers, or more than
     * (DupThresh - 1) * SMSS SACKed bytes, above it. -1 when none.
     */
    int highestLostPosition(final int smss)
    {
        if (queue.sackedBuffers() == 0)
        {
            return -1;
        }
        int buffers = 0;
        long bytes = 0;
        for (int p = queue.positionAfter(highSack - 1); p >= 0; p--)
        {
            if (buffers >= DUP_THRESH || bytes > (long)(DUP_THRESH - 1) * smss)
            {
                return p;
            }
            if (queue.isSacked(p))
            {
                buffers++;
                bytes += queue.length(p);
            }
        }
        return -1;
    }

    /** IsLost(SeqNum) (RFC 6675 §4) for the buffer holding {@code seq}. */
    boolean isLost(final int seq, final int smss)
    {
        final int p = queue.positionAfter(seq);
        return p >= 0 && p <= highestLostPosition(smss) && !queue.isSacked(p);
    }

    /**
     * SetPipe() (RFC 6675 §4): the octets in flight. For each octet from SND.UNA to HighData not SACKed: one if it
     * is not lost ("still assumed to be in the network"), and one more if it was retransmitted (below HighRxt).
     *
     * @param highRxt the sequence number after the highest octet retransmitted (SND.UNA when none was)
     */
    int pipe(final int sndMax, final int highRxt, final int smss)
    {
        final int lost = highestLostPosition(smss);
        int pipe = 0;
        for (int p = 0; p < queue.size() && lessThan(queue.sequence(p), sndMax); p++)
        {
            if (queue.isSacked(p))
            {
                continue;
            }
            final int start = queue.sequence(p);
            final int end = lessThan(queue.end(p), sndMax) ? queue.end(p) : sndMax;
            if (p > lost)
            {
                pipe += end - start;
            }
            if (lessThan(start, highRxt))
            {
                pipe += (lessThan(end, highRxt) ? end : highRxt) - start;
            }
        }
        return pipe;
    }

    /**
     * NextSeg() (RFC 6675 §4): what to send next in loss recovery.
     * <ol>
     * <li>the lowest un-SACKed buffer above HighRxt and below HighSACK for which IsLost holds;</li>
     * <li>else new data, if there is some the receiver's window allows ({@code newDataAllowed});</li>
     * <li>else the lowest un-SACKed buffer above HighRxt and below HighSACK, lost or not;</li>
     * <li>else, once per recovery ({@code rescueAllowed}), a rescue retransmission of the buffer holding the
     * highest un-SACKed octet sent.</li>
     * </ol>
     * {@link #rule()} tells which rule answered.
     *
     * @return a buffer's position, {@link #NEW_DATA} or {@link #NONE}.
     */
    int nextSeg(final int sndMax, final int highRxt, final boolean newDataAllowed, final boolean rescueAllowed,
        final int smss)
    {
        int candidate = NONE;
        if (anySacked())
        {
            final int lost = highestLostPosition(smss);
            for (int p = queue.positionAfter(highRxt); p >= 0 && p < queue.size() &&
                lessThan(queue.sequence(p), highSack); p++)
            {
                if (queue.isSacked(p))
                {
                    continue;
                }
                if (p <= lost)
                {
                    rule = 1;
                    return p;
                }
                candidate = p; // not lost, and nothing above it is (IsLost is monotone): rule (3)'s choice
                break;
            }
        }
        if (newDataAllowed)
        {
            rule = 2;
            return NEW_DATA;
        }
        if (candidate != NONE)
        {
            rule = 3;
            return candidate;
        }
        if (rescueAllowed)
        {
            final int top = queue.positionAfter(sndMax - 1);
            for (int p = top < 0 ? queue.size() - 1 : top; p >= 0; p--)
            {
                if (!queue.isSacked(p) && lessThan(queue.sequence(p), sndMax))
                {
                    rule = 4;
                    return p;
                }
            }
        }
        rule = 0;
        return NONE;
    }

    /** The rule of RFC 6675's NextSeg (1 to 4) that gave the last answer; 0 for none. */
    int rule()
    {
        return rule;
    }
}
