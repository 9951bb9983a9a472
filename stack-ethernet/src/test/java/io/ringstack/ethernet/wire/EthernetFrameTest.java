package io.ringstack.ethernet.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EthernetFrameTest
{
    private static UnsafeBuffer hex(final String text)
    {
        final String clean = text.replace(" ", "");
        final byte[] data = new byte[clean.length() / 2];
        for (int i = 0; i < data.length; i++)
        {
            data[i] = (byte)Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return new UnsafeBuffer(data);
    }

    @Test
    void untaggedFrame()
    {
        final UnsafeBuffer buffer = hex("ffffffffffff 525400123456 0806 0001080006040001");
        final EthernetFrame frame = new EthernetFrame();
        assertTrue(frame.wrap(buffer, 0, buffer.capacity()));
        assertEquals(0xFFFF_FFFF_FFFFL, frame.destination());
        assertEquals(0x5254_0012_3456L, frame.source());
        assertEquals(EtherType.ARP, frame.etherType());
        assertEquals(0, frame.vlanCount());
        assertEquals(-1, frame.innerVlanId());
        assertEquals(14, frame.headerLength());
        assertEquals(8, frame.payloadLength());
    }

    @Test
    void stackedTagsOuterServiceInnerCustomer()
    {
        // 802.1ad S-TAG VLAN 100 (PCP 3), then 802.1Q C-TAG VLAN 200 (DEI set), then IPv4
        final UnsafeBuffer buffer = hex("020000000001 020000000002 88a8 6064 8100 10c8 0800 45");
        final EthernetFrame frame = new EthernetFrame();
        assertTrue(frame.wrap(buffer, 0, buffer.capacity()));
        assertEquals(2, frame.vlanCount());
        assertEquals(EtherType.QINQ, frame.tagProtocol(0));
        assertEquals(100, frame.vlanId(0));
        assertEquals(3, frame.priority(0));
        assertFalse(frame.dropEligible(0));
        assertEquals(EtherType.VLAN, frame.tagProtocol(1));
        assertEquals(200, frame.vlanId(1));
        assertTrue(frame.dropEligible(1));
        assertEquals(200, frame.innerVlanId());
        assertEquals(EtherType.IPV4, frame.etherType());
        assertEquals(22, frame.headerLength());
        assertEquals(1, frame.payloadLength());
    }

    @Test
    void rejectsTruncatedTaggedLlcAndTooManyTags()
    {
        final EthernetFrame frame = new EthernetFrame();
        assertFalse(frame.wrap(hex("ffffffffffff 5254001234"), 0, 11));
        assertEquals(EthernetDrop.TRUNCATED, frame.problem());
        assertFalse(frame.wrap(hex("ffffffffffff 525400123456 8100 00"), 0, 15));
        assertEquals(EthernetDrop.TRUNCATED, frame.problem());
        assertFalse(frame.wrap(hex("ffffffffffff 525400123456 0026 4242"), 0, 16));
        assertEquals(EthernetDrop.LLC_FRAME, frame.problem());
        assertFalse(frame.wrap(hex("ffffffffffff 525400123456 88a8 0001 8100 0002 8100 0003 0800"), 0, 26));
        assertEquals(EthernetDrop.TOO_MANY_VLAN_TAGS, frame.problem());
    }

    @Test
    void writtenHeadersParseBack()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertEquals(18, EthernetFrame.writeHeader(buffer, 2, 0x1111_2222_3333L, 0x0244_5566_7788L, 42, 5, EtherType.IPV4));
        final EthernetFrame frame = new EthernetFrame();
        assertTrue(frame.wrap(buffer, 2, 60));
        assertEquals(0x1111_2222_3333L, frame.destination());
        assertEquals(0x0244_5566_7788L, frame.source());
        assertEquals(42, frame.vlanId(0));
        assertEquals(5, frame.priority(0));
        assertEquals(EtherType.IPV4, frame.etherType());
        assertEquals(20, frame.payloadOffset());
    }

    @Test
    void arpPacketRoundTripAndAbsurdLengths()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[28]);
        ArpPacket.write(buffer, 0, ArpPacket.OPERATION_REQUEST, 0x5254_0000_0001L, 0x0A00_0001, 0, 0x0A00_0002);
        final ArpPacket arp = new ArpPacket();
        assertTrue(arp.wrap(buffer, 0, 28));
        assertEquals(ArpPacket.OPERATION_REQUEST, arp.operation());
        assertEquals(0x5254_0000_0001L, arp.senderHardwareAddress());
        assertEquals(0x0A00_0001, arp.senderProtocolAddress());
        assertEquals(0x0A00_0002, arp.targetProtocolAddress());
        assertFalse(arp.wrap(buffer, 0, 27));
        assertEquals(ArpDrop.TRUNCATED, arp.problem());
        buffer.putByte(ArpPacket.HARDWARE_LENGTH_OFFSET, (byte)255);
        assertFalse(arp.wrap(buffer, 0, 28));
        assertEquals(ArpDrop.BAD_ADDRESS_LENGTH, arp.problem());
        buffer.putByte(ArpPacket.HARDWARE_LENGTH_OFFSET, (byte)6);
        buffer.putShort(ArpPacket.OPERATION_OFFSET, (short)9, java.nio.ByteOrder.BIG_ENDIAN);
        assertFalse(arp.wrap(buffer, 0, 28));
        assertEquals(ArpDrop.BAD_OPERATION, arp.problem());
    }
}
