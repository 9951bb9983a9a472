package io.ringstack.tcp;

import io.ringstack.tcp.wire.TcpOptions;

import static io.ringstack.tcp.wire.SequenceNumber.lessOrEqual;
import static io.ringstack.tcp.wire.SequenceNumber.lessThan;

/**
 * The sender's record of the SACK blocks its peer reported (RFC 2018, RFC 6675 §3).
 */
final class SackScoreboard
{
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
}
