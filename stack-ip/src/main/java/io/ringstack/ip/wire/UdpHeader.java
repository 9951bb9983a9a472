package io.ringstack.ip.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over a UDP header (RFC 768):
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 * </pre>
 */
public final class UdpHeader
{
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private UdpDrop problem;

    /**
     * Wraps the UDP header at {@code offset} with {@code ipPayloadLength} bytes of IP payload. False, with
     * {@link #problem()} set, when fewer than 8 bytes are present or the length field is below 8 or beyond the
     * IP payload. Bytes after the UDP length (IP payload longer than UDP says) are ignored.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int ipPayloadLength)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.problem = null;
        if (ipPayloadLength < HEADER_LENGTH)
        {
            problem = UdpDrop.TRUNCATED;
            return false;
        }
        length = buffer.getShort(offset + LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (length < HEADER_LENGTH || length > ipPayloadLength)
        {
            problem = UdpDrop.BAD_LENGTH;
            return false;
        }
        return true;
    }

    public UdpDrop problem()
    {
        return problem;
    }

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** The length field: header plus data. */
    public int length()
    {
        return length;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** A zero checksum means the sender computed none (RFC 768; allowed on receive over IPv4). */
    public boolean hasChecksum()
    {
        return checksum() != 0;
    }

    /** Verifies the checksum over the pseudo-header, header and data; true also when there is none. */
    public boolean checksumValid(final int source, final int destination)
    {
        if (!hasChecksum())
        {
            return true;
        }
        final long partial = InternetChecksum.pseudoHeaderSum(source, destination, IpProtocol.UDP, length);
        return InternetChecksum.fold(InternetChecksum.sum(buffer, offset, length, partial)) == 0xFFFF;
    }

    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    public int payloadLength()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * Writes a UDP header in front of {@code payloadLength} bytes already at {@code offset + 8}, with its checksum;
     * returns 8. A computed checksum of zero is sent as 0xFFFF (RFC 768).
     */
    public static int write(
        final MutableDirectBuffer buffer, final int offset, final int sourcePort, final int destinationPort,
        final int payloadLength, final int source, final int destination)
    {
        final int length = HEADER_LENGTH + payloadLength;
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short)sourcePort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)destinationPort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + LENGTH_OFFSET, (short)length, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        final long partial = InternetChecksum.pseudoHeaderSum(source, destination, IpProtocol.UDP, length);
        int checksum = InternetChecksum.finish(InternetChecksum.sum(buffer, offset, length, partial));
        if (checksum == 0)
        {
            checksum = 0xFFFF;
        }
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH;
    }

    /**
     * Writes a UDP header with a zero checksum field, which means the sender computed none (RFC 768; allowed over
     * IPv4; RFC 1122 §4.1.3.4 makes computing it the default), in front of {@code payloadLength} bytes at
     * {@code offset + 8}; returns 8.
     */
    public static int writeWithoutChecksum(
        final MutableDirectBuffer buffer, final int offset, final int sourcePort, final int destinationPort,
        final int payloadLength)
    {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short)sourcePort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)destinationPort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + LENGTH_OFFSET, (short)(HEADER_LENGTH + payloadLength), ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        return HEADER_LENGTH;
    }
}
