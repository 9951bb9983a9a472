package io.ringstack.demo;

import io.ringstack.ethernet.arp.ArpEvent;
import io.ringstack.ip.stack.StackEvent;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.nic.e1000.DriverCounters;
import io.ringstack.tcp.TcpEvent;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.ringstack.demo.StackCounters.get;
import static io.ringstack.demo.StackCounters.total;

/**
 * A host's counters as {@code netstat -s} prints Linux's: a group per protocol, one "count what" line per counter.
 * The counters every report has are printed even when zero; the others only when not; drops follow their group,
 * one line per reason ({@code 3 dropped: BAD_CHECKSUM}).
 * <pre>
 *   counters of server 10.0.0.2/24 (netstat -s), 2.0 s
 *   Ip:
 *       412 total packets received
 *       ...
 *   Icmp:  Tcp:  Udp:  Arp:  Ethernet:  Nic:
 * </pre>
 */
final class NetstatReport
{
    private static final Set<TcpEvent> TCP_MAIN = EnumSet.of(TcpEvent.ACTIVE_OPENS, TcpEvent.PASSIVE_OPENS,
        TcpEvent.RESETS_RECEIVED, TcpEvent.ESTABLISHED, TcpEvent.SEGMENTS_RECEIVED, TcpEvent.SEGMENTS_SENT,
        TcpEvent.SEGMENTS_RETRANSMITTED, TcpEvent.RESETS_SENT);
    private static final Set<ArpEvent> ARP_MAIN = EnumSet.of(ArpEvent.REQUESTS_RECEIVED, ArpEvent.REPLIES_RECEIVED,
        ArpEvent.REQUESTS_SENT, ArpEvent.REPLIES_SENT);

    private NetstatReport()
    {
    }

    /** The report, {@code seconds} after the host started serving, as lines ending in a line separator. */
    static String format(final StackCounters c, final double seconds)
    {
        final StringBuilder out = new StringBuilder(2048);
        out.append(String.format(Locale.ROOT, "counters of %s (netstat -s), %.1f s%n", c.host(), seconds));
        ip(out, c);
        icmp(out, c);
        tcp(out, c);
        udp(out, c);
        arp(out, c);
        ethernet(out, c);
        nic(out, c.nic());
        return out.toString();
    }

    private static void ip(final StringBuilder out, final StackCounters c)
    {
        final Map<StackEvent, Long> ip = c.ip();
        out.append("Ip:").append(System.lineSeparator());
        line(out, get(ip, StackEvent.IPV4_RECEIVED), "total packets received");
        line(out, total(c.ipDrops()), "incoming packets discarded");
        line(out, get(ip, StackEvent.ICMP_PROCESSED) + get(ip, StackEvent.UDP_QUEUED) +
            get(ip, StackEvent.PROTOCOL_HANDLED), "incoming packets delivered");
        line(out, get(ip, StackEvent.IPV4_SENT), "requests sent out");
        line(out, total(c.ipSendDrops()), "outgoing packets dropped");
        optional(out, get(ip, StackEvent.FRAGMENTS_RECEIVED), "fragments received");
        optional(out, get(ip, StackEvent.DATAGRAMS_REASSEMBLED), "packets reassembled ok");
        optional(out, get(ip, StackEvent.FRAGMENTS_SENT), "fragments created");
        reasons(out, c.ipDrops(), "dropped");
        reasons(out, c.ipSendDrops(), "not sent");
    }

    private static void icmp(final StringBuilder out, final StackCounters c)
    {
        final Map<StackEvent, Long> ip = c.ip();
        out.append("Icmp:").append(System.lineSeparator());
        line(out, get(ip, StackEvent.ICMP_PROCESSED) + total(c.icmpDrops()), "ICMP messages received");
        line(out, total(c.icmpDrops()), "input ICMP message failed");
        line(out, get(ip, StackEvent.ECHO_REPLIES_SENT) + get(ip, StackEvent.ECHO_REQUESTS_SENT) +
            get(ip, StackEvent.ICMP_ERRORS_SENT), "ICMP messages sent");
        optional(out, get(ip, StackEvent.ECHO_REQUESTS_RECEIVED), "echo requests received");
        optional(out, get(ip, StackEvent.ECHO_REPLIES_SENT), "echo replies sent");
        optional(out, get(ip, StackEvent.ECHO_REQUESTS_SENT), "echo requests sent");
        optional(out, get(ip, StackEvent.ECHO_REPLIES_RECEIVED), "echo replies received");
        optional(out, get(ip, StackEvent.ICMP_ERRORS_RECEIVED), "errors received");
        optional(out, get(ip, StackEvent.ICMP_ERRORS_SENT), "errors sent");
        optional(out, get(ip, StackEvent.PORT_UNREACHABLE), "port unreachable");
        optional(out, get(ip, StackEvent.PROTOCOL_UNREACHABLE), "protocol unreachable");
        optional(out, get(ip, StackEvent.ICMP_ERRORS_SUPPRESSED), "errors not sent (RFC 1122 forbids them)");
        optional(out, get(ip, StackEvent.ICMP_ERRORS_RATE_LIMITED), "errors not sent (rate limit)");
        reasons(out, c.icmpDrops(), "dropped");
    }

