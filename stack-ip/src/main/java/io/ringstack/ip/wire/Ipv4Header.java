package io.ringstack.ip.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an IPv4 header (RFC 791 §3.1) where it lies:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} validates the header's structure (version, IHL, total length against the bytes present, option
 * lengths) before any other field is read; {@link #checksumValid()} is separate so that tools can report a bad
 * checksum rather than only reject it. The payload is {@code totalLength - headerLength} bytes: Ethernet padding
 * after it is ignored.
 */
public final class Ipv4Header
{
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_TOTAL_LENGTH = 65_535;

    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FLAG_RESERVED = 0x8000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    /** RFC 791 §3.1 option types with no length byte. */
    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;

    /** RFC 1122 §3.2.1.7 recommends 64 as the default TTL. */
    public static final int DEFAULT_TTL = 64;

    private DirectBuffer buffer;
    private int offset;
    private int headerLength;
    private int totalLength;
    private Ipv4Drop problem;

    /**
     * Wraps the IPv4 header at {@code offset}, where {@code length} bytes are available. False, with
     * {@link #problem()} set, when the header is structurally unusable. The checksum is not checked here.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.problem = null;
        this.headerLength = 0;
        this.totalLength = 0;
        if (length < MIN_HEADER_LENGTH)
        {
            return fail(Ipv4Drop.TRUNCATED);
        }
        final int versionIhl = buffer.getByte(offset) & 0xFF;
        if (versionIhl >>> 4 != 4)
        {
            return fail(Ipv4Drop.BAD_VERSION);
        }
        headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MIN_HEADER_LENGTH)
        {
            return fail(Ipv4Drop.BAD_HEADER_LENGTH);
        }
        if (headerLength > length)
        {
            return fail(Ipv4Drop.TRUNCATED);
        }
        totalLength = buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (totalLength < headerLength || totalLength > length)
        {
            return fail(Ipv4Drop.BAD_TOTAL_LENGTH);
        }
        if (headerLength > MIN_HEADER_LENGTH && !optionsWellFormed())
        {
            return fail(Ipv4Drop.BAD_OPTIONS);
        }
        return true;
    }

    /** Walks the option list: every multi-byte option has a length of at least 2 that stays inside the header. */
    private boolean optionsWellFormed()
    {
        int i = offset + MIN_HEADER_LENGTH;
        final int end = offset + headerLength;
        while (i < end)
        {
            final int type = buffer.getByte(i) & 0xFF;
            if (type == OPTION_END)
            {
                return true;
            }
            if (type == OPTION_NOP)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return false;
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            if (optionLength < 2 || i + optionLength > end)
            {
                return false;
            }
            i += optionLength;
        }
        return true;
    }

    private boolean fail(final Ipv4Drop reason)
    {
        problem = reason;
        return false;
    }

    public Ipv4Drop problem()
    {
        return problem;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int version()
    {
        return (buffer.getByte(offset) & 0xFF) >>> 4;
    }

    /** Header length in bytes (IHL × 4). */
    public int headerLength()
    {
        return headerLength;
    }

    public int dscp()
    {
        return (buffer.getByte(offset + TOS_OFFSET) & 0xFF) >>> 2;
    }

    public int ecn()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0x03;
    }

    public int totalLength()
    {
        return totalLength;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    private int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public boolean dontFragment()
    {
        return (flagsAndFragmentOffset() & FLAG_DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments()
    {
        return (flagsAndFragmentOffset() & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** The reserved (evil) bit; RFC 791 says it must be zero, receivers ignore it. */
    public boolean reservedFlag()
    {
        return (flagsAndFragmentOffset() & FLAG_RESERVED) != 0;
    }

    /** Fragment offset in 8-byte units, as in the header. */
    public int fragmentOffsetUnits()
    {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffset()
    {
        return fragmentOffsetUnits() << 3;
    }

    /** A fragment is any datagram with MF set or a non-zero offset. */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int timeToLive()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public int headerChecksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public boolean checksumValid()
    {
        return InternetChecksum.verify(buffer, offset, headerLength);
    }

    public int source()
    {
        return buffer.getInt(offset + SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int destination()
    {
        return buffer.getInt(offset + DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int optionsLength()
    {
        return headerLength - MIN_HEADER_LENGTH;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset()
    {
        return offset + headerLength;
    }

    public int payloadLength()
    {
        return totalLength - headerLength;
    }

    /**
     * Writes a 20-byte header without options at {@code offset}, checksum included; returns 20.
     * {@code flagsAndFragmentOffset} is the 16-bit field (flags and offset in 8-byte units).
     */
    public static int write(
        final MutableDirectBuffer buffer, final int offset, final int totalLength, final int identification,
        final int flagsAndFragmentOffset, final int ttl, final int protocol, final int source, final int destination)
    {
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte)0x45);
        buffer.putByte(offset + TOS_OFFSET, (byte)0);
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)flagsAndFragmentOffset, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        buffer.putInt(offset + SOURCE_OFFSET, source, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DESTINATION_OFFSET, destination, ByteOrder.BIG_ENDIAN);
        final int checksum = InternetChecksum.checksum(buffer, offset, MIN_HEADER_LENGTH);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return MIN_HEADER_LENGTH;
    }

    /**
     * Writes every field of a header of {@code headerLength} bytes (20 to 60, a multiple of 4) at {@code offset},
     * then its checksum; returns {@code headerLength}. The options ({@code headerLength - 20} bytes, padded to a
     * word) must already be at {@code offset + 20}: the checksum covers them (RFC 791 §3.1).
     * {@code typeOfService} is the whole second byte (DSCP and ECN); {@code flagsAndFragmentOffset} the 16-bit
     * field (reserved, DF and MF flags, offset in 8-byte units).
     */
    public static int write(
        final MutableDirectBuffer buffer, final int offset, final int headerLength, final int typeOfService,
        final int totalLength, final int identification, final int flagsAndFragmentOffset, final int ttl,
        final int protocol, final int source, final int destination)
    {
        if (headerLength < MIN_HEADER_LENGTH || headerLength > MAX_HEADER_LENGTH || (headerLength & 3) != 0)
        {
            throw new IllegalArgumentException("IPv4 header length " + headerLength +
                " is not a multiple of 4 from 20 to 60 bytes (IHL 5..15)");
        }
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte)(0x40 | headerLength >>> 2));
        buffer.putByte(offset + TOS_OFFSET, (byte)typeOfService);
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)flagsAndFragmentOffset, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        buffer.putInt(offset + SOURCE_OFFSET, source, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DESTINATION_OFFSET, destination, ByteOrder.BIG_ENDIAN);
        updateChecksum(buffer, offset, headerLength);
        return headerLength;
    }

    /** Recomputes and stores the header checksum of a header of {@code headerLength} bytes at {@code offset}. */
    public static void updateChecksum(final MutableDirectBuffer buffer, final int offset, final int headerLength)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + CHECKSUM_OFFSET,
            (short)InternetChecksum.checksum(buffer, offset, headerLength), ByteOrder.BIG_ENDIAN);
    }
}
