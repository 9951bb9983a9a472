package io.ringstack.ip.decode;

import io.ringstack.ip.wire.InternetChecksum;
import io.ringstack.ip.wire.IpProtocol;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * A read-only view of a TCP header's fixed part (RFC 9293 §3.1), enough for the decode tool; the TCP layer's own
 * flyweight lives in stack-tcp.
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
 * </pre>
 */
public final class TcpHeaderView
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

    public static final int FLAG_FIN = 0x001;
    public static final int FLAG_SYN = 0x002;
    public static final int FLAG_RST = 0x004;
    public static final int FLAG_PSH = 0x008;
    public static final int FLAG_ACK = 0x010;
    public static final int FLAG_URG = 0x020;
    /** RFC 3168 ECN-Echo. */
    public static final int FLAG_ECE = 0x040;
    /** RFC 3168 Congestion Window Reduced. */
    public static final int FLAG_CWR = 0x080;

    private DirectBuffer buffer;
    private int offset;
    private int headerLength;
    private TcpHeaderDrop problem;

    /**
     * Wraps the header of a segment of {@code segmentLength} bytes (the IP payload) of which {@code capturedLength}
     * are present at {@code offset}. False, with {@link #problem()} set, unless the 20 fixed bytes are present and the
     * data offset is at least 5 words and inside the segment. Options need not be captured: they are never read.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int segmentLength, final int capturedLength)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.problem = null;
        this.headerLength = 0;
        if (segmentLength < MIN_HEADER_LENGTH || capturedLength < MIN_HEADER_LENGTH)
        {
            problem = TcpHeaderDrop.TRUNCATED;
            return false;
        }
        headerLength = ((buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0xFF) >>> 4) * 4;
        // RFC 9293 §3.1: the data offset counts the header's 32-bit words, at least 5; the header is in the segment
        if (headerLength < MIN_HEADER_LENGTH || headerLength > segmentLength)
        {
            problem = TcpHeaderDrop.BAD_DATA_OFFSET;
            return false;
        }
        return true;
    }

    public TcpHeaderDrop problem()
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

    /** Sequence number, unsigned 32 bits. */
    public long sequenceNumber()
    {
        return buffer.getInt(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** Acknowledgment number, unsigned 32 bits (meaningful when ACK is set). */
    public long acknowledgmentNumber()
    {
        return buffer.getInt(offset + ACKNOWLEDGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** Header length in bytes: the data offset times 4. */
    public int headerLength()
    {
        return headerLength;
    }

    /** The 12 bits after the data offset: 4 reserved bits (RFC 9293), then CWR ECE URG ACK PSH RST SYN FIN. */
    public int flags()
    {
        return buffer.getShort(offset + DATA_OFFSET_OFFSET, ByteOrder.BIG_ENDIAN) & 0x0FFF;
    }

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

    /**
     * Verifies the checksum over the pseudo-header, header and data (RFC 9293 §3.1); the whole segment of
     * {@code segmentLength} bytes must be in the buffer.
     */
    public boolean checksumValid(final int source, final int destination, final int segmentLength)
    {
        final long partial = InternetChecksum.pseudoHeaderSum(source, destination, IpProtocol.TCP, segmentLength);
        return InternetChecksum.fold(InternetChecksum.sum(buffer, offset, segmentLength, partial)) == 0xFFFF;
    }
}