    private static void tcp(final StringBuilder out, final StackCounters c)
    {
        final Map<TcpEvent, Long> tcp = c.tcp();
        out.append("Tcp:").append(System.lineSeparator());
        line(out, get(tcp, TcpEvent.ACTIVE_OPENS), "active connection openings");
        line(out, get(tcp, TcpEvent.PASSIVE_OPENS), "passive connection openings");
        line(out, get(tcp, TcpEvent.RESETS_RECEIVED), "connection resets received");
        line(out, get(tcp, TcpEvent.ESTABLISHED), "connections established (" + c.tcpConnections() + " open now)");
        line(out, get(tcp, TcpEvent.SEGMENTS_RECEIVED), "segments received");
        line(out, get(tcp, TcpEvent.SEGMENTS_SENT), "segments sent out");
        line(out, get(tcp, TcpEvent.SEGMENTS_RETRANSMITTED), "segments retransmitted");
        line(out, total(c.tcpDrops()), "segments dropped");
        line(out, get(tcp, TcpEvent.RESETS_SENT), "resets sent");
        tcp.forEach((event, value) ->
        {
            if (!TCP_MAIN.contains(event))
            {
                line(out, value, words(event));
            }
        });
        reasons(out, c.tcpDrops(), "dropped");
    }

    private static void udp(final StringBuilder out, final StackCounters c)
    {
        final long noPort = get(c.udpDrops(), UdpDrop.NO_SOCKET) + get(c.udpDrops(), UdpDrop.NO_SOCKET_BROADCAST);
        out.append("Udp:").append(System.lineSeparator());
        line(out, c.udpReceived(), "packets received");
        line(out, noPort, "packets to unknown port received");
        line(out, total(c.udpDrops()) - noPort, "packet receive errors");
        line(out, c.udpSent(), "packets sent");
        optional(out, c.udpSendNoBuffer(), "send buffer errors");
        reasons(out, c.udpDrops(), "dropped");
    }

    private static void arp(final StringBuilder out, final StackCounters c)
    {
        final Map<ArpEvent, Long> arp = c.arp();
        out.append("Arp:").append(System.lineSeparator());
        line(out, get(arp, ArpEvent.REQUESTS_RECEIVED), "requests received");
        line(out, get(arp, ArpEvent.REPLIES_RECEIVED), "replies received");
        line(out, get(arp, ArpEvent.REQUESTS_SENT), "requests sent");
        line(out, get(arp, ArpEvent.REPLIES_SENT), "replies sent");
        arp.forEach((event, value) ->
        {
            if (!ARP_MAIN.contains(event))
            {
                line(out, value, words(event));
            }
        });
        reasons(out, c.arpDrops(), "dropped");
    }

    private static void ethernet(final StringBuilder out, final StackCounters c)
    {
        final Map<StackEvent, Long> ip = c.ip();
        out.append("Ethernet:").append(System.lineSeparator());
        line(out, get(ip, StackEvent.FRAMES_RECEIVED), "frames received");
        line(out, get(ip, StackEvent.FRAMES_SENT), "frames sent");
        optional(out, get(ip, StackEvent.TX_RING_FULL), "frames not sent: transmit ring full");
        optional(out, get(ip, StackEvent.TX_NO_BUFFER), "frames not sent: no transmit buffer");
        reasons(out, c.ethernetDrops(), "dropped");
    }

    private static void nic(final StringBuilder out, final DriverCounters nic)
    {
        out.append("Nic:").append(System.lineSeparator());
        line(out, nic.rxFrames, "frames received (" + nic.rxBytes + " bytes)");
        line(out, nic.txFrames, "frames sent (" + nic.txBytes + " bytes)");
        line(out, nic.missedPackets, "frames missed: no free receive descriptor (MPC)");
        optional(out, nic.rxDescriptorErrors, "receive descriptor errors");
        optional(out, nic.rxRefillFailures, "receive refills failed: pool empty");
        optional(out, nic.txRingFull, "transmits refused: ring full");
        optional(out, nic.receiveUndersize, "frames undersize (RUC)");
        optional(out, nic.receiveOversize, "frames oversize (ROC)");
    }

    private static void line(final StringBuilder out, final long value, final String what)
    {
        out.append("    ").append(value).append(' ').append(what).append(System.lineSeparator());
    }

    private static void optional(final StringBuilder out, final long value, final String what)
    {
        if (value != 0)
        {
            line(out, value, what);
        }
    }

    private static <E extends Enum<E>> void reasons(final StringBuilder out, final Map<E, Long> drops,
        final String verb)
    {
        drops.forEach((reason, value) -> line(out, value, verb + ": " + reason.name()));
    }

    /** {@code FAST_RETRANSMITS} as {@code fast retransmits}. */
    private static String words(final Enum<?> name)
    {
        return name.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
