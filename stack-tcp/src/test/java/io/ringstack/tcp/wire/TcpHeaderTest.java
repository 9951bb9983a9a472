package io.ringstack.tcp.wire;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.ip.wire.TcpHeaderDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TcpHeaderTest
{
    @Test
    void parsesEveryFieldOfALinuxSyn()
    {
        final UnsafeBuffer datagram = Fixtures.bytes(Fixtures.LINUX_SYN);
        final Ipv4Header ip = new Ipv4Header();
        assertTrue(ip.wrap(datagram, 0, datagram.capacity()));
        final TcpHeader tcp = new TcpHeader();
        assertTrue(tcp.wrap(datagram, ip.payloadOffset(), ip.payloadLength()));
        assertEquals(46656, tcp.sourcePort());
        assertEquals(80, tcp.destinationPort());
        assertEquals(797190859L, Integer.toUnsignedLong(tcp.sequenceNumber()));
        assertEquals(0, tcp.acknowledgmentNumber());
        assertEquals(40, tcp.headerLength());
        assertEquals(TcpHeader.SYN, tcp.flags());
        assertTrue(tcp.isSyn());
        assertFalse(tcp.isAck());
        assertEquals(27200, tcp.window());
        assertEquals(0x50c4, tcp.checksum());
        assertEquals(0, tcp.urgentPointer());
        assertEquals(0, tcp.payloadLength());
        assertEquals(1, tcp.sequenceLength(), "SYN occupies one sequence number");
        assertEquals(20, tcp.optionsLength());
        assertTrue(tcp.checksumValid(ip.source(), ip.destination()));
        assertFalse(tcp.checksumValid(ip.source(), Ipv4Address.parse("10.0.0.1")), "pseudo-header covers the address");

        final TcpOptions options = new TcpOptions();
        assertTrue(options.parse(datagram, tcp.optionsOffset(), tcp.optionsLength()));
        assertEquals(1360, options.mss());
        assertTrue(options.sackPermitted());
        assertTrue(options.hasTimestamps());
        assertEquals(0x436a0362, options.timestampValue());
        assertEquals(0, options.timestampEchoReply());
        assertEquals(7, options.windowScale());
        assertEquals(0, options.sackBlockCount());
    }

    @Test
    void parsesTheSynAckWithItsOtherOptionOrder()
    {
        final UnsafeBuffer datagram = Fixtures.bytes(Fixtures.SYN_ACK);
        final Ipv4Header ip = new Ipv4Header();
        assertTrue(ip.wrap(datagram, 0, datagram.capacity()));
        final TcpHeader tcp = new TcpHeader();
        assertTrue(tcp.wrap(datagram, ip.payloadOffset(), ip.payloadLength()));
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, tcp.flags());
        assertEquals(3078856592L, Integer.toUnsignedLong(tcp.sequenceNumber()));
        assertEquals(797190860L, Integer.toUnsignedLong(tcp.acknowledgmentNumber()));
        assertEquals(8192, tcp.window());
        assertTrue(tcp.checksumValid(ip.source(), ip.destination()));
        final TcpOptions options = new TcpOptions();
        assertTrue(options.parse(datagram, tcp.optionsOffset(), tcp.optionsLength()));
        assertEquals(1440, options.mss());
        assertEquals(8, options.windowScale());
        assertTrue(options.sackPermitted());
        assertEquals(0x0df5af50, options.timestampValue());
        assertEquals(0x436a0362, options.timestampEchoReply());
    }

    @Test
    void parsesSackBlocksAndStopsAtEndOfList()
    {
        final UnsafeBuffer datagram = Fixtures.bytes(Fixtures.SACK_SYN);
        final Ipv4Header ip = new Ipv4Header();
        assertTrue(ip.wrap(datagram, 0, datagram.capacity()));
        final TcpHeader tcp = new TcpHeader();
        assertTrue(tcp.wrap(datagram, ip.payloadOffset(), ip.payloadLength()));
        assertTrue(tcp.checksumValid(ip.source(), ip.destination()));
        final TcpOptions options = new TcpOptions();
        assertTrue(options.parse(datagram, tcp.optionsOffset(), tcp.optionsLength()));
        assertEquals(1, options.sackBlockCount());
        assertEquals(1, options.sackLeftEdge(0));
        assertEquals(16, options.sackRightEdge(0));
        assertFalse(options.hasMss());
    }

    @Test
    void emitsTheLinuxSynByteForByte()
    {
        final UnsafeBuffer original = Fixtures.bytes(Fixtures.LINUX_SYN);
        final Ipv4Header ip = new Ipv4Header();
        assertTrue(ip.wrap(original, 0, original.capacity()));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        TcpHeader.write(out, 0, 46656, 80, 797190859, 0, 40, TcpHeader.SYN, 27200);
        // Linux's order: MSS, SACK-Permitted + Timestamps, NOP + WS
        final int optionsLength = TcpOptions.writeSyn(out, 20, 1360, 7, true, true, 0x436a0362, 0);
        assertEquals(20, optionsLength);
        assertEquals(20, TcpOptions.synLength(7, true, true));
        TcpHeader.writeChecksum(out, 0, 40, ip.source(), ip.destination());
        for (int i = 0; i < 40; i++)
        {
            assertEquals(original.getByte(ip.payloadOffset() + i), out.getByte(i), "byte " + i);
        }
    }

    @Test
    void refusesTruncatedSegmentsAndBadDataOffsets()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final TcpHeader tcp = new TcpHeader();
        assertFalse(tcp.wrap(buffer, 0, 19));
        assertEquals(TcpHeaderDrop.TRUNCATED, tcp.problem());

        TcpHeader.write(buffer, 0, 1, 2, 0, 0, 16, TcpHeader.ACK, 0); // data offset 4 words
        assertFalse(tcp.wrap(buffer, 0, 64));
        assertEquals(TcpHeaderDrop.BAD_DATA_OFFSET, tcp.problem());

        TcpHeader.write(buffer, 0, 1, 2, 0, 0, 60, TcpHeader.ACK, 0); // 60-byte header in a 40-byte segment
        assertFalse(tcp.wrap(buffer, 0, 40));
        assertEquals(TcpHeaderDrop.BAD_DATA_OFFSET, tcp.problem());
        assertTrue(tcp.wrap(buffer, 0, 60));
        assertEquals(0, tcp.payloadLength());
    }

    @Test
    void sequenceLengthCountsSynAndFin()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[30]);
        TcpHeader.write(buffer, 0, 1, 2, 7, 9, 20, TcpHeader.SYN | TcpHeader.FIN | TcpHeader.ACK, 100);
        final TcpHeader tcp = new TcpHeader();
        assertTrue(tcp.wrap(buffer, 0, 30));
        assertEquals(12, tcp.sequenceLength());
        assertEquals("FIN,SYN,ACK", TcpHeader.flagsToString(tcp.flags()));
    }
}
