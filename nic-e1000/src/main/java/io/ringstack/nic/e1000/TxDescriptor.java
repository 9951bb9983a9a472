package io.ringstack.nic.e1000;

import io.ringstack.nic.memory.RawMemory;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over one legacy transmit descriptor (Intel 8254x SDM §3.3.3, table 3-8), 16 bytes, little-endian:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Buffer Address [31:0]                       |  0
 * |                   Buffer Address [63:32]                      |  4
 * |            Length             |      CSO      |      CMD      |  8
 * |  STA  | RSV   |      CSS      |            Special            | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Software fills a descriptor and moves TDT; the device writes STA.DD back when CMD.RS asked for it.
 * <p>
 * As in {@link RxDescriptor}, bounds are checked once in {@link #wrap} (the index names a descriptor inside the ring)
 * and the accessors then address the descriptor's 16 bytes directly.
 */
public final class TxDescriptor
{
    public static final int LENGTH = 16;
    public static final int BUFFER_ADDRESS_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int CSO_OFFSET = 10;
    public static final int CMD_OFFSET = 11;
    public static final int STA_OFFSET = 12;
    public static final int CSS_OFFSET = 13;
    public static final int SPECIAL_OFFSET = 14;

    // CMD bits (SDM §3.3.3.1)
    public static final int CMD_EOP = 0x01;
    public static final int CMD_IFCS = 0x02;
    public static final int CMD_IC = 0x04;
    public static final int CMD_RS = 0x08;
    public static final int CMD_RPS = 0x10;
    public static final int CMD_DEXT = 0x20;
    public static final int CMD_VLE = 0x40;
    public static final int CMD_IDE = 0x80;

    // STA bits (SDM §3.3.3.2)
    public static final int STA_DD = 0x1;
    public static final int STA_EC = 0x2;
    public static final int STA_LC = 0x4;
    public static final int STA_TU = 0x8;

    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The ring's byte[] for a heap ring (tests), null for DMA memory; with {@link #address} the descriptor's start. */
    private Object base;
    private long address;

    /**
     * Points the flyweight at descriptor {@code index} of {@code ring}.
     *
     * @throws IndexOutOfBoundsException if the ring has no such descriptor.
     */
    public TxDescriptor wrap(final UnsafeBuffer ring, final int index)
    {
        if (index < 0 || index >= ring.capacity() >> 4)
        {
            throw RxDescriptor.outsideRing(ring, index);
        }
        final byte[] array = ring.byteArray();
        if (array != base)
        {
            base = array; // a reference store costs a GC write barrier: only when the ring changes kind
        }
        this.address = ring.addressOffset() + ((long)index << 4);
        return this;
    }

    public long bufferAddress()
    {
        final long value = RawMemory.getLong(base, address + BUFFER_ADDRESS_OFFSET);
        return NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    public int length()
    {
        final short value = RawMemory.getShort(base, address + LENGTH_OFFSET);
        return (NATIVE_LITTLE_ENDIAN ? value : Short.reverseBytes(value)) & 0xFFFF;
    }

    public int checksumOffset()
    {
        return RawMemory.getByte(base, address + CSO_OFFSET) & 0xFF;
    }

    public int command()
    {
        return RawMemory.getByte(base, address + CMD_OFFSET) & 0xFF;
    }

    public int status()
    {
        return RawMemory.getByte(base, address + STA_OFFSET) & 0x0F;
    }

    /**
     * STA read with acquire semantics, for reclaiming descriptors the device has finished: pairs with the device's
     * release store in {@link #writeBackStatus}, so once DD is seen the device has finished reading the buffer.
     */
    public int statusAcquire()
    {
        return RawMemory.getByteAcquire(base, address + STA_OFFSET) & 0x0F;
    }

    public int checksumStart()
    {
        return RawMemory.getByte(base, address + CSS_OFFSET) & 0xFF;
    }

    public int special()
    {
        final short value = RawMemory.getShort(base, address + SPECIAL_OFFSET);
        return (NATIVE_LITTLE_ENDIAN ? value : Short.reverseBytes(value)) & 0xFFFF;
    }

    /** Fills the whole descriptor for a legacy transmit: address, length, CMD; CSO, CSS, STA and special zero. */
    public TxDescriptor set(final long bufferAddress, final int length, final int command)
    {
        // Plain stores: the driver's TDT write (a release store) publishes the descriptor to the device.
        final long second = (length & 0xFFFFL) | ((long)(command & 0xFF) << 24);
        RawMemory.putLong(base, address + BUFFER_ADDRESS_OFFSET,
            NATIVE_LITTLE_ENDIAN ? bufferAddress : Long.reverseBytes(bufferAddress));
        RawMemory.putLong(base, address + LENGTH_OFFSET, NATIVE_LITTLE_ENDIAN ? second : Long.reverseBytes(second));
        return this;
    }

    /**
     * A legacy transmit with checksum insertion (SDM §3.3.3, CMD.IC): the device sums the frame from byte
     * {@code checksumStart} (CSS) to its end and writes the one's complement at byte {@code checksumOffset} (CSO).
     */
    public TxDescriptor set(
        final long bufferAddress, final int length, final int command, final int checksumOffset,
        final int checksumStart)
    {
        final long second = (length & 0xFFFFL) | (long)(checksumOffset & 0xFF) << 16 | ((long)(command & 0xFF) << 24) |
            (long)(checksumStart & 0xFF) << 40;
        RawMemory.putLong(base, address + BUFFER_ADDRESS_OFFSET,
            NATIVE_LITTLE_ENDIAN ? bufferAddress : Long.reverseBytes(bufferAddress));
        RawMemory.putLong(base, address + LENGTH_OFFSET, NATIVE_LITTLE_ENDIAN ? second : Long.reverseBytes(second));
        return this;
    }

    /**
     * Device side: reports the descriptor done. A release store is enough (it was a volatile store, whose trailing
     * full fence cost more than the rest of the write-back): it orders the device's reads of the buffer before DD,
     * and the driver reads DD with acquire ({@link #statusAcquire()}) before it releases the buffer. Nobody waits
     * for DD in a way that needs store-load ordering: the driver polls for it.
     */
    public void writeBackStatus(final int status)
    {
        RawMemory.putByteRelease(base, address + STA_OFFSET, (byte)status);
    }

    /**
     * Device side, for a burst of descriptors: reports the descriptor done with a plain store. The device must have
     * issued {@link java.lang.invoke.VarHandle#releaseFence()} after its last read of the descriptor's buffer and
     * before this store; that fence orders the reads before DD as the release store of {@link #writeBackStatus}
     * would, once for the whole burst.
     */
    public void writeBackStatusAfterFence(final int status)
    {
        RawMemory.putByte(base, address + STA_OFFSET, (byte)status);
    }
}
