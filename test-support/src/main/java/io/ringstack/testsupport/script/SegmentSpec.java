package io.ringstack.testsupport.script;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A segment as a script line writes it, after {@code <} or {@code >}:
 * <pre>
 *   P. 1:1001(1000) ack 1 win 257 &lt;nop,nop,TS val 5 ecr 7&gt; data pattern
 * </pre>
 * Sequence and acknowledgment numbers are relative to the ISNs unless written {@code =N}. For an expected segment a
 * field that is absent is not checked, except the options: no {@code <...>} means no options, {@code <*>} means
 * any. See {@link Script} for the whole grammar.
 *
 * @param flags           control bits, {@link TcpFlags}
 * @param sequence        the first sequence number
 * @param end             the sequence number after the data ({@code sequence + length})
 * @param length          the payload length in bytes (SYN and FIN not counted, as in packetdrill)
 * @param acknowledgment  {@code ack N}, or null
 * @param window          {@code win N}, or null (an injected segment then uses the configured default)
 * @param urgentPointer   {@code urg N}, or null (0 when injected)
 * @param options         the options in order; empty for none; null for {@code <*>} (any)
 * @param payload         {@code data ...}, or null
 * @param sourcePort      {@code sport N}, or -1 for the configured port of that side
 * @param destinationPort {@code dport N}, or -1 for the configured port of that side
 * @param badChecksum     {@code bad-checksum}: inject with a wrong TCP checksum
 * @param badIpChecksum   {@code bad-ip-checksum}: inject with a wrong IPv4 header checksum
 */
public record SegmentSpec(int flags, ScriptNumber sequence, ScriptNumber end, ScriptNumber length,
    ScriptNumber acknowledgment, ScriptNumber window, ScriptNumber urgentPointer, List<TcpOption> options,
    PayloadSpec payload, int sourcePort, int destinationPort, boolean badChecksum, boolean badIpChecksum)
{
    public SegmentSpec
    {
        options = options == null ? null : List.copyOf(options);
    }

    public boolean has(final int flag)
    {
        return TcpFlags.has(flags, flag);
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        text.append(TcpFlags.text(flags)).append(' ').append(sequence).append(':').append(end)
            .append('(').append(length).append(')');
        if (acknowledgment != null)
        {
            text.append(" ack ").append(acknowledgment);
        }
        if (window != null)
        {
            text.append(" win ").append(window);
        }
        if (urgentPointer != null)
        {
            text.append(" urg ").append(urgentPointer);
        }
        if (options == null)
        {
            text.append(" <*>");
        }
        else if (!options.isEmpty())
        {
            text.append(" <").append(options.stream().map(Object::toString).collect(Collectors.joining(",")))
                .append('>');
        }
        if (payload != null)
        {
            text.append(' ').append(payload);
        }
        if (sourcePort >= 0)
        {
            text.append(" sport ").append(sourcePort);
        }
        if (destinationPort >= 0)
        {
            text.append(" dport ").append(destinationPort);
        }
        if (badChecksum)
        {
            text.append(" bad-checksum");
        }
        if (badIpChecksum)
        {
            text.append(" bad-ip-checksum");
        }
        return text.toString();
    }
}
