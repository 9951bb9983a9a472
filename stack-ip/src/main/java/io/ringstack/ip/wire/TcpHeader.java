package io.ringstack.ip.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over a TCP segment (RFC 9293 §3.1), parsed where it lies:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               :
 * :                             Data                              :
 * :                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} checks that the fixed header and the options the data offset claims lie inside the segment before
 * any field is read. Sequence and acknowledgment numbers are returned as {@code int}s (modulo 2^32: stack-tcp
 * compares them with its {@code SequenceNumber}). One flyweight for the TCP layer and for the decode tool, which
 * may hold only the first bytes of a captured segment ({@link #wrap(DirectBuffer, int, int, int)}).
 */
public final class TcpHeader
{
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    /** RFC 3168 ECN-Echo. */
    public static final int ECE = 0x40;
    /** RFC 3168 Congestion Window Reduced. */
    public static final int CWR = 0x80;

    private DirectBuffer buffer;
    private int offset;
    private int segmentLength;
    private int headerLength;
    private TcpHeaderDrop problem;

    /**
     * Wraps the segment of {@code segmentLength} bytes (the IP payload) at {@code offset}. False, with
     * {@link #problem()} set, unless the 20 fixed bytes are present and the data offset is at least 5 words and
     * inside the segment.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int segmentLength)
    {
        return wrap(buffer, offset, segmentLength, segmentLength);
    }

    /**
     * Wraps a segment of {@code segmentLength} bytes of which only {@code capturedLength} are present (a capture
     * cut short): the fixed 20 bytes must be present; options and data need not be, and are not read here.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int segmentLength, final int capturedLength)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.segmentLength = segmentLength;
        this.headerLength = 0;
        this.problem = null;
        if (segmentLength < MIN_HEADER_LENGTH || capturedLength < MIN_HEADER_LENGTH)
        {
            problem = TcpHeaderDrop.TRUNCATED;
            return false;
        }
        final int length = ((buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0xFF) >>> 4) * 4;
        // RFC 9293 §3.1: the data offset counts 32-bit words of header, at least 5, and the header is in the segment
        if (length < MIN_HEADER_LENGTH || length > segmentLength)
        {
            problem = TcpHeaderDrop.BAD_DATA_OFFSET;
            return false;
        }
        headerLength = length;
        return true;
    }

    public TcpHeaderDrop problem()
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

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** SEG.SEQ, modulo 2^32. */
    public int sequenceNumber()
    {
        return buffer.getInt(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** SEG.ACK, modulo 2^32 (meaningful when ACK is set). */
    public int acknowledgmentNumber()
    {
        return buffer.getInt(offset + ACKNOWLEDGMENT_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Header length in bytes (data offset times 4), options included. */
    public int headerLength()
    {
        return headerLength;
    }

    /** The control bits CWR ECE URG ACK PSH RST SYN FIN (the reserved bits are not included). */
    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    /** The 12 bits after the data offset: 4 reserved bits (RFC 9293), then the control bits (as tshark shows them). */
    public int flagsWithReserved()
    {
        return buffer.getShort(offset + DATA_OFFSET_OFFSET, ByteOrder.BIG_ENDIAN) & 0x0FFF;
    }

    public boolean isSyn()
    {
        return (flags() & SYN) != 0;
    }

    public boolean isAck()
    {
        return (flags() & ACK) != 0;
    }

    public boolean isRst()
    {
        return (flags() & RST) != 0;
    }

    public boolean isFin()
    {
        return (flags() & FIN) != 0;
    }

    /** SEG.WND as sent, not yet scaled. */
    public int window()
    {
        return buffer.getShort(offset + WINDOW_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int urgentPointer()
    {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int optionsOffset()
    {
        return offset + MIN_HEADER_LENGTH;
    }

    public int optionsLength()
    {
        return headerLength - MIN_HEADER_LENGTH;
    }

    public int payloadOffset()
    {
        return offset + headerLength;
    }

    public int payloadLength()
    {
        return segmentLength - headerLength;
    }

    /** SEG.LEN: the payload plus one for each of SYN and FIN (RFC 9293 §3.4). */
    public int sequenceLength()
    {
        final int flags = flags();
        return payloadLength() + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    /** Verifies the checksum over the IPv4 pseudo-header, header and data (RFC 9293 §3.1). */
    public boolean checksumValid(final int source, final int destination)
    {
        final long partial = InternetChecksum.pseudoHeaderSum(source, destination, IpProtocol.TCP, segmentLength);
        return InternetChecksum.fold(InternetChecksum.sum(buffer, offset, segmentLength, partial)) == 0xFFFF;
    }

    /**
     * Writes the fixed header (checksum zero) at {@code offset}; options, if {@code headerLength} is above 20, are
     * written by the caller at {@code offset + 20}, then {@link #writeChecksum}.
     */
    public static void write(
        final MutableDirectBuffer buffer, final int offset, final int sourcePort, final int destinationPort,
        final int sequence, final int acknowledgment, final int headerLength, final int flags, final int window)
    {
        buffer.putInt(offset + SOURCE_PORT_OFFSET, sourcePort << 16 | destinationPort & 0xFFFF, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + SEQUENCE_OFFSET, sequence, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + ACKNOWLEDGMENT_OFFSET, acknowledgment, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DATA_OFFSET_OFFSET, (headerLength >>> 2) << 28 | (flags & 0xFF) << 16 | window & 0xFFFF,
            ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + CHECKSUM_OFFSET, 0);
    }

    /** Computes and stores the checksum of the {@code segmentLength}-byte segment at {@code offset}. */
    public static void writeChecksum(
        final MutableDirectBuffer buffer, final int offset, final int segmentLength, final int source,
        final int destination)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        final long partial = InternetChecksum.pseudoHeaderSum(source, destination, IpProtocol.TCP, segmentLength);
        buffer.putShort(offset + CHECKSUM_OFFSET,
            (short)InternetChecksum.finish(InternetChecksum.sum(buffer, offset, segmentLength, partial)),
            ByteOrder.BIG_ENDIAN);
    }

    /** "SYN,ACK" style names of control bits, for logs and test messages (allocates). */
    public static String flagsToString(final int flags)
    {
        final StringBuilder names = new StringBuilder();
        final String[] all = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
        for (int i = 0; i < all.length; i++)
        {
            if ((flags & (1 << i)) != 0)
            {
                if (!names.isEmpty())
                {
                    names.append(',');
                }
                names.append(all[i]);
            }
        }
        return names.toString();
    }
}
