package io.ringstack.ip.decode;

import io.ringstack.ip.wire.TcpHeaderDrop;

/**
 * The protocol layers {@link FrameDecoder} parses, and the drop-reason enum each one reports when it rejects a
 * frame.
 */
public enum Layer
{
    /** Ethernet II with VLAN tags, Linux cooked capture (SLL, SLL2) or raw IP: {@code EthernetDrop}. */
    LINK("link"),
    /** RFC 826: {@code ArpDrop}. */
    ARP("arp"),
    /** RFC 791: {@code Ipv4Drop}. */
    IPV4("ipv4"),
    /** RFC 768: {@code UdpDrop}. */
    UDP("udp"),
    /** RFC 792: {@code IcmpDrop}. */
    ICMP("icmp"),
    /** RFC 9293 §3.1, the fixed header only: {@link TcpHeaderDrop}. */
    TCP("tcp");

    private final String label;

    Layer(final String label)
    {
        this.label = label;
    }

    /** Lower-case name used in the decode tool's output, e.g. {@code drop=ipv4:BAD_TOTAL_LENGTH}. */
    public String label()
    {
        return label;
    }
}
