package io.ringstack.ip.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class Ipv4HeaderTest
{
    private static UnsafeBuffer bytes(final int... values)
    {
        final byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++)
        {
            data[i] = (byte)values[i];
        }
        return new UnsafeBuffer(data);
    }

    @Test
    void parsesEveryFieldOfARealFragment()
    {
        // IPv4 header of a UDP fragment (id 0x1c46, MF, offset 185 units = 1480 B), TTL 64, 10.0.0.1 -> 10.0.0.2
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        Ipv4Header.write(buffer, 0, 40, 0x1c46, Ipv4Header.FLAG_MORE_FRAGMENTS | 185, 64, IpProtocol.UDP,
            Ipv4Address.parse("10.0.0.1"), Ipv4Address.parse("10.0.0.2"));
        final Ipv4Header header = new Ipv4Header();
        assertTrue(header.wrap(buffer, 0, 40));
        assertEquals(4, header.version());
        assertEquals(20, header.headerLength());
        assertEquals(40, header.totalLength());
        assertEquals(0x1c46, header.identification());
        assertTrue(header.moreFragments());
        assertFalse(header.dontFragment());
        assertEquals(1480, header.fragmentOffset());
        assertTrue(header.isFragment());
        assertEquals(64, header.timeToLive());
        assertEquals(17, header.protocol());
        assertTrue(header.checksumValid());
        assertEquals("10.0.0.1", Ipv4Address.toString(header.source()));
        assertEquals("10.0.0.2", Ipv4Address.toString(header.destination()));
        assertEquals(20, header.payloadLength());
    }

    @Test
    void rejectsWhatCannotBeParsed()
    {
        final Ipv4Header header = new Ipv4Header();
        assertFalse(header.wrap(bytes(0x45, 0, 0, 20), 0, 4));
        assertEquals(Ipv4Drop.TRUNCATED, header.problem());
        final UnsafeBuffer v6 = new UnsafeBuffer(new byte[20]);
        v6.putByte(0, (byte)0x60);
        assertFalse(header.wrap(v6, 0, 20));
        assertEquals(Ipv4Drop.BAD_VERSION, header.problem());
        final UnsafeBuffer shortIhl = new UnsafeBuffer(new byte[20]);
        shortIhl.putByte(0, (byte)0x44);
        assertFalse(header.wrap(shortIhl, 0, 20));
        assertEquals(Ipv4Drop.BAD_HEADER_LENGTH, header.problem());
        final UnsafeBuffer longIhl = new UnsafeBuffer(new byte[40]);
        Ipv4Header.write(longIhl, 0, 40, 1, 0, 64, 17, 1, 2);
        longIhl.putByte(0, (byte)0x4F); // 60-byte header in a 40-byte datagram
        assertFalse(header.wrap(longIhl, 0, 40));
        assertEquals(Ipv4Drop.TRUNCATED, header.problem());
        final UnsafeBuffer totalTooLong = new UnsafeBuffer(new byte[40]);
        Ipv4Header.write(totalTooLong, 0, 41, 1, 0, 64, 17, 1, 2);
        assertFalse(header.wrap(totalTooLong, 0, 40));
        assertEquals(Ipv4Drop.BAD_TOTAL_LENGTH, header.problem());
    }

    @Test
    void walksOptionsSafely()
    {
        final Ipv4Header header = new Ipv4Header();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[28]);
        Ipv4Header.write(buffer, 0, 28, 1, 0, 64, 17, 1, 2);
        buffer.putByte(0, (byte)0x47); // 28-byte header: 8 bytes of options
        // NOP, then a record-route option claiming 7 bytes (fits exactly)
        buffer.putByte(20, (byte)1);
        buffer.putByte(21, (byte)7);
        buffer.putByte(22, (byte)7);
        buffer.putByte(23, (byte)4);
        assertTrue(header.wrap(buffer, 0, 28), String.valueOf(header.problem()));
        buffer.putByte(22, (byte)8); // runs one byte past the header
        assertFalse(header.wrap(buffer, 0, 28));
        assertEquals(Ipv4Drop.BAD_OPTIONS, header.problem());
        buffer.putByte(22, (byte)1); // length below 2
        assertFalse(header.wrap(buffer, 0, 28));
        assertEquals(Ipv4Drop.BAD_OPTIONS, header.problem());
        buffer.putByte(21, (byte)0); // end of list: the rest is padding
        assertTrue(header.wrap(buffer, 0, 28));
    }

    @Test
    void addressesParseAndPrint()
    {
        assertEquals(0x0A000001, Ipv4Address.parse("10.0.0.1"));
        assertEquals("255.255.255.255", Ipv4Address.toString(Ipv4Address.parse("255.255.255.255")));
        assertEquals(0xFFFFFF00, Ipv4Address.mask(24));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("10.0.0"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("10.0.0.256"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("a.b.c.d"));
        assertTrue(ex.getMessage().contains("not a number"), ex.getMessage());
    }
}
