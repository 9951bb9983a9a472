package io.ringstack.ip.decode;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.TcpHeaderDrop;
import io.ringstack.ip.wire.UdpDrop;

/** Counts decoded frames and drops by layer and reason: array increments, nothing allocated per frame. */
public final class DropCounters
{
    private final ReasonCounters<EthernetDrop> link = new ReasonCounters<>(EthernetDrop.class);
    private final ReasonCounters<ArpDrop> arp = new ReasonCounters<>(ArpDrop.class);
    private final ReasonCounters<Ipv4Drop> ipv4 = new ReasonCounters<>(Ipv4Drop.class);
    private final ReasonCounters<UdpDrop> udp = new ReasonCounters<>(UdpDrop.class);
    private final ReasonCounters<IcmpDrop> icmp = new ReasonCounters<>(IcmpDrop.class);
    private final ReasonCounters<TcpHeaderDrop> tcp = new ReasonCounters<>(TcpHeaderDrop.class);
    private long frames;
    private long decoded;
    private long truncated;

    /** Counts one frame as the decoder left it. */
    public void count(final DecodedFrame frame)
    {
        frames++;
        if (frame.truncated())
        {
            truncated++;
        }
        final Layer layer = frame.dropLayer();
        if (layer == null)
        {
            decoded++;
            return;
        }
        final Enum<?> reason = frame.dropReason();
        switch (layer)
        {
            case LINK -> link.increment((EthernetDrop)reason);
            case ARP -> arp.increment((ArpDrop)reason);
            case IPV4 -> ipv4.increment((Ipv4Drop)reason);
            case UDP -> udp.increment((UdpDrop)reason);
            case ICMP -> icmp.increment((IcmpDrop)reason);
            case TCP -> tcp.increment((TcpHeaderDrop)reason);
        }
    }

    public long frames()
    {
        return frames;
    }

    public long decoded()
    {
        return decoded;
    }

    public long dropped()
    {
        return frames - decoded;
    }

    /** Frames the capture kept fewer bytes of than they had on the wire. */
    public long truncated()
    {
        return truncated;
    }

    /** Drops of {@code reason} at {@code layer}. */
    public long drops(final Layer layer, final Enum<?> reason)
    {
        return switch (layer)
        {
            case LINK -> link.get((EthernetDrop)reason);
            case ARP -> arp.get((ArpDrop)reason);
            case IPV4 -> ipv4.get((Ipv4Drop)reason);
            case UDP -> udp.get((UdpDrop)reason);
            case ICMP -> icmp.get((IcmpDrop)reason);
            case TCP -> tcp.get((TcpHeaderDrop)reason);
        };
    }

    /**
     * Appends {@code frames=N decoded=N dropped=N truncated=N}, then {@code layer:REASON=N} for every reason
     * counted, in layer order.
     */
    public StringBuilder appendTo(final StringBuilder out)
    {
        out.append("frames=").append(frames).append(" decoded=").append(decoded).append(" dropped=").append(dropped())
            .append(" truncated=").append(truncated);
        append(out, Layer.LINK, link);
        append(out, Layer.ARP, arp);
        append(out, Layer.IPV4, ipv4);
        append(out, Layer.UDP, udp);
        append(out, Layer.ICMP, icmp);
        append(out, Layer.TCP, tcp);
        return out;
    }

    private static <E extends Enum<E>> void append(
        final StringBuilder out, final Layer layer, final ReasonCounters<E> counters)
    {
        counters.snapshot().forEach((reason, count) ->
            out.append(' ').append(layer.label()).append(':').append(reason.name()).append('=').append(count));
    }

    @Override
    public String toString()
    {
        return appendTo(new StringBuilder()).toString();
    }
}
