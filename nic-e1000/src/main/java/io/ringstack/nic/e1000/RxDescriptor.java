package io.ringstack.nic.e1000;

import io.ringstack.nic.memory.RawMemory;
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
 * semantics before anything else: {@link #statusAcquire()}, or, for a batch, plain {@link #status()} loads followed
 * by one {@link java.lang.invoke.VarHandle#acquireFence()} before the other fields are read (as the driver polls).
 * <p>
 * Bounds are checked once per descriptor, in {@link #wrap}: the index must name a descriptor inside the ring, so all
 * 16 bytes the accessors touch lie inside the ring's memory, and the accessors then read and write the descriptor's
 * address directly instead of checking each field again (the per-access checks of {@link UnsafeBuffer} were a tenth
 * of the frame path's time).
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

    /** The ring's byte[] for a heap ring (tests), null for DMA memory; with {@link #address} the descriptor's start. */
    private Object base;
    private long address;

    /**
     * Points the flyweight at descriptor {@code index} of {@code ring}.
     *
     * @throws IndexOutOfBoundsException if the ring has no such descriptor.
     */
    public RxDescriptor wrap(final UnsafeBuffer ring, final int index)
    {
        if (index < 0 || index >= ring.capacity() >> 4)
        {
            throw outsideRing(ring, index);
        }
        final byte[] array = ring.byteArray();
        if (array != base)
        {
            base = array; // a reference store costs a GC write barrier: only when the ring changes kind
        }
        this.address = ring.addressOffset() + ((long)index << 4);
        return this;
    }

    static IndexOutOfBoundsException outsideRing(final UnsafeBuffer ring, final int index)
    {
        return new IndexOutOfBoundsException("descriptor " + index + " is outside a ring of " +
            (ring.capacity() >> 4) + " descriptors");
    }

    public long bufferAddress()
    {
        final long value = RawMemory.getLong(base, address + BUFFER_ADDRESS_OFFSET);
        return NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    public RxDescriptor bufferAddress(final long value)
    {
        final long littleEndian = NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value);
        RawMemory.putLong(base, address + BUFFER_ADDRESS_OFFSET, littleEndian);
        return this;
    }

    public int length()
    {
        return littleEndianShort(RawMemory.getShort(base, address + LENGTH_OFFSET));
    }

    public int packetChecksum()
    {
        return littleEndianShort(RawMemory.getShort(base, address + PACKET_CHECKSUM_OFFSET));
    }

    public int status()
    {
        return RawMemory.getByte(base, address + STATUS_OFFSET) & 0xFF;
    }

    /**
     * Status read with acquire semantics: once DD is seen, the rest of the descriptor and the buffer are visible.
     * Acquire is enough: it pairs with the device's release store of the status word in {@link #writeBack}, which
     * comes after its writes of the buffer, length and checksum; nothing here needs store-load ordering.
     */
    public int statusAcquire()
    {
        return RawMemory.getByteAcquire(base, address + STATUS_OFFSET) & 0xFF;
    }

    public int errors()
    {
        return RawMemory.getByte(base, address + ERRORS_OFFSET) & 0xFF;
    }

    public int special()
    {
        return littleEndianShort(RawMemory.getShort(base, address + SPECIAL_OFFSET));
    }

    /** Software hands the descriptor back to the device: clears status, errors, special, length and checksum. */
    public RxDescriptor clearWriteBack()
    {
        // Plain: the driver's RDT write (a release store) publishes the descriptor to the device.
        RawMemory.putLong(base, address + LENGTH_OFFSET, 0L);
        return this;
    }

    /**
     * Device side: writes length and checksum, then status/errors/special with release semantics, so a driver that
     * sees DD (acquire) also sees the length and the frame's bytes written before.
     */
    public void writeBack(final int length, final int checksum, final int status, final int errors, final int special)
    {
        final int lengths = (length & 0xFFFF) | ((checksum & 0xFFFF) << 16);
        RawMemory.putInt(base, address + LENGTH_OFFSET, NATIVE_LITTLE_ENDIAN ? lengths : Integer.reverseBytes(lengths));
        final int word = (status & 0xFF) | ((errors & 0xFF) << 8) | ((special & 0xFFFF) << 16);
        RawMemory.putIntRelease(
            base, address + STATUS_OFFSET, NATIVE_LITTLE_ENDIAN ? word : Integer.reverseBytes(word));
    }

    private static int littleEndianShort(final short value)
    {
        return (NATIVE_LITTLE_ENDIAN ? value : Short.reverseBytes(value)) & 0xFFFF;
    }
}
