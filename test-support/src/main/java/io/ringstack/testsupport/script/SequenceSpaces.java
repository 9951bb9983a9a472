package io.ringstack.testsupport.script;

import java.util.HashMap;
import java.util.Map;

/**
 * The mapping between a script's relative sequence numbers and the wire's, per connection (stack port, peer port).
 * <ul>
 * <li>The stack's side: learned from the first SYN (or SYN-ACK) the stack sends on the connection. Relative number
 *     {@code r} is {@code r - scriptIsn + stackIsn} on the wire, where {@code scriptIsn} is what the expected line
 *     wrote for that SYN (usually 0). Before that, numbers are taken as they are. Once learned, the ISN is checked,
 *     not learned again, unless the peer has injected a SYN with a new sequence number (a new incarnation, e.g.
 *     TIME-WAIT reuse) and the stack's very next segment on the connection is a SYN.</li>
 * <li>The peer's side: the script's numbers plus {@link ScriptConfig#peerIsn()}. The peer's script ISN (the number
 *     its SYN wrote) only places injected data in the {@link PayloadPattern} stream.</li>
 * </ul>
 * All arithmetic is modulo 2^32 (RFC 9293 §3.4).
 */
final class SequenceSpaces
{
    static final long MASK = 0xFFFF_FFFFL;

    private final long peerIsn;
    private final Map<Integer, Connection> connections = new HashMap<>();

    SequenceSpaces(final long peerIsn)
    {
        this.peerIsn = peerIsn;
    }

    /** One connection's learned numbers. */
    static final class Connection
    {
        private boolean stackIsnKnown;
        private long stackIsn;
        private long scriptStackIsn;
        private boolean relearnAllowed;
        private boolean peerSynSeen;
        private long scriptPeerIsn;
        private boolean stackTimestampSeen;
        private long lastStackTimestamp;

        /** The TSval of the last segment the stack sent on this connection, for an injected {@code ecr echo}. */
        long lastStackTimestamp()
        {
            if (!stackTimestampSeen)
            {
                throw new IllegalStateException("'ecr echo' before the stack sent any TSval on this connection");
            }
            return lastStackTimestamp;
        }

        boolean stackIsnKnown()
        {
            return stackIsnKnown;
        }

        long stackIsn()
        {
            return stackIsn;
        }

        private long stackOffset()
        {
            return stackIsnKnown ? stackIsn - scriptStackIsn : 0;
        }
    }

    Connection connection(final int stackPort, final int peerPort)
    {
        return connections.computeIfAbsent((stackPort << 16) | peerPort, key -> new Connection());
    }

    /** The wire value of a number in the stack's sequence space. */
    long stackToWire(final Connection connection, final ScriptNumber number)
    {
        return number.absolute() ? number.value() : (number.value() + connection.stackOffset()) & MASK;
    }

    /** The script's (relative) value of a wire number in the stack's sequence space. */
    long stackFromWire(final Connection connection, final long wire)
    {
        return (wire - connection.stackOffset()) & MASK;
    }

    /** The wire value of a number in the peer's sequence space. */
    long peerToWire(final ScriptNumber number)
    {
        return number.absolute() ? number.value() : (number.value() + peerIsn) & MASK;
    }

    /** The script's value of a wire number in the peer's sequence space. */
    long peerFromWire(final long wire)
    {
        return (wire - peerIsn) & MASK;
    }

    /**
     * The peer injects a SYN (or SYN-ACK) whose sequence number the script wrote as {@code scriptSequence}. A SYN
     * without ACK with a sequence number other than the previous one starts a new incarnation of the connection.
     */
    void peerSyn(final Connection connection, final long scriptSequence, final boolean acknowledges)
    {
        if (connection.peerSynSeen && connection.scriptPeerIsn != scriptSequence && !acknowledges)
        {
            connection.relearnAllowed = true;
        }
        connection.peerSynSeen = true;
        connection.scriptPeerIsn = scriptSequence;
    }

    /**
     * The stack sent {@code segment} on the connection, matched against an expected line whose start sequence
     * number is {@code expectedSequence} (null when no line expects it). Learns the stack's ISN from a SYN.
     */
    void stackSent(final Connection connection, final TcpSegment segment, final ScriptNumber expectedSequence)
    {
        if (segment.has(TcpFlags.SYN) && (!connection.stackIsnKnown || connection.relearnAllowed))
        {
            connection.stackIsnKnown = true;
            connection.stackIsn = segment.sequenceNumber();
            connection.scriptStackIsn = expectedSequence == null || expectedSequence.any() ||
                expectedSequence.absolute() ? 0 : expectedSequence.value();
        }
        connection.relearnAllowed = false;
        for (final TcpOption option : segment.options())
        {
            if (option instanceof TcpOption.Timestamps timestamps && !timestamps.value().any())
            {
                connection.stackTimestampSeen = true;
                connection.lastStackTimestamp = timestamps.value().value();
            }
        }
    }

    /** Where the data of a segment the stack sent starts in its stream (0 = the byte after the SYN). */
    long stackStreamOffset(final Connection connection, final TcpSegment segment)
    {
        final long first = segment.sequenceNumber() + (segment.has(TcpFlags.SYN) ? 1 : 0);
        final long isn = connection.stackIsnKnown ? connection.stackIsn : 0;
        return (first - isn - 1) & MASK;
    }

    /** Where the data of an injected segment starts in the peer's stream; {@code scriptSequence} as written. */
    long peerStreamOffset(final Connection connection, final long scriptSequence, final boolean syn)
    {
        return (scriptSequence + (syn ? 1 : 0) - connection.scriptPeerIsn - 1) & MASK;
    }
}
