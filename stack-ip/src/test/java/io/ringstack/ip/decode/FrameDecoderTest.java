package io.ringstack.ip.decode;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.IcmpMessage;
import io.ringstack.ip.wire.InternetChecksum;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.ip.wire.TcpHeaderDrop;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.ip.wire.UdpHeader;
import io.ringstack.nic.e1000.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FrameDecoder} on frames built with the wire writers, one rule at a time. */
class FrameDecoderTest
{
    private static final long DST = 0x5254_0000_000BL;
    private static final long SRC = 0x5254_0000_000AL;
    private static final int IP_SRC = Ipv4Address.parse("10.0.0.1");
    private static final int IP_DST = Ipv4Address.parse("10.0.0.2");
    private static final byte[] HELLO = "hello, ringstack".getBytes(StandardCharsets.US_ASCII);

    private final FrameDecoder decoder = new FrameDecoder();
    private final DecodedFrame frame = new DecodedFrame();
    private final UnsafeBuffer build = new UnsafeBuffer(new byte[4096]);

    // ---------------------------------------------------------------- builders (the writers under test too)

    /** IPv4 + UDP carrying HELLO at {@code at}; returns the datagram length. */
    private int ipv4Udp(final int at, final int flagsAndOffset, final boolean checksum)
    {
        final int udp = at + Ipv4Header.MIN_HEADER_LENGTH;
        build.putBytes(udp + UdpHeader.HEADER_LENGTH, HELLO);
        if (checksum)
        {
            UdpHeader.write(build, udp, 5353, 53, HELLO.length, IP_SRC, IP_DST);
        }
        else
        {
            UdpHeader.writeWithoutChecksum(build, udp, 5353, 53, HELLO.length);
        }
        final int total = Ipv4Header.MIN_HEADER_LENGTH + UdpHeader.HEADER_LENGTH + HELLO.length;
        Ipv4Header.write(build, at, Ipv4Header.MIN_HEADER_LENGTH, 0xB8, total, 0x1234, flagsAndOffset, 64,
            IpProtocol.UDP, IP_SRC, IP_DST);
        return total;
    }

