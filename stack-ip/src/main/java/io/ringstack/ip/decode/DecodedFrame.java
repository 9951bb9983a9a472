package io.ringstack.ip.decode;

import io.ringstack.ethernet.wire.VlanTag;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.TcpHeaderDrop;
import io.ringstack.ip.wire.UdpDrop;
import org.agrona.DirectBuffer;

/**
 * What {@link FrameDecoder} read from one captured frame: a reusable holder of primitive fields, filled anew by
 * every {@link FrameDecoder#decode} call (nothing is allocated per frame). Offsets are absolute positions in
 * {@link #buffer()}; every one of them, and every offset plus its length, lies within the captured bytes.
 * <p>
 * Fields of a layer are meaningful only when the frame reached that layer: {@link #network()} is ARP or IPv4,
 * {@link #transport()} is UDP, ICMP or TCP. When a layer rejected the frame, {@link #dropLayer()} names it and
 * {@link #dropReason()} holds that layer's reason enum ({@link Layer} lists which).
 */
public final class DecodedFrame
{
    DirectBuffer buffer;
    int frameOffset;
    int linkType;
    int capturedLength;
    int originalLength;

    Layer dropLayer;
    Enum<?> dropReason;

    // link
    boolean ethernet;
    boolean cooked;
    long linkDestination;
    long linkSource;
    boolean hasLinkSource;
    int cookedPacketType;
    int cookedHardwareType;
    int vlanCount;
    final int[] tagProtocol = new int[FrameDecoder.MAX_VLAN_TAGS];
    final int[] tagControl = new int[FrameDecoder.MAX_VLAN_TAGS];
    int etherType;

    // network
    Layer network;
    int networkOffset;
    int networkCapturedLength;

    int arpOperation;
    long arpSenderHardware;
    int arpSenderProtocol;
    long arpTargetHardware;
    int arpTargetProtocol;

    int ipHeaderLength;
    int ipTypeOfService;
    int ipTotalLength;
    int ipIdentification;
    boolean ipReservedFlag;
    boolean ipDontFragment;
    boolean ipMoreFragments;
    int ipFragmentOffset;
    int ipTimeToLive;
    int ipProtocol;
    boolean ipHeaderChecksumValid;
    int ipSource;
    int ipDestination;

    // transport
    Layer transport;
    int transportOffset;
    int transportLength;
    int transportCapturedLength;
    int sourcePort;
    int destinationPort;
    int udpLength;
    int icmpType;
    int icmpCode;
    int icmpRestOfHeader;
    long tcpSequenceNumber;
    long tcpAcknowledgmentNumber;
    int tcpHeaderLength;
    int tcpFlags;
    int tcpWindow;
    ChecksumStatus transportChecksum;

    int payloadOffset;
    int payloadLength;

    void reset(final DirectBuffer buffer, final int offset, final int linkType, final int capturedLength,
        final int originalLength)
    {
        this.buffer = buffer;
        this.frameOffset = offset;
        this.linkType = linkType;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        dropLayer = null;
        dropReason = null;
        ethernet = false;
        cooked = false;
        hasLinkSource = false;
        linkDestination = 0;
        linkSource = 0;
        cookedPacketType = -1;
        cookedHardwareType = -1;
        vlanCount = 0;
        etherType = -1;
        network = null;
        networkOffset = offset;
        networkCapturedLength = 0;
        transport = null;
        transportOffset = offset;
        transportLength = 0;
        transportCapturedLength = 0;
        transportChecksum = null;
        payloadOffset = offset;
        payloadLength = 0;
    }

    boolean drop(final Layer layer, final Enum<?> reason)
    {
        dropLayer = layer;
        dropReason = reason;
        return false;
    }

