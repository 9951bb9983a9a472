package io.ringstack.nic.e1000;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over one legacy receive descriptor (Intel 8254x SDM §3.2.3, table 3-1), 16 bytes, little-endian:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Buffer Address [31:0]                       |  0
 * |                   Buffer Address [63:32]                      |  4
 * |            Length             |        Packet Checksum        |  8
 * |    Status     |    Errors     |            Special            | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The device writes length, checksum, errors and special, then status with DD; software reads status with acquire
 * semantics before anything else ({@link #statusAcquire()}).
 */
public final class RxDescriptor
{
    public static final int LENGTH = 16;
    public static final int BUFFER_ADDRESS_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PACKET_CHECKSUM_OFFSET = 10;
    public static final int STATUS_OFFSET = 12;
    public static final int ERRORS_OFFSET = 13;
    public static final int SPECIAL_OFFSET = 14;

    // Status bits (SDM §3.2.3.1)
    public static final int STATUS_DD = 0x01;
    public static final int STATUS_EOP = 0x02;
    public static final int STATUS_IXSM = 0x04;
    public static final int STATUS_VP = 0x08;
    public static final int STATUS_UDPCS = 0x10;
    public static final int STATUS_TCPCS = 0x20;
    public static final int STATUS_IPCS = 0x40;
    public static final int STATUS_PIF = 0x80;

    // Error bits (SDM §3.2.3.2)
    public static final int ERROR_CE = 0x01;
    public static final int ERROR_SE = 0x02;
    public static final int ERROR_SEQ = 0x04;
    public static final int ERROR_CXE = 0x10;
    public static final int ERROR_TCPE = 0x20;
    public static final int ERROR_IPE = 0x40;
    public static final int ERROR_RXE = 0x80;

    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private UnsafeBuffer ring;
    private int offset;

    public RxDescriptor wrap(final UnsafeBuffer ring, final int index)
    {
        this.ring = ring;
        this.offset = index * LENGTH;
        return this;
    }

    public long bufferAddress()
    {
        return ring.getLong(offset + BUFFER_ADDRESS_OFFSET, LE);
    }

    public RxDescriptor bufferAddress(final long address)
    {
        ring.putLong(offset + BUFFER_ADDRESS_OFFSET, address, LE);
        return this;
    }

    public int length()
    {
        return ring.getShort(offset + LENGTH_OFFSET, LE) & 0xFFFF;
    }

    public int packetChecksum()
    {
        return ring.getShort(offset + PACKET_CHECKSUM_OFFSET, LE) & 0xFFFF;
    }

    public int status()
    {
        return ring.getByte(offset + STATUS_OFFSET) & 0xFF;
    }

    /** Status read with acquire semantics: once DD is seen, the rest of the descriptor and the buffer are visible. */
    public int statusAcquire()
    {
        return ring.getByteVolatile(offset + STATUS_OFFSET) & 0xFF;
    }

    public int errors()
    {
        return ring.getByte(offset + ERRORS_OFFSET) & 0xFF;
    }

    public int special()
    {
        return ring.getShort(offset + SPECIAL_OFFSET, LE) & 0xFFFF;
    }

    /** Software hands the descriptor back to the device: clears status, errors, special, length and checksum. */
    public RxDescriptor clearWriteBack()
    {
        ring.putLong(offset + LENGTH_OFFSET, 0L);
        return this;
    }

    /** Device side: writes length and checksum, then status/errors/special with release semantics. */
    public void writeBack(final int length, final int checksum, final int status, final int errors, final int special)
    {
        ring.putShort(offset + LENGTH_OFFSET, (short)length, LE);
        ring.putShort(offset + PACKET_CHECKSUM_OFFSET, (short)checksum, LE);
        final int word = (status & 0xFF) | ((errors & 0xFF) << 8) | ((special & 0xFFFF) << 16);
        ring.putIntRelease(offset + STATUS_OFFSET, NATIVE_LITTLE_ENDIAN ? word : Integer.reverseBytes(word));
    }
}
