package io.ringstack.testsupport.script;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Compares a segment the stack sent with the line that expects it, field by field, and says what differs in the
 * script's terms: {@code ack 1 (expected 1001)}. An empty list means it matches.
 */
final class SegmentMatcher
{
    private final ScriptConfig config;
    private final SequenceSpaces spaces;
    private final SegmentFormatter formatter;

    SegmentMatcher(final ScriptConfig config, final SequenceSpaces spaces, final SegmentFormatter formatter)
    {
        this.config = config;
        this.spaces = spaces;
        this.formatter = formatter;
    }

    List<String> differences(final SegmentSpec expected, final TcpSegment actual)
    {
        final List<String> differences = new ArrayList<>();
        final SequenceSpaces.Connection connection =
            spaces.connection(actual.sourcePort(), actual.destinationPort());
        final int sourcePort = expected.sourcePort() >= 0 ? expected.sourcePort() : config.stackPort();
        final int destinationPort = expected.destinationPort() >= 0 ? expected.destinationPort() : config.peerPort();
        if (actual.sourcePort() != sourcePort || actual.destinationPort() != destinationPort)
        {
            differences.add("ports " + actual.sourcePort() + " > " + actual.destinationPort() + " (expected " +
                sourcePort + " > " + destinationPort + ")");
        }
        if (actual.flags() != expected.flags())
        {
            differences.add("flags " + TcpFlags.text(actual.flags()) + " (expected " + TcpFlags.text(expected.flags()) +
                ")");
        }
        final ScriptNumber sequence = expected.sequence();
        if (!sequence.any() && actual.sequenceNumber() != spaces.stackToWire(connection, sequence))
        {
            differences.add("seq " + stackNumber(connection, actual.sequenceNumber(), sequence) + " (expected " +
                sequence + ")");
        }
        if (!expected.length().any() && actual.payloadLength() != expected.length().value())
        {
            differences.add("length " + actual.payloadLength() + " (expected " + expected.length() + ")");
        }
        final ScriptNumber end = expected.end();
        final long actualEnd = (actual.sequenceNumber() + actual.payloadLength()) & SequenceSpaces.MASK;
        if (!end.any() && (sequence.any() || expected.length().any()) &&
            actualEnd != spaces.stackToWire(connection, end))
        {
            differences.add("end " + stackNumber(connection, actualEnd, end) + " (expected " + end + ")");
        }
        final ScriptNumber acknowledgment = expected.acknowledgment();
        if (acknowledgment != null && !acknowledgment.any() &&
            actual.acknowledgmentNumber() != spaces.peerToWire(acknowledgment))
        {
            differences.add("ack " + peerNumber(actual.acknowledgmentNumber(), acknowledgment) + " (expected " +
                acknowledgment + ")");
        }
        if (expected.window() != null && !expected.window().matches(actual.window()))
        {
            differences.add("win " + actual.window() + " (expected " + expected.window() + ")");
        }
        if (expected.urgentPointer() != null && !expected.urgentPointer().matches(actual.urgentPointer()))
        {
            differences.add("urg " + actual.urgentPointer() + " (expected " + expected.urgentPointer() + ")");
        }
        if (expected.options() != null && !optionsMatch(expected.options(), actual.options()))
        {
            differences.add("options <" + formatter.sentOptions(actual) + "> (expected <" +
                SegmentFormatter.options(expected.options()) + ">)");
        }
        if (expected.payload() != null)
        {
            final String payloadDifference = payloadDifference(expected.payload(), actual, connection);
            if (payloadDifference != null)
            {
                differences.add(payloadDifference);
            }
        }
        return differences;
    }

    private boolean optionsMatch(final List<TcpOption> expected, final List<TcpOption> actual)
    {
        if (expected.size() != actual.size())
        {
            return false;
        }
        for (int i = 0; i < expected.size(); i++)
        {
            if (!optionMatches(expected.get(i), actual.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    private boolean optionMatches(final TcpOption expected, final TcpOption actual)
    {
        return switch (expected)
        {
            case TcpOption.MaximumSegmentSize mss ->
                actual instanceof TcpOption.MaximumSegmentSize a && mss.value().matches(a.value().value());
            case TcpOption.WindowScale scale ->
                actual instanceof TcpOption.WindowScale a && scale.shift().matches(a.shift().value());
            case TcpOption.Timestamps ts -> actual instanceof TcpOption.Timestamps a &&
                ts.value().matches(a.value().value()) && ts.echoReply().matches(a.echoReply().value());
            case TcpOption.Sack sack -> actual instanceof TcpOption.Sack a && sackMatches(sack, a);
            default -> expected.equals(actual);
        };
    }

    /** SACK blocks the stack sends acknowledge the peer's data: the peer's sequence space. */
    private boolean sackMatches(final TcpOption.Sack expected, final TcpOption.Sack actual)
    {
        if (expected.blocks().size() != actual.blocks().size())
        {
            return false;
        }
        for (int i = 0; i < expected.blocks().size(); i++)
        {
            final TcpOption.SackBlock e = expected.blocks().get(i);
            final TcpOption.SackBlock a = actual.blocks().get(i);
            if (!edgeMatches(e.left(), a.left().value()) || !edgeMatches(e.right(), a.right().value()))
            {
                return false;
            }
        }
        return true;
    }

    private boolean edgeMatches(final ScriptNumber expected, final long wire)
    {
        return expected.any() || spaces.peerToWire(expected) == wire;
    }

    private String payloadDifference(final PayloadSpec expected, final TcpSegment actual,
        final SequenceSpaces.Connection connection)
    {
        final byte[] data = actual.payload();
        if (expected.isPattern())
        {
            final long streamOffset = spaces.stackStreamOffset(connection, actual);
            final int at = PayloadPattern.firstDifference(data, streamOffset);
            return at < 0 ? null : "data differs from the pattern at byte " + at + " (stream offset " +
                (streamOffset + at) + "): 0x" + hex(data[at]) + " (expected 0x" +
                hex(PayloadPattern.byteAt(streamOffset + at)) + ")";
        }
        final byte[] bytes = expected.bytes();
        if (Arrays.equals(bytes, data))
        {
            return null;
        }
        final int at = Arrays.mismatch(bytes, data);
        if (at >= Math.min(bytes.length, data.length))
        {
            return "data of " + data.length + " bytes (expected " + bytes.length + ")";
        }
        return "data differs at byte " + at + ": 0x" + hex(data[at]) + " (expected 0x" + hex(bytes[at]) + "); " +
            "sent " + preview(data, at);
    }

    private static String preview(final byte[] data, final int at)
    {
        final int from = Math.max(0, at - 8);
        final int to = Math.min(data.length, at + 8);
        return "[" + from + ".." + to + ") " + HexFormat.of().formatHex(data, from, to);
    }

    private static String hex(final byte b)
    {
        return HexFormat.of().toHexDigits(b);
    }

    /** A stack-space wire number written like the expected one: relative, or absolute for {@code =N}. */
    private String stackNumber(final SequenceSpaces.Connection connection, final long wire,
        final ScriptNumber expected)
    {
        return expected.absolute() ? "=" + wire : Long.toString(spaces.stackFromWire(connection, wire));
    }

    private String peerNumber(final long wire, final ScriptNumber expected)
    {
        return expected.absolute() ? "=" + wire : Long.toString(spaces.peerFromWire(wire));
    }
}
