package io.ringstack.ip.decode;

import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.IcmpMessage;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.ip.wire.UdpHeader;
import io.ringstack.nic.e1000.MacAddress;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Decodes one captured frame, layer by layer, with the wire flyweights, into a reusable {@link DecodedFrame}:
 * <pre>
 *   link         Ethernet II (+ up to 2 VLAN tags) | Linux SLL / SLL2 | raw IPv4
 *   network      ARP (RFC 826) | IPv4 (RFC 791)
 *   transport    UDP (RFC 768) | ICMP (RFC 792) | TCP fixed header (RFC 9293 §3.1), first fragments only
 * </pre>
 * Each layer's flyweight validates its header before any field is read; the first layer that rejects the frame
 * sets {@link DecodedFrame#dropLayer()} and its reason, and decoding stops there. Checksums are reported, not
 * enforced, so a tool can show a bad one. Frames cut short by the capture (snaplen: captured length below the
 * original length) are decoded as far as their bytes go: lengths are checked against the length on the wire,
 * while nothing beyond the captured bytes is ever read; a header that is itself cut short is a TRUNCATED drop.
 * <p>
 * Allocation free: one decoder and one {@link DecodedFrame} serve any number of frames. Not thread-safe.
 */
public final class FrameDecoder
{
    public static final int LINKTYPE_ETHERNET = 1;
    /** DLT_RAW as most systems number it in pcap files written before LINKTYPE_RAW existed. */
    public static final int DLT_RAW = 12;
    /** DLT_RAW as OpenBSD numbers it. */
    public static final int DLT_RAW_OPENBSD = 14;
    /** Raw IP: the frame starts with an IPv4 or IPv6 header (version nibble decides). */
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    static final int MAX_VLAN_TAGS = EthernetFrame.MAX_VLAN_TAGS;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final LinuxCookedHeader cookedHeader = new LinuxCookedHeader();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final UdpHeader udp = new UdpHeader();
    private final IcmpMessage icmp = new IcmpMessage();
    private final TcpHeader tcp = new TcpHeader();

    /** True for the link types {@link #decode} parses. */
    public static boolean supports(final int linkType)
    {
        return switch (linkType)
        {
            case LINKTYPE_ETHERNET, DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_IPV4,
                 LINKTYPE_IPV6, LINKTYPE_LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /**
     * Decodes the {@code capturedLength} bytes at {@code offset} of a frame that had {@code originalLength} bytes on
     * the wire (a smaller value, as damaged captures may hold, counts as {@code capturedLength}).
     *
     * @return true when every layer accepted the frame, false when one dropped it ({@code frame} says which, why)
     * @throws IllegalArgumentException when the range is not inside {@code buffer}: that is the caller's bug
     */
    public boolean decode(
        final int linkType, final DirectBuffer buffer, final int offset, final int capturedLength,
        final int originalLength, final DecodedFrame frame)
    {
        if (offset < 0 || capturedLength < 0 || offset > buffer.capacity() - capturedLength)
        {
            throw new IllegalArgumentException("frame at offset " + offset + " with " + capturedLength +
                " captured bytes is outside the buffer of " + buffer.capacity() + " bytes: pass the record's range");
        }
        final int wireLength = Math.max(originalLength, capturedLength);
        frame.reset(buffer, offset, linkType, capturedLength, wireLength);
        if (!decodeLink(linkType, buffer, offset, capturedLength, frame))
        {
            return false;
        }
        final int headerLength = frame.networkOffset - offset;
        frame.networkCapturedLength = capturedLength - headerLength;
        final int networkWireLength = wireLength - headerLength;
        return switch (frame.etherType)
        {
            case EtherType.IPV4 -> decodeIpv4(buffer, frame.networkOffset, frame.networkCapturedLength,
                networkWireLength, frame);
            case EtherType.ARP -> decodeArp(buffer, frame.networkOffset, frame.networkCapturedLength, frame);
            default -> frame.drop(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE);
        };
    }

    /** Reads the link header; sets {@code frame.networkOffset} and {@code frame.etherType} when it returns true. */
    private boolean decodeLink(
        final int linkType, final DirectBuffer buffer, final int offset, final int capturedLength,
        final DecodedFrame frame)
    {
        switch (linkType)
        {
            case LINKTYPE_ETHERNET:
                return decodeEthernet(buffer, offset, capturedLength, frame);
            case LINKTYPE_LINUX_SLL:
                return decodeCooked(buffer, offset, capturedLength, false, frame);
            case LINKTYPE_LINUX_SLL2:
                return decodeCooked(buffer, offset, capturedLength, true, frame);
            case DLT_RAW:
            case DLT_RAW_OPENBSD:
            case LINKTYPE_RAW:
                frame.networkOffset = offset;
                // the version nibble tells IPv4 from IPv6; anything else is left to the IPv4 header's check
                final boolean ipv6 = capturedLength > 0 && (buffer.getByte(offset) & 0xF0) == 0x60;
                frame.etherType = ipv6 ? EtherType.IPV6 : EtherType.IPV4;
                return true;
            case LINKTYPE_IPV4:
                frame.networkOffset = offset;
                frame.etherType = EtherType.IPV4;
                return true;
            case LINKTYPE_IPV6:
                frame.networkOffset = offset;
                frame.etherType = EtherType.IPV6;
                return true;
            default:
                return frame.drop(Layer.LINK, EthernetDrop.UNSUPPORTED_LINK_TYPE);
        }
    }

    private boolean decodeEthernet(
        final DirectBuffer buffer, final int offset, final int capturedLength, final DecodedFrame frame)
    {
        if (capturedLength >= EthernetFrame.HEADER_LENGTH)
        {
            frame.ethernet = true;
            frame.linkDestination = MacAddress.read(buffer, offset + EthernetFrame.DESTINATION_OFFSET);
            frame.linkSource = MacAddress.read(buffer, offset + EthernetFrame.SOURCE_OFFSET);
            frame.hasLinkSource = true;
        }
        final boolean accepted = ethernet.wrap(buffer, offset, capturedLength);
        final int tags = ethernet.vlanCount();
        for (int i = 0; i < tags; i++)
        {
            frame.tagProtocol[i] = ethernet.tagProtocol(i);
            frame.tagControl[i] = ethernet.tagControl(i);
        }
        frame.vlanCount = tags;
        if (!accepted)
        {
            return frame.drop(Layer.LINK, ethernet.problem());
        }
        frame.etherType = ethernet.etherType();
        frame.networkOffset = ethernet.payloadOffset();
        return true;
    }

    private boolean decodeCooked(
        final DirectBuffer buffer, final int offset, final int capturedLength, final boolean version2,
        final DecodedFrame frame)
    {
        if (!cookedHeader.wrap(buffer, offset, capturedLength, version2))
        {
            return frame.drop(Layer.LINK, EthernetDrop.TRUNCATED);
        }
        frame.cooked = true;
        frame.cookedPacketType = cookedHeader.packetType();
        frame.cookedHardwareType = cookedHeader.hardwareType();
        if (cookedHeader.addressLength() == 6)
        {
            frame.linkSource = cookedHeader.sourceMac();
            frame.hasLinkSource = true;
        }
        if (cookedHeader.hardwareType() == LinuxCookedHeader.ARPHRD_NETLINK)
        {
            return frame.drop(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE);
        }
        // IEEE 802.1Q: a tagged frame's protocol type is the TPID; the tag control and the next type follow
        int at = cookedHeader.headerLength();
        int type = cookedHeader.protocolType();
        while (EtherType.isVlanTag(type))
        {
            if (frame.vlanCount == MAX_VLAN_TAGS)
            {
                return frame.drop(Layer.LINK, EthernetDrop.TOO_MANY_VLAN_TAGS);
            }
            if (at + EthernetFrame.VLAN_TAG_LENGTH > capturedLength)
            {
                return frame.drop(Layer.LINK, EthernetDrop.TRUNCATED);
            }
            frame.tagProtocol[frame.vlanCount] = type;
            frame.tagControl[frame.vlanCount] = buffer.getShort(offset + at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            frame.vlanCount++;
            type = buffer.getShort(offset + at + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            at += EthernetFrame.VLAN_TAG_LENGTH;
        }
        frame.etherType = type;
        if (type < EtherType.MIN_ETHERTYPE)
        {
            return frame.drop(Layer.LINK, EthernetDrop.LLC_FRAME);
        }
        frame.networkOffset = offset + at;
        return true;
    }

    private boolean decodeArp(
        final DirectBuffer buffer, final int offset, final int capturedLength, final DecodedFrame frame)
    {
        if (!arp.wrap(buffer, offset, capturedLength))
        {
            return frame.drop(Layer.ARP, arp.problem());
        }
        frame.network = Layer.ARP;
        frame.arpOperation = arp.operation();
        frame.arpSenderHardware = arp.senderHardwareAddress();
        frame.arpSenderProtocol = arp.senderProtocolAddress();
        frame.arpTargetHardware = arp.targetHardwareAddress();
        frame.arpTargetProtocol = arp.targetProtocolAddress();
        frame.payloadOffset = offset + ArpPacket.LENGTH;
        frame.payloadLength = 0;
        return true;
    }

    private boolean decodeIpv4(
        final DirectBuffer buffer, final int offset, final int capturedLength, final int wireLength,
        final DecodedFrame frame)
    {
        if (!ipv4.wrap(buffer, offset, capturedLength))
        {
            if (ipv4.problem() != Ipv4Drop.BAD_TOTAL_LENGTH || wireLength <= capturedLength)
            {
                return frame.drop(Layer.IPV4, ipv4.problem());
            }
            // The capture cut the datagram short (snaplen). wrap() reached the total length check, so the whole
            // header is captured; judge the total length by the bytes the frame had on the wire instead. Only the
            // header (options included) is read by wrap(), never the missing bytes.
            if (!ipv4.wrap(buffer, offset, wireLength))
            {
                return frame.drop(Layer.IPV4, ipv4.problem());
            }
        }
        frame.network = Layer.IPV4;
        frame.ipHeaderLength = ipv4.headerLength();
        frame.ipTypeOfService = ipv4.dscp() << 2 | ipv4.ecn();
        frame.ipTotalLength = ipv4.totalLength();
        frame.ipIdentification = ipv4.identification();
        frame.ipReservedFlag = ipv4.reservedFlag();
        frame.ipDontFragment = ipv4.dontFragment();
        frame.ipMoreFragments = ipv4.moreFragments();
        frame.ipFragmentOffset = ipv4.fragmentOffset();
        frame.ipTimeToLive = ipv4.timeToLive();
        frame.ipProtocol = ipv4.protocol();
        frame.ipHeaderChecksumValid = ipv4.checksumValid();
        frame.ipSource = ipv4.source();
        frame.ipDestination = ipv4.destination();

        final int payloadOffset = ipv4.payloadOffset();
        final int payloadLength = ipv4.payloadLength();
        final int payloadCaptured = Math.min(payloadLength, capturedLength - ipv4.headerLength());
        frame.transportOffset = payloadOffset;
        frame.transportLength = payloadLength;
        frame.transportCapturedLength = payloadCaptured;
        frame.payloadOffset = payloadOffset;
        frame.payloadLength = payloadCaptured;
        if (ipv4.fragmentOffset() != 0)
        {
            return true; // RFC 791 §2.3: only the first fragment carries the transport header
        }
        final boolean fragment = ipv4.isFragment();
        return switch (ipv4.protocol())
        {
            case IpProtocol.UDP -> decodeUdp(buffer, payloadOffset, payloadLength, payloadCaptured, fragment, frame);
            case IpProtocol.ICMP -> decodeIcmp(buffer, payloadOffset, payloadLength, payloadCaptured, fragment, frame);
            case IpProtocol.TCP -> decodeTcp(buffer, payloadOffset, payloadLength, payloadCaptured, fragment, frame);
            default -> true;
        };
    }

    private boolean decodeUdp(
        final DirectBuffer buffer, final int offset, final int length, final int captured, final boolean fragment,
        final DecodedFrame frame)
    {
        if (length < UdpHeader.HEADER_LENGTH || captured < UdpHeader.HEADER_LENGTH)
        {
            return frame.drop(Layer.UDP, UdpDrop.TRUNCATED);
        }
        // RFC 768: the length field covers the whole datagram, which a first fragment carries only part of
        final int bound = fragment ? Ipv4Header.MAX_TOTAL_LENGTH - ipv4.headerLength() : length;
        if (!udp.wrap(buffer, offset, bound))
        {
            return frame.drop(Layer.UDP, udp.problem());
        }
        frame.transport = Layer.UDP;
        frame.sourcePort = udp.sourcePort();
        frame.destinationPort = udp.destinationPort();
        frame.udpLength = udp.length();
        if (!udp.hasChecksum())
        {
            frame.transportChecksum = ChecksumStatus.NONE;
        }
        else if (fragment || captured < udp.length())
        {
            frame.transportChecksum = ChecksumStatus.NOT_CHECKABLE;
        }
        else
        {
            frame.transportChecksum = udp.checksumValid(ipv4.source(), ipv4.destination()) ?
                ChecksumStatus.GOOD : ChecksumStatus.BAD;
        }
        frame.payloadOffset = udp.payloadOffset();
        frame.payloadLength = Math.min(udp.payloadLength(), captured - UdpHeader.HEADER_LENGTH);
        return true;
    }

    private boolean decodeIcmp(
        final DirectBuffer buffer, final int offset, final int length, final int captured, final boolean fragment,
        final DecodedFrame frame)
    {
        if (length < IcmpMessage.HEADER_LENGTH || captured < IcmpMessage.HEADER_LENGTH)
        {
            return frame.drop(Layer.ICMP, IcmpDrop.TRUNCATED);
        }
        final boolean complete = !fragment && captured == length;
        icmp.wrap(buffer, offset, complete ? length : captured);
        frame.transport = Layer.ICMP;
        frame.icmpType = icmp.type();
        frame.icmpCode = icmp.code();
        frame.icmpRestOfHeader = buffer.getInt(offset + IcmpMessage.IDENTIFIER_OFFSET, ByteOrder.BIG_ENDIAN);
        // RFC 792: the checksum covers the whole ICMP message, so it needs all of it
        frame.transportChecksum = !complete ? ChecksumStatus.NOT_CHECKABLE :
            icmp.checksumValid() ? ChecksumStatus.GOOD : ChecksumStatus.BAD;
        frame.payloadOffset = icmp.dataOffset();
        frame.payloadLength = captured - IcmpMessage.HEADER_LENGTH;
        return true;
    }

    private boolean decodeTcp(
        final DirectBuffer buffer, final int offset, final int length, final int captured, final boolean fragment,
        final DecodedFrame frame)
    {
        if (!tcp.wrap(buffer, offset, length, captured))
        {
            return frame.drop(Layer.TCP, tcp.problem());
        }
        frame.transport = Layer.TCP;
        frame.sourcePort = tcp.sourcePort();
        frame.destinationPort = tcp.destinationPort();
        frame.tcpSequenceNumber = tcp.sequenceNumber() & 0xFFFF_FFFFL;
        frame.tcpAcknowledgmentNumber = tcp.acknowledgmentNumber() & 0xFFFF_FFFFL;
        frame.tcpHeaderLength = tcp.headerLength();
        frame.tcpFlags = tcp.flagsWithReserved();
        frame.tcpWindow = tcp.window();
        frame.transportChecksum = fragment || captured < length ? ChecksumStatus.NOT_CHECKABLE :
            tcp.checksumValid(ipv4.source(), ipv4.destination()) ? ChecksumStatus.GOOD : ChecksumStatus.BAD;
        final int header = Math.min(tcp.headerLength(), captured); // options may be cut off by the capture
        frame.payloadOffset = offset + header;
        frame.payloadLength = captured - header;
        return true;
    }
}
