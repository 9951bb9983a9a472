package io.ringstack.ip.stack;

import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.IcmpMessage;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.ip.wire.UdpHeader;
import io.ringstack.nic.wire.FaultPlan;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** Rules of RFC 768, 792, 1191 and 1122 seen through the stack, with frames made by hand. */
class IcmpAndUdpRulesTest
{
    private static final int FAR_AWAY = Ipv4Address.parse("192.0.2.7");

    /** An Ethernet + IPv4 frame from A to B around {@code payload}. */
    private static UnsafeBuffer frameToB(final int protocol, final UnsafeBuffer payload, final int length)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[Math.max(60, 34 + length)]);
        EthernetFrame.writeHeader(frame, 0, StackPair.MAC_B, StackPair.MAC_A, EtherType.IPV4);
        frame.putBytes(34, payload, 0, length);
        Ipv4Header.write(frame, 14, 20 + length, 5, 0, 64, protocol, StackPair.IP_A, StackPair.IP_B);
        return frame;
    }

    @Test
    void udpWithoutChecksumIsAcceptedAndABadOneIsNot()
    {
        try (StackPair pair = new StackPair())
        {
            final UdpSocket socket = pair.b.openUdp(7);
            final UnsafeBuffer udp = new UnsafeBuffer(new byte[12]);
            udp.putInt(8, 0x01020304);
            UdpHeader.writeWithoutChecksum(udp, 0, 999, 7, 4); // RFC 768: zero means "no checksum"
            pair.nicB.device().accept(frameToB(IpProtocol.UDP, udp, 12), 0, 60);
            pair.step();
            assertEquals(1, socket.queued(), "a zero checksum is allowed over IPv4");
            UdpHeader.write(udp, 0, 999, 7, 4, StackPair.IP_A, StackPair.IP_B);
            udp.putByte(11, (byte)0x77); // payload changed after the checksum
            pair.nicB.device().accept(frameToB(IpProtocol.UDP, udp, 12), 0, 60);
            pair.step();
            assertEquals(1, socket.queued());
            assertEquals(1, pair.b.udp().drops().get(UdpDrop.BAD_CHECKSUM));
            final UdpDatagram datagram = new UdpDatagram();
            assertTrue(socket.receive(datagram));
            assertEquals(0x01020304, datagram.buffer().getInt(datagram.offset()));
            datagram.release();
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void fragmentationNeededKeepsTheNextHopMtuForThatDestination()
    {
        try (StackPair pair = new StackPair())
        {
            // B says: a datagram B sent to 192.0.2.7 needed fragmentation; next hop MTU 1280 (RFC 1191 §4)
            final UnsafeBuffer icmp = new UnsafeBuffer(new byte[8 + 28]);
            Ipv4Header.write(icmp, 8, 1500, 1, Ipv4Header.FLAG_DONT_FRAGMENT, 64, IpProtocol.UDP, StackPair.IP_B, FAR_AWAY);
            icmp.putLong(28, 0x1234_0007_05C8_0000L, ByteOrder.BIG_ENDIAN);
            IcmpMessage.write(icmp, 0, IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.CODE_FRAGMENTATION_NEEDED,
                1280, 28);
            pair.nicB.device().accept(frameToB(IpProtocol.ICMP, icmp, icmp.capacity()), 0, 34 + icmp.capacity());
            pair.step();
            assertEquals(1280, pair.b.pathMtu().mtuFor(FAR_AWAY));
            assertEquals(1500, pair.b.pathMtu().mtuFor(StackPair.IP_A), "other destinations keep the link MTU");
            assertEquals(1, pair.b.events().get(StackEvent.PATH_MTU_REPORTS));
            // a quote shorter than an IP header + 8 bytes is refused (RFC 792)
            final UnsafeBuffer shortQuote = new UnsafeBuffer(new byte[8 + 24]);
            Ipv4Header.write(shortQuote, 8, 1500, 1, 0, 64, IpProtocol.UDP, StackPair.IP_B, FAR_AWAY);
            IcmpMessage.write(shortQuote, 0, IcmpMessage.TYPE_TIME_EXCEEDED, 0, 0, 24);
            final UnsafeBuffer shortFrame = frameToB(IpProtocol.ICMP, shortQuote, shortQuote.capacity());
            pair.nicB.device().accept(shortFrame, 0, shortFrame.capacity());
            pair.step();
            assertEquals(1, pair.b.icmpDrops().get(io.ringstack.ip.wire.IcmpDrop.BAD_QUOTED_HEADER));
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void offLinkDestinationsGoThroughTheGateway()
    {
        final int gateway = Ipv4Address.parse("10.0.0.254");
        try (StackPair pair = new StackPair(FaultPlan.NONE, 1, c -> c.withGateway(gateway)))
        {
            final UdpSocket socket = pair.a.openUdp(0);
            assertTrue(socket.send(new UnsafeBuffer(new byte[10]), 0, 10, FAR_AWAY, 53), "parked until the gateway resolves");
            pair.settle();
            // B saw A's ARP request for the gateway, not for 192.0.2.7
            assertEquals(io.ringstack.ethernet.arp.ArpState.INCOMPLETE, pair.a.arp().cache().state(gateway));
            assertNull(pair.a.arp().cache().state(FAR_AWAY));
            assertEquals(1, pair.a.arp().cache().pendingFrames(gateway));
            // three requests a second apart, unanswered: the parked datagram is dropped, its buffer released
            assertTrue(pair.runUntil(() -> pair.a.arp().cache().pendingFrames() == 0, 10, 1_000));
        }
    }

    @Test
    void echoRequestsWithOptionsGetAFreshReplyWithoutThem()
    {
        try (StackPair pair = new StackPair())
        {
            pair.a.sendEchoRequest(StackPair.IP_B, 1, 1, 8); // resolve ARP both ways
            pair.settle();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[14 + 24 + 16]);
            EthernetFrame.writeHeader(frame, 0, StackPair.MAC_B, StackPair.MAC_A, EtherType.IPV4);
            final UnsafeBuffer icmp = new UnsafeBuffer(new byte[16]);
            IcmpMessage.write(icmp, 0, IcmpMessage.TYPE_ECHO_REQUEST, 0, 0x4242_0009, 8);
            frame.putBytes(38, icmp, 0, 16);
            frame.putByte(14, (byte)0x46); // 24-byte header: a NOP x4 option block
            frame.putInt(34, 0x01010101);
            frame.putShort(16, (short)40, ByteOrder.BIG_ENDIAN);
            frame.putShort(20, (short)0);
            frame.putByte(22, (byte)64);
            frame.putByte(23, (byte)IpProtocol.ICMP);
            frame.putInt(26, StackPair.IP_A, ByteOrder.BIG_ENDIAN);
            frame.putInt(30, StackPair.IP_B, ByteOrder.BIG_ENDIAN);
            Ipv4Header.updateChecksum(frame, 14, 24);
            final int[] seen = new int[1];
            pair.a.echoReplyListener((source, id, seq, data, offset, length, now) -> seen[0] += id == 0x4242 && seq == 9 ? 1 : 0);
            pair.nicB.device().accept(frame, 0, frame.capacity());
            pair.settle();
            assertEquals(1, seen[0]);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void arpWithAbsurdLengthsIsCountedNotFollowed()
    {
        try (StackPair pair = new StackPair())
        {
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[60]);
            EthernetFrame.writeHeader(frame, 0, io.ringstack.nic.e1000.MacAddress.BROADCAST, StackPair.MAC_A, EtherType.ARP);
            ArpPacket.write(frame, 14, ArpPacket.OPERATION_REQUEST, StackPair.MAC_A, StackPair.IP_A, 0, StackPair.IP_B);
            frame.putByte(14 + ArpPacket.HARDWARE_LENGTH_OFFSET, (byte)200);
            frame.putByte(14 + ArpPacket.PROTOCOL_LENGTH_OFFSET, (byte)200);
            pair.nicB.device().accept(frame, 0, 60);
            pair.step();
            assertEquals(1, pair.b.arp().drops().get(io.ringstack.ethernet.wire.ArpDrop.BAD_ADDRESS_LENGTH));
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }
}