    private int ethernetUdp()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        return header + ipv4Udp(header, Ipv4Header.FLAG_DONT_FRAGMENT, true);
    }

    /** A TCP segment (data offset 6: one MSS option) with HELLO as data, IPv4 header first; returns its length. */
    private int ipv4Tcp(final int at, final int dataOffsetWords, final int flags)
    {
        final int tcp = at + Ipv4Header.MIN_HEADER_LENGTH;
        final int headerLength = 24;
        build.putShort(tcp, (short)443, ByteOrder.BIG_ENDIAN);
        build.putShort(tcp + 2, (short)50000, ByteOrder.BIG_ENDIAN);
        build.putInt(tcp + 4, 0xFEDC_BA98, ByteOrder.BIG_ENDIAN);
        build.putInt(tcp + 8, 0x0102_0304, ByteOrder.BIG_ENDIAN);
        build.putShort(tcp + 12, (short)(dataOffsetWords << 12 | flags), ByteOrder.BIG_ENDIAN);
        build.putShort(tcp + 14, (short)65535, ByteOrder.BIG_ENDIAN);
        build.putShort(tcp + 16, (short)0);
        build.putShort(tcp + 18, (short)0);
        build.putInt(tcp + 20, 0x0204_05B4, ByteOrder.BIG_ENDIAN); // MSS 1460
        build.putBytes(tcp + headerLength, HELLO);
        final int segment = headerLength + HELLO.length;
        final long pseudo = InternetChecksum.pseudoHeaderSum(IP_SRC, IP_DST, IpProtocol.TCP, segment);
        build.putShort(tcp + 16, (short)InternetChecksum.finish(InternetChecksum.sum(build, tcp, segment, pseudo)),
            ByteOrder.BIG_ENDIAN);
        final int total = Ipv4Header.MIN_HEADER_LENGTH + segment;
        Ipv4Header.write(build, at, Ipv4Header.MIN_HEADER_LENGTH, 0, total, 7, Ipv4Header.FLAG_DONT_FRAGMENT, 64,
            IpProtocol.TCP, IP_SRC, IP_DST);
        return total;
    }

    /** Decodes the first {@code captured} bytes from a buffer of exactly that size: any read beyond them throws. */
    private boolean decode(final int linkType, final int captured, final int original)
    {
        final byte[] bytes = Arrays.copyOf(build.byteArray(), captured);
        final boolean decoded = decoder.decode(linkType, new UnsafeBuffer(bytes), 0, captured, original, frame);
        DecodeInvariants.check(decoded, frame, "frame");
        return decoded;
    }

    private boolean decodeEthernet(final int length)
    {
        return decode(FrameDecoder.LINKTYPE_ETHERNET, length, length);
    }

    private void assertDrop(final Layer layer, final Enum<?> reason)
    {
        assertFalse(frame.decoded(), frame.toString());
        assertEquals(layer, frame.dropLayer(), frame.toString());
        assertEquals(reason, frame.dropReason(), frame.toString());
        assertTrue(frame.toString().endsWith(" drop=" + layer.label() + ":" + reason.name()), frame.toString());
    }

    // ---------------------------------------------------------------- Ethernet, IPv4, UDP

    @Test
    void ethernetIpv4UdpGivesEveryField()
    {
        final int length = ethernetUdp();
        assertTrue(decodeEthernet(length));
        assertTrue(frame.ethernet());
        assertEquals(DST, frame.linkDestination());
        assertEquals(SRC, frame.linkSource());
        assertEquals(0, frame.vlanCount());
        assertEquals(EtherType.IPV4, frame.etherType());
        assertEquals(Layer.IPV4, frame.network());
        assertEquals(14, frame.networkOffset());
        assertEquals(20, frame.ipHeaderLength());
        assertEquals(0xB8, frame.ipTypeOfService());
        assertEquals(length - 14, frame.ipTotalLength());
        assertEquals(0x1234, frame.ipIdentification());
        assertTrue(frame.ipDontFragment());
        assertFalse(frame.ipMoreFragments());
        assertFalse(frame.ipReservedFlag());
        assertEquals(0, frame.ipFragmentOffset());
        assertEquals(64, frame.ipTimeToLive());
        assertEquals(IpProtocol.UDP, frame.ipProtocol());
        assertTrue(frame.ipHeaderChecksumValid());
        assertEquals(IP_SRC, frame.ipSource());
        assertEquals(IP_DST, frame.ipDestination());
        assertEquals(Layer.UDP, frame.transport());
        assertEquals(34, frame.transportOffset());
        assertEquals(5353, frame.sourcePort());
        assertEquals(53, frame.destinationPort());
        assertEquals(8 + HELLO.length, frame.udpLength());
        assertEquals(ChecksumStatus.GOOD, frame.transportChecksum());
        assertEquals(42, frame.payloadOffset());
        assertEquals(HELLO.length, frame.payloadLength());
        assertEquals("len=58 eth.src=52:54:00:00:00:0a eth.dst=52:54:00:00:00:0b type=0x0800 ip.src=10.0.0.1 " +
            "ip.dst=10.0.0.2 ip.proto=17 ip.len=44 ip.id=0x1234 ip.ttl=64 ip.df=1 ip.mf=0 ip.off=0 ip.cksum=good " +
            "udp.sport=5353 udp.dport=53 udp.len=24 udp.cksum=good", frame.toString());
    }

    @Test
    void udpChecksumIsReportedNotEnforced()
    {
        final int length = ethernetUdp();
        build.putByte(length - 1, (byte)(build.getByte(length - 1) ^ 0x01));
        assertTrue(decodeEthernet(length));
        assertEquals(ChecksumStatus.BAD, frame.transportChecksum());

        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        final int withoutChecksum = header + ipv4Udp(header, 0, false);
        assertTrue(decodeEthernet(withoutChecksum));
        assertEquals(ChecksumStatus.NONE, frame.transportChecksum());
        assertEquals(0, build.getShort(header + 20 + UdpHeader.CHECKSUM_OFFSET), "RFC 768: zero means none");
    }

    @Test
    void ipv4HeaderChecksumIsReportedNotEnforced()
    {
        final int length = ethernetUdp();
        build.putByte(14 + Ipv4Header.TTL_OFFSET, (byte)63);
        assertTrue(decodeEthernet(length));
        assertFalse(frame.ipHeaderChecksumValid());
        assertTrue(frame.toString().contains(" ip.cksum=bad"));
    }

    @Test
    void ethernetPaddingIsNotPartOfTheDatagram()
    {
        final int length = ethernetUdp();
        build.setMemory(length, 64, (byte)0x55);
        assertTrue(decodeEthernet(length + 64));
        assertEquals(ChecksumStatus.GOOD, frame.transportChecksum());
        assertEquals(length - 14, frame.ipTotalLength());
        assertEquals(HELLO.length, frame.payloadLength());
    }

    @Test
    void udpLengthBeyondTheIpPayloadIsBadLength()
    {
        final int length = ethernetUdp();
        build.putShort(34 + UdpHeader.LENGTH_OFFSET, (short)(8 + HELLO.length + 1), ByteOrder.BIG_ENDIAN);
        decodeEthernet(length);
        assertDrop(Layer.UDP, UdpDrop.BAD_LENGTH);
    }

    @Test
    void udpHeaderShorterThan8IsTruncated()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        Ipv4Header.write(build, header, 20, 0, 20 + 4, 1, 0, 64, IpProtocol.UDP, IP_SRC, IP_DST);
        decodeEthernet(header + 24);
        assertDrop(Layer.UDP, UdpDrop.TRUNCATED);
    }

    // ---------------------------------------------------------------- capture cut short (snaplen)

    @Test
    void aDatagramCutByTheCaptureIsDecodedAsFarAsItsBytesGo()
    {
        final int length = ethernetUdp();
        assertTrue(decode(FrameDecoder.LINKTYPE_ETHERNET, 46, length));
        assertTrue(frame.truncated());
        assertEquals(length - 14, frame.ipTotalLength(), "total length judged against the length on the wire");
        assertEquals(length - 34, frame.transportLength());
        assertEquals(46 - 34, frame.transportCapturedLength());
        assertEquals(Layer.UDP, frame.transport());
        assertEquals(ChecksumStatus.NOT_CHECKABLE, frame.transportChecksum());
        assertEquals(4, frame.payloadLength(), "only the captured payload");
        assertTrue(frame.toString().startsWith("len=46/" + length + " truncated "), frame.toString());
    }

    @Test
    void aHeaderCutByTheCaptureIsTruncated()
    {
        final int length = ethernetUdp();
        decode(FrameDecoder.LINKTYPE_ETHERNET, 14 + 19, length);
        assertDrop(Layer.IPV4, Ipv4Drop.TRUNCATED);
        decode(FrameDecoder.LINKTYPE_ETHERNET, 14 + 20 + 7, length);
        assertDrop(Layer.UDP, UdpDrop.TRUNCATED);
        decode(FrameDecoder.LINKTYPE_ETHERNET, 13, length);
        assertDrop(Layer.LINK, EthernetDrop.TRUNCATED);
    }

    @Test
    void aTotalLengthBeyondTheFrameOnTheWireIsBadEvenWhenCut()
    {
        final int length = ethernetUdp();
        decode(FrameDecoder.LINKTYPE_ETHERNET, length - 1, length - 1);
        assertDrop(Layer.IPV4, Ipv4Drop.BAD_TOTAL_LENGTH);
        decode(FrameDecoder.LINKTYPE_ETHERNET, 40, length - 1);
        assertDrop(Layer.IPV4, Ipv4Drop.BAD_TOTAL_LENGTH);
        assertTrue(frame.truncated());
    }

    @Test
    void optionsCutByTheCaptureAreNeverRead()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        build.putInt(header + 20, 0x9404_0000, ByteOrder.BIG_ENDIAN); // RFC 2113 router alert
        Ipv4Header.write(build, header, 24, 0, 24 + 8, 1, 0, 1, IpProtocol.UDP, IP_SRC, IP_DST);
        decode(FrameDecoder.LINKTYPE_ETHERNET, header + 22, header + 32);
        assertDrop(Layer.IPV4, Ipv4Drop.TRUNCATED);
    }

    // ---------------------------------------------------------------- fragments

    @Test
    void aFragmentOtherThanTheFirstCarriesNoTransportHeader()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        final int length = header + ipv4Udp(header, 185, true);
        assertTrue(decodeEthernet(length));
        assertEquals(1480, frame.ipFragmentOffset());
        assertTrue(frame.ipFragment());
        assertNull(frame.transport());
        assertNull(frame.transportChecksum());
        assertEquals(34, frame.payloadOffset());
        assertEquals(length - 34, frame.payloadLength(), "the fragment's data, unparsed");
    }

    @Test
    void aFirstFragmentIsParsedButItsChecksumCannotBeChecked()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        final int length = header + ipv4Udp(header, Ipv4Header.FLAG_MORE_FRAGMENTS, true);
        build.putShort(header + 20 + UdpHeader.LENGTH_OFFSET, (short)4008, ByteOrder.BIG_ENDIAN); // the whole datagram
        assertTrue(decodeEthernet(length));
        assertTrue(frame.ipMoreFragments());
        assertEquals(Layer.UDP, frame.transport());
        assertEquals(4008, frame.udpLength());
        assertEquals(ChecksumStatus.NOT_CHECKABLE, frame.transportChecksum());
        assertEquals(HELLO.length, frame.payloadLength());
    }

    // ---------------------------------------------------------------- ICMP

    @Test
    void icmpEchoRequest()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        build.putBytes(header + 28, HELLO);
        IcmpMessage.write(build, header + 20, IcmpMessage.TYPE_ECHO_REQUEST, 0, 0x0042_0007, HELLO.length);
        Ipv4Header.write(build, header, 20, 0, 28 + HELLO.length, 9, 0, 64, IpProtocol.ICMP, IP_SRC, IP_DST);
        final int length = header + 28 + HELLO.length;
        assertTrue(decodeEthernet(length));
        assertEquals(Layer.ICMP, frame.transport());
        assertEquals(8, frame.icmpType());
        assertEquals(0, frame.icmpCode());
        assertEquals(0x0042_0007, frame.icmpRestOfHeader());
        assertEquals(ChecksumStatus.GOOD, frame.transportChecksum());
        assertEquals(header + 28, frame.payloadOffset());
        assertEquals(HELLO.length, frame.payloadLength());

        build.putByte(length - 1, (byte)0);
        assertTrue(decodeEthernet(length));
        assertEquals(ChecksumStatus.BAD, frame.transportChecksum());

        Ipv4Header.write(build, header, 20, 0, 20 + 7, 9, 0, 64, IpProtocol.ICMP, IP_SRC, IP_DST);
        decodeEthernet(header + 27);
        assertDrop(Layer.ICMP, IcmpDrop.TRUNCATED);
    }

    // ---------------------------------------------------------------- TCP

    @Test
    void tcpFixedHeaderFields()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        final int length = header + ipv4Tcp(header, 6, TcpHeader.SYN | TcpHeader.ACK);
        assertTrue(decodeEthernet(length));
        assertEquals(Layer.TCP, frame.transport());
        assertEquals(443, frame.sourcePort());
        assertEquals(50000, frame.destinationPort());
        assertEquals(0xFEDC_BA98L, frame.tcpSequenceNumber());
        assertEquals(0x0102_0304L, frame.tcpAcknowledgmentNumber());
        assertEquals(24, frame.tcpHeaderLength());
        assertEquals(0x012, frame.tcpFlags());
        assertEquals(65535, frame.tcpWindow());
        assertEquals(ChecksumStatus.GOOD, frame.transportChecksum());
        assertEquals(header + 20 + 24, frame.payloadOffset());
        assertEquals(HELLO.length, frame.payloadLength());
        assertTrue(frame.toString().contains(" tcp.flags=SYN|ACK "), frame.toString());

        build.putByte(length - 1, (byte)0);
        assertTrue(decodeEthernet(length));
        assertEquals(ChecksumStatus.BAD, frame.transportChecksum());
    }

    @Test
    void tcpDataOffsetMustBeAtLeast5AndInsideTheSegment()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        int length = header + ipv4Tcp(header, 4, TcpHeader.SYN);
        decodeEthernet(length);
        assertDrop(Layer.TCP, TcpHeaderDrop.BAD_DATA_OFFSET);
        length = header + ipv4Tcp(header, 11, TcpHeader.SYN); // 44 bytes of header in a 40-byte segment
        decodeEthernet(length);
        assertDrop(Layer.TCP, TcpHeaderDrop.BAD_DATA_OFFSET);
        Ipv4Header.write(build, header, 20, 0, 20 + 19, 7, 0, 64, IpProtocol.TCP, IP_SRC, IP_DST);
        decodeEthernet(header + 39);
        assertDrop(Layer.TCP, TcpHeaderDrop.TRUNCATED);
    }

    @Test
    void tcpOptionsCutByTheCaptureLeaveTheFixedHeaderReadable()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        final int length = header + ipv4Tcp(header, 6, TcpHeader.RST);
        assertTrue(decode(FrameDecoder.LINKTYPE_ETHERNET, header + 20 + 22, length));
        assertEquals(TcpHeader.RST, frame.tcpFlags());
        assertEquals(ChecksumStatus.NOT_CHECKABLE, frame.transportChecksum());
        assertEquals(header + 42, frame.payloadOffset());
        assertEquals(0, frame.payloadLength());
    }

    // ---------------------------------------------------------------- IPv4 rejections

    @Test
    void ipv4StructuralRejections()
    {
        final int length = ethernetUdp();
        build.putByte(14, (byte)0x65);
        decodeEthernet(length);
        assertDrop(Layer.IPV4, Ipv4Drop.BAD_VERSION);
        build.putByte(14, (byte)0x44);
        decodeEthernet(length);
        assertDrop(Layer.IPV4, Ipv4Drop.BAD_HEADER_LENGTH);
        build.putByte(14, (byte)0x45);
        build.putShort(14 + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)0);
        decodeEthernet(length);
        assertDrop(Layer.IPV4, Ipv4Drop.BAD_TOTAL_LENGTH);

        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        build.putInt(header + 20, 0x8307_0400, ByteOrder.BIG_ENDIAN); // LSRR claiming 7 bytes in a 4-byte option area
        Ipv4Header.write(build, header, 24, 0, 24, 1, 0, 64, 253, IP_SRC, IP_DST);
        decodeEthernet(header + 24);
        assertDrop(Layer.IPV4, Ipv4Drop.BAD_OPTIONS);
    }

    @Test
    void anUnknownProtocolIsDecodedAtTheIpLayer()
    {
        final int header = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV4);
        Ipv4Header.write(build, header, 20, 0, 28, 1, 0, 1, 2, IP_SRC, Ipv4Address.parse("224.0.0.1")); // IGMP
        assertTrue(decodeEthernet(header + 28));
        assertNull(frame.transport());
        assertEquals(2, frame.ipProtocol());
        assertEquals(8, frame.payloadLength());
    }

    // ---------------------------------------------------------------- VLAN tags and ARP

    @Test
    void stackedTagsAndArp()
    {
        int at = EthernetFrame.writeHeader(build, 0, MacAddress.BROADCAST, SRC, EtherType.QINQ);
        at += EthernetFrame.writeTag(build, at, 5, true, 666, EtherType.VLAN);
        at += EthernetFrame.writeTag(build, at, 2, false, 200, EtherType.ARP);
        assertEquals(22, at);
        assertEquals(0x88A8, build.getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        assertEquals(0xB29A, build.getShort(14, ByteOrder.BIG_ENDIAN) & 0xFFFF, "PCP 5, DEI, VID 666");
        at += ArpPacket.write(build, at, ArpPacket.OPERATION_REQUEST, SRC, IP_SRC, 0, IP_DST);
        assertTrue(decodeEthernet(at));
        assertEquals(2, frame.vlanCount());
        assertEquals(EtherType.QINQ, frame.tagProtocol(0));
        assertEquals(666, frame.vlanId(0));
        assertEquals(5, frame.vlanPriority(0));
        assertTrue(frame.vlanDropEligible(0));
        assertEquals(EtherType.VLAN, frame.tagProtocol(1));
        assertEquals(200, frame.vlanId(1));
        assertEquals(2, frame.vlanPriority(1));
        assertFalse(frame.vlanDropEligible(1));
        assertEquals(Layer.ARP, frame.network());
        assertEquals(1, frame.arpOperation());
        assertEquals(SRC, frame.arpSenderHardware());
        assertEquals(IP_SRC, frame.arpSenderProtocol());
        assertEquals(0, frame.arpTargetHardware());
        assertEquals(IP_DST, frame.arpTargetProtocol());
        assertEquals("len=50 eth.src=52:54:00:00:00:0a eth.dst=ff:ff:ff:ff:ff:ff vlan=666,200 type=0x0806 arp.op=1 " +
            "arp.sha=52:54:00:00:00:0a arp.spa=10.0.0.1 arp.tha=00:00:00:00:00:00 arp.tpa=10.0.0.2", frame.toString());

        build.putShort(22 + ArpPacket.OPERATION_OFFSET, (short)3, ByteOrder.BIG_ENDIAN);
        decodeEthernet(at);
        assertDrop(Layer.ARP, ArpDrop.BAD_OPERATION);
    }

    @Test
    void linkLayerRejections()
    {
        int at = EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.VLAN);
        at += EthernetFrame.writeTag(build, at, 0, false, 1, EtherType.VLAN);
        at += EthernetFrame.writeTag(build, at, 0, false, 2, EtherType.VLAN);
        at += EthernetFrame.writeTag(build, at, 0, false, 3, EtherType.IPV4);
        decodeEthernet(at + 20);
        assertDrop(Layer.LINK, EthernetDrop.TOO_MANY_VLAN_TAGS);

        EthernetFrame.writeHeader(build, 0, DST, SRC, 46);
        decodeEthernet(60);
        assertDrop(Layer.LINK, EthernetDrop.LLC_FRAME);

        EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.IPV6);
        decodeEthernet(60);
        assertDrop(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE);
        assertEquals(0x86DD, frame.etherType());

        EthernetFrame.writeHeader(build, 0, DST, SRC, EtherType.VLAN);
        decodeEthernet(16);
        assertDrop(Layer.LINK, EthernetDrop.TRUNCATED);
    }

    // ---------------------------------------------------------------- other link types

    @Test
    void linuxCookedCaptures()
    {
        // SLL: packet type 4 (outgoing), ARPHRD_ETHER, address length 6, address, protocol
        build.putShort(0, (short)LinuxCookedHeader.PACKET_TYPE_OUTGOING, ByteOrder.BIG_ENDIAN);
        build.putShort(2, (short)1, ByteOrder.BIG_ENDIAN);
        build.putShort(4, (short)6, ByteOrder.BIG_ENDIAN);
        build.putLong(6, SRC << 16, ByteOrder.BIG_ENDIAN);
        build.putShort(14, (short)EtherType.IPV4, ByteOrder.BIG_ENDIAN);
        int length = 16 + ipv4Udp(16, 0, true);
        assertTrue(decode(FrameDecoder.LINKTYPE_LINUX_SLL, length, length));
        assertTrue(frame.cooked());
        assertFalse(frame.ethernet());
        assertEquals(LinuxCookedHeader.PACKET_TYPE_OUTGOING, frame.cookedPacketType());
        assertEquals(1, frame.cookedHardwareType());
        assertTrue(frame.hasLinkSource());
        assertEquals(SRC, frame.linkSource());
        assertEquals(16, frame.networkOffset());
        assertEquals(ChecksumStatus.GOOD, frame.transportChecksum());
        decode(FrameDecoder.LINKTYPE_LINUX_SLL, 15, 15);
        assertDrop(Layer.LINK, EthernetDrop.TRUNCATED);

        // SLL2: protocol, reserved, interface index, ARPHRD, packet type, address length, address
        build.putShort(0, (short)EtherType.VLAN, ByteOrder.BIG_ENDIAN);
        build.putShort(2, (short)0);
        build.putInt(4, 3, ByteOrder.BIG_ENDIAN);
        build.putShort(8, (short)1, ByteOrder.BIG_ENDIAN);
        build.putByte(10, (byte)LinuxCookedHeader.PACKET_TYPE_HOST);
        build.putByte(11, (byte)0);
        build.putLong(12, 0);
        EthernetFrame.writeTag(build, 20, 0, false, 42, EtherType.IPV4);
        length = 24 + ipv4Udp(24, 0, true);
        assertTrue(decode(FrameDecoder.LINKTYPE_LINUX_SLL2, length, length));
        assertEquals(LinuxCookedHeader.PACKET_TYPE_HOST, frame.cookedPacketType());
        assertFalse(frame.hasLinkSource());
        assertEquals(1, frame.vlanCount());
        assertEquals(42, frame.vlanId(0));
        assertEquals(24, frame.networkOffset());
        assertEquals(Layer.UDP, frame.transport());

        build.putShort(8, (short)LinuxCookedHeader.ARPHRD_NETLINK, ByteOrder.BIG_ENDIAN);
        decode(FrameDecoder.LINKTYPE_LINUX_SLL2, length, length);
        assertDrop(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE);
    }

    @Test
    void rawIpLinkTypes()
    {
        final int length = ipv4Udp(0, 0, true);
        for (final int linkType : new int[] {FrameDecoder.LINKTYPE_RAW, FrameDecoder.DLT_RAW,
            FrameDecoder.DLT_RAW_OPENBSD, FrameDecoder.LINKTYPE_IPV4})
        {
            assertTrue(decode(linkType, length, length), "link type " + linkType);
            assertEquals(0, frame.networkOffset());
            assertEquals(Layer.UDP, frame.transport());
            assertFalse(frame.ethernet() || frame.cooked());
        }
        decode(FrameDecoder.LINKTYPE_RAW, 0, 0);
        assertDrop(Layer.IPV4, Ipv4Drop.TRUNCATED);
        decode(FrameDecoder.LINKTYPE_IPV6, length, length);
        assertDrop(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE);
        build.putByte(0, (byte)0x60);
        decode(FrameDecoder.LINKTYPE_RAW, length, length);
        assertDrop(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE);
        decode(105, length, length); // IEEE 802.11
        assertDrop(Layer.LINK, EthernetDrop.UNSUPPORTED_LINK_TYPE);
        assertFalse(FrameDecoder.supports(105));
        assertTrue(FrameDecoder.supports(FrameDecoder.LINKTYPE_LINUX_SLL2));
    }

    // ---------------------------------------------------------------- the holder and the API

    @Test
    void theHolderForgetsTheLastFrame()
    {
        assertTrue(decodeEthernet(ethernetUdp()));
        decodeEthernet(10);
        assertDrop(Layer.LINK, EthernetDrop.TRUNCATED);
        assertFalse(frame.ethernet());
        assertNull(frame.network());
        assertNull(frame.transport());
        assertNull(frame.transportChecksum());
        assertEquals(-1, frame.etherType());
        assertEquals(0, frame.payloadLength());
        assertEquals("len=10 drop=link:TRUNCATED", frame.toString());
    }

    @Test
    void aRangeOutsideTheBufferIsTheCallersBug()
    {
        final UnsafeBuffer small = new UnsafeBuffer(new byte[64]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> decoder.decode(FrameDecoder.LINKTYPE_ETHERNET, small, 10, 60, 60, frame));
        assertTrue(ex.getMessage().contains("outside the buffer of 64 bytes"), ex.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> decoder.decode(FrameDecoder.LINKTYPE_ETHERNET, small, 0, -1, 60, frame));
    }

    @Test
    void anOriginalLengthBelowTheCapturedLengthCountsAsTheCapturedLength()
    {
        final int length = ethernetUdp();
        assertTrue(decode(FrameDecoder.LINKTYPE_ETHERNET, length, 0));
        assertFalse(frame.truncated());
        assertEquals(length, frame.originalLength());
        assertEquals(ChecksumStatus.GOOD, frame.transportChecksum());
    }

    @Test
    void dropCountersSumUpByLayerAndReason()
    {
        final DropCounters counters = new DropCounters();
        decodeEthernet(ethernetUdp());
        counters.count(frame);
        decodeEthernet(10);
        counters.count(frame);
        decode(FrameDecoder.LINKTYPE_ETHERNET, 46, 58);
        counters.count(frame);
        decode(FrameDecoder.LINKTYPE_IPV6, 40, 40);
        counters.count(frame);
        assertEquals(4, counters.frames());
        assertEquals(2, counters.decoded());
        assertEquals(2, counters.dropped());
        assertEquals(1, counters.truncated());
        assertEquals(1, counters.drops(Layer.LINK, EthernetDrop.TRUNCATED));
        assertEquals("frames=4 decoded=2 dropped=2 truncated=1 link:TRUNCATED=1 link:UNKNOWN_ETHERTYPE=1",
            counters.toString());
    }

    @Test
    void ipv4WriterWritesEveryFieldAndChecksumsTheOptions()
    {
        build.putInt(20, 0x9404_0000, ByteOrder.BIG_ENDIAN);
        assertEquals(24, Ipv4Header.write(build, 0, 24, 0x2E, 24, 0xBEEF,
            Ipv4Header.FLAG_RESERVED | Ipv4Header.FLAG_MORE_FRAGMENTS | 3, 1, 2, IP_SRC, IP_DST));
        final Ipv4Header header = new Ipv4Header();
        assertTrue(header.wrap(build, 0, 24));
        assertEquals(24, header.headerLength());
        assertEquals(0x2E >>> 2, header.dscp());
        assertEquals(2, header.ecn());
        assertEquals(0xBEEF, header.identification());
        assertTrue(header.reservedFlag());
        assertTrue(header.moreFragments());
        assertFalse(header.dontFragment());
        assertEquals(24, header.fragmentOffset());
        assertTrue(header.checksumValid());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Ipv4Header.write(build, 0, 22, 0, 22, 0, 0, 1, 2, IP_SRC, IP_DST));
        assertTrue(ex.getMessage().contains("multiple of 4"), ex.getMessage());
    }
}
