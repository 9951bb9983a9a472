package io.ringstack.testsupport.script;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a wire segment in the script's own syntax, with relative sequence numbers, so that a failure shows the
 * actual segment the way the expected one was written: {@code S. 0:0(0) ack 1 win 64240 <mss 1460>}.
 */
final class SegmentFormatter
{
    private final ScriptConfig config;
    private final SequenceSpaces spaces;

    SegmentFormatter(final ScriptConfig config, final SequenceSpaces spaces)
    {
        this.config = config;
        this.spaces = spaces;
    }

    /** A segment the stack sent. */
    String sent(final TcpSegment segment)
    {
        final SequenceSpaces.Connection connection =
            spaces.connection(segment.sourcePort(), segment.destinationPort());
        final long sequence = spaces.stackFromWire(connection, segment.sequenceNumber());
        final long acknowledgment = spaces.peerFromWire(segment.acknowledgmentNumber());
        final List<TcpOption> options = sackMapped(segment.options(), true, connection);
        return format(segment, sequence, acknowledgment, options, config.stackPort(), config.peerPort());
    }

    /** The options of a segment the stack sent, SACK edges relative. */
    String sentOptions(final TcpSegment segment)
    {
        final SequenceSpaces.Connection connection =
            spaces.connection(segment.sourcePort(), segment.destinationPort());
        return options(sackMapped(segment.options(), true, connection));
    }

    /** A segment the peer injected. */
    String injected(final TcpSegment segment)
    {
        final SequenceSpaces.Connection connection =
            spaces.connection(segment.destinationPort(), segment.sourcePort());
        final long sequence = spaces.peerFromWire(segment.sequenceNumber());
        final long acknowledgment = spaces.stackFromWire(connection, segment.acknowledgmentNumber());
        final List<TcpOption> options = sackMapped(segment.options(), false, connection);
        return format(segment, sequence, acknowledgment, options, config.peerPort(), config.stackPort());
    }

    private static String format(final TcpSegment segment, final long sequence, final long acknowledgment,
        final List<TcpOption> options, final int defaultSourcePort, final int defaultDestinationPort)
    {
        final StringBuilder text = new StringBuilder();
        final long end = (sequence + segment.payloadLength()) & SequenceSpaces.MASK;
        text.append(TcpFlags.text(segment.flags())).append(' ').append(sequence).append(':').append(end)
            .append('(').append(segment.payloadLength()).append(')');
        if (segment.has(TcpFlags.ACK) || segment.acknowledgmentNumber() != 0)
        {
            text.append(" ack ").append(acknowledgment);
        }
        text.append(" win ").append(segment.window());
        if (segment.has(TcpFlags.URG) || segment.urgentPointer() != 0)
        {
            text.append(" urg ").append(segment.urgentPointer());
        }
        if (!options.isEmpty())
        {
            text.append(" <").append(options(options)).append('>');
        }
        if (segment.sourcePort() != defaultSourcePort)
        {
            text.append(" sport ").append(segment.sourcePort());
        }
        if (segment.destinationPort() != defaultDestinationPort)
        {
            text.append(" dport ").append(segment.destinationPort());
        }
        if (!segment.tcpChecksumValid())
        {
            text.append(" bad-checksum");
        }
        if (!segment.ipChecksumValid())
        {
            text.append(" bad-ip-checksum");
        }
        return text.toString();
    }

    static String options(final List<TcpOption> options)
    {
        return options.stream().map(Object::toString).collect(Collectors.joining(","));
    }

    /**
     * SACK blocks in relative numbers: a block in a segment the stack sent acknowledges the peer's data, one in an
     * injected segment the stack's.
     */
    private List<TcpOption> sackMapped(final List<TcpOption> options, final boolean sentByStack,
        final SequenceSpaces.Connection connection)
    {
        final List<TcpOption> mapped = new ArrayList<>(options.size());
        for (final TcpOption option : options)
        {
            if (option instanceof TcpOption.Sack sack)
            {
                final List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (final TcpOption.SackBlock block : sack.blocks())
                {
                    blocks.add(new TcpOption.SackBlock(
                        ScriptNumber.of(relative(block.left().value(), sentByStack, connection)),
                        ScriptNumber.of(relative(block.right().value(), sentByStack, connection))));
                }
                mapped.add(new TcpOption.Sack(blocks));
            }
            else
            {
                mapped.add(option);
            }
        }
        return mapped;
    }

    private long relative(final long wire, final boolean sentByStack, final SequenceSpaces.Connection connection)
    {
        return sentByStack ? spaces.peerFromWire(wire) : spaces.stackFromWire(connection, wire);
    }
}