    /** The buffer the frame was decoded in (not copied; valid while its owner keeps the bytes there). */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the frame (its link header) starts in {@link #buffer()}. */
    public int frameOffset()
    {
        return frameOffset;
    }

    /** The capture's LINKTYPE_ value. */
    public int linkType()
    {
        return linkType;
    }

    /** Bytes present in the capture. */
    public int capturedLength()
    {
        return capturedLength;
    }

    /** Bytes the frame had on the wire (at least {@link #capturedLength()}). */
    public int originalLength()
    {
        return originalLength;
    }

    /** The capture kept fewer bytes than the frame had (snaplen): checksums over the missing bytes are unchecked. */
    public boolean truncated()
    {
        return capturedLength < originalLength;
    }

    /** True when no layer rejected the frame. */
    public boolean decoded()
    {
        return dropLayer == null;
    }

    /** The layer that rejected the frame, or null. */
    public Layer dropLayer()
    {
        return dropLayer;
    }

    /**
     * Why {@link #dropLayer()} rejected the frame: an {@link EthernetDrop}, {@link ArpDrop}, {@link Ipv4Drop},
     * {@link UdpDrop}, {@link IcmpDrop} or {@link TcpHeaderDrop}; null when decoded.
     */
    public Enum<?> dropReason()
    {
        return dropReason;
    }

    /** The link header is Ethernet II: {@link #linkDestination()} and {@link #linkSource()} are set. */
    public boolean ethernet()
    {
        return ethernet;
    }

    /** The link header is a Linux cooked header (SLL or SLL2). */
    public boolean cooked()
    {
        return cooked;
    }

    public long linkDestination()
    {
        return linkDestination;
    }

    /** Ethernet source, or the cooked header's address when it is 6 bytes long ({@link #hasLinkSource()}). */
    public long linkSource()
    {
        return linkSource;
    }

    public boolean hasLinkSource()
    {
        return hasLinkSource;
    }

    /** Cooked header packet type (0 host .. 4 outgoing), or -1. */
    public int cookedPacketType()
    {
        return cookedPacketType;
    }

    /** Cooked header ARPHRD type, or -1. */
    public int cookedHardwareType()
    {
        return cookedHardwareType;
    }

    public int vlanCount()
    {
        return vlanCount;
    }

    /** TPID of tag {@code i}, 0 outermost: 0x8100 or 0x88a8. */
    public int tagProtocol(final int i)
    {
        return tagProtocol[i];
    }

    public int vlanId(final int i)
    {
        return VlanTag.id(tagControl[i]);
    }

    public int vlanPriority(final int i)
    {
        return VlanTag.priority(tagControl[i]);
    }

    public boolean vlanDropEligible(final int i)
    {
        return VlanTag.dropEligible(tagControl[i]);
    }

    /** The EtherType of the network layer (after tags), or -1 when the link header was not read. */
    public int etherType()
    {
        return etherType;
    }

    /** {@link Layer#ARP} or {@link Layer#IPV4} when that header was read, else null. */
    public Layer network()
    {
        return network;
    }

    public int networkOffset()
    {
        return networkOffset;
    }

    /** Captured bytes from {@link #networkOffset()} to the end of the capture (padding included). */
    public int networkCapturedLength()
    {
        return networkCapturedLength;
    }

    public int arpOperation()
    {
        return arpOperation;
    }

    public long arpSenderHardware()
    {
        return arpSenderHardware;
    }

    public int arpSenderProtocol()
    {
        return arpSenderProtocol;
    }

    public long arpTargetHardware()
    {
        return arpTargetHardware;
    }

    public int arpTargetProtocol()
    {
        return arpTargetProtocol;
    }

    public int ipHeaderLength()
    {
        return ipHeaderLength;
    }

    /** The whole second byte: DSCP (6 bits) and ECN (2 bits). */
    public int ipTypeOfService()
    {
        return ipTypeOfService;
    }

    public int ipTotalLength()
    {
        return ipTotalLength;
    }

    public int ipIdentification()
    {
        return ipIdentification;
    }

    public boolean ipReservedFlag()
    {
        return ipReservedFlag;
    }

    public boolean ipDontFragment()
    {
        return ipDontFragment;
    }

    public boolean ipMoreFragments()
    {
        return ipMoreFragments;
    }

    /** Fragment offset in bytes (the header's 8-byte units times 8). */
    public int ipFragmentOffset()
    {
        return ipFragmentOffset;
    }

    /** MF set or a non-zero offset. */
    public boolean ipFragment()
    {
        return ipMoreFragments || ipFragmentOffset != 0;
    }

    public int ipTimeToLive()
    {
        return ipTimeToLive;
    }

    public int ipProtocol()
    {
        return ipProtocol;
    }

    public boolean ipHeaderChecksumValid()
    {
        return ipHeaderChecksumValid;
    }

    public int ipSource()
    {
        return ipSource;
    }

    public int ipDestination()
    {
        return ipDestination;
    }

    /** {@link Layer#UDP}, {@link Layer#ICMP} or {@link Layer#TCP} when that header was read, else null. */
    public Layer transport()
    {
        return transport;
    }

    /** Where the IP payload starts. */
    public int transportOffset()
    {
        return transportOffset;
    }

    /** IP payload length on the wire (total length minus header length). */
    public int transportLength()
    {
        return transportLength;
    }

    /** IP payload bytes present in the capture. */
    public int transportCapturedLength()
    {
        return transportCapturedLength;
    }

    /** UDP or TCP source port. */
    public int sourcePort()
    {
        return sourcePort;
    }

    /** UDP or TCP destination port. */
    public int destinationPort()
    {
        return destinationPort;
    }

    /** The UDP length field. */
    public int udpLength()
    {
        return udpLength;
    }

    public int icmpType()
    {
        return icmpType;
    }

    public int icmpCode()
    {
        return icmpCode;
    }

    /** ICMP's second 32-bit word (identifier and sequence number, or unused/MTU/pointer). */
    public int icmpRestOfHeader()
    {
        return icmpRestOfHeader;
    }

    public long tcpSequenceNumber()
    {
        return tcpSequenceNumber;
    }

    public long tcpAcknowledgmentNumber()
    {
        return tcpAcknowledgmentNumber;
    }

    public int tcpHeaderLength()
    {
        return tcpHeaderLength;
    }

    /** 12 bits: reserved, CWR ECE URG ACK PSH RST SYN FIN ({@link io.ringstack.ip.wire.TcpHeader} constants). */
    public int tcpFlags()
    {
        return tcpFlags;
    }

    public int tcpWindow()
    {
        return tcpWindow;
    }

    /** UDP, ICMP or TCP checksum status; null when no transport header was read. */
    public ChecksumStatus transportChecksum()
    {
        return transportChecksum;
    }

    /**
     * Where the innermost payload the decoder found starts: after the UDP/TCP/ICMP header, or the IP payload of a
     * fragment other than the first or of another protocol.
     */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /** Captured bytes of that payload (less than on the wire when {@link #truncated()}). */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * Appends the fields as {@code key=value} words separated by spaces (no frame number, no line end), e.g.
     * {@code eth.src=.. eth.dst=.. ip.src=10.0.0.1 ... udp.cksum=good}, ending with {@code drop=<layer>:<REASON>}
     * when a layer rejected the frame. Grows the builder only.
     */
    public StringBuilder appendTo(final StringBuilder out)
    {
        out.append("len=").append(capturedLength);
        if (truncated())
        {
            out.append('/').append(originalLength).append(" truncated");
        }
        if (ethernet)
        {
            TextFormat.mac(out.append(" eth.src="), linkSource);
            TextFormat.mac(out.append(" eth.dst="), linkDestination);
        }
        if (cooked)
        {
            out.append(" sll.type=").append(cookedPacketType);
            if (hasLinkSource)
            {
                TextFormat.mac(out.append(" sll.src="), linkSource);
            }
        }
        if (vlanCount > 0)
        {
            out.append(" vlan=");
            for (int i = 0; i < vlanCount; i++)
            {
                out.append(i == 0 ? "" : ",").append(vlanId(i));
            }
        }
        if (etherType >= 0)
        {
            TextFormat.hex(out.append(" type=0x"), etherType, 4);
        }
        if (network == Layer.ARP)
        {
            out.append(" arp.op=").append(arpOperation);
            TextFormat.mac(out.append(" arp.sha="), arpSenderHardware);
            TextFormat.ipv4(out.append(" arp.spa="), arpSenderProtocol);
            TextFormat.mac(out.append(" arp.tha="), arpTargetHardware);
            TextFormat.ipv4(out.append(" arp.tpa="), arpTargetProtocol);
        }
        else if (network == Layer.IPV4)
        {
            TextFormat.ipv4(out.append(" ip.src="), ipSource);
            TextFormat.ipv4(out.append(" ip.dst="), ipDestination);
            out.append(" ip.proto=").append(ipProtocol)
                .append(" ip.len=").append(ipTotalLength);
            TextFormat.hex(out.append(" ip.id=0x"), ipIdentification, 4);
            out.append(" ip.ttl=").append(ipTimeToLive)
                .append(" ip.df=").append(ipDontFragment ? 1 : 0)
                .append(" ip.mf=").append(ipMoreFragments ? 1 : 0)
                .append(" ip.off=").append(ipFragmentOffset)
                .append(" ip.cksum=").append(ipHeaderChecksumValid ? "good" : "bad");
        }
        if (transport == Layer.UDP)
        {
            out.append(" udp.sport=").append(sourcePort)
                .append(" udp.dport=").append(destinationPort)
                .append(" udp.len=").append(udpLength)
                .append(" udp.cksum=").append(transportChecksum.label());
        }
        else if (transport == Layer.ICMP)
        {
            out.append(" icmp.type=").append(icmpType)
                .append(" icmp.code=").append(icmpCode)
                .append(" icmp.cksum=").append(transportChecksum.label());
        }
        else if (transport == Layer.TCP)
        {
            out.append(" tcp.sport=").append(sourcePort)
                .append(" tcp.dport=").append(destinationPort);
            TextFormat.tcpFlags(out.append(" tcp.flags="), tcpFlags);
            out.append(" tcp.seq=").append(tcpSequenceNumber)
                .append(" tcp.ack=").append(tcpAcknowledgmentNumber)
                .append(" tcp.win=").append(tcpWindow)
                .append(" tcp.cksum=").append(transportChecksum.label());
        }
        if (dropLayer != null)
        {
            out.append(" drop=").append(dropLayer.label()).append(':').append(dropReason.name());
        }
        return out;
    }

    @Override
    public String toString()
    {
        return appendTo(new StringBuilder(160)).toString();
    }
}
