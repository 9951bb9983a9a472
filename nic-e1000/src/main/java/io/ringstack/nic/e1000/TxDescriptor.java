package io.ringstack.nic.e1000;

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

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private UnsafeBuffer ring;
    private int offset;

    public TxDescriptor wrap(final UnsafeBuffer ring, final int index)
    {
        this.ring = ring;
        this.offset = index * LENGTH;
        return this;
    }

    public long bufferAddress()
    {
        return ring.getLong(offset + BUFFER_ADDRESS_OFFSET, LE);
    }

    public int length()
    {
        return ring.getShort(offset + LENGTH_OFFSET, LE) & 0xFFFF;
    }

    public int checksumOffset()
    {
        return ring.getByte(offset + CSO_OFFSET) & 0xFF;
    }

    public int command()
    {
        return ring.getByte(offset + CMD_OFFSET) & 0xFF;
    }

    public int status()
    {
        return ring.getByte(offset + STA_OFFSET) & 0x0F;
    }

    /** STA read with acquire semantics, for reclaiming descriptors the device has finished. */
    public int statusAcquire()
    {
        return ring.getByteVolatile(offset + STA_OFFSET) & 0x0F;
    }

    public int checksumStart()
    {
        return ring.getByte(offset + CSS_OFFSET) & 0xFF;
    }

    public int special()
    {
        return ring.getShort(offset + SPECIAL_OFFSET, LE) & 0xFFFF;
    }

    /** Fills the whole descriptor for a legacy transmit: address, length, CMD; CSO, CSS, STA and special zero. */
    public TxDescriptor set(final long bufferAddress, final int length, final int command)
    {
        ring.putLong(offset + BUFFER_ADDRESS_OFFSET, bufferAddress, LE);
        ring.putLong(offset + LENGTH_OFFSET, (length & 0xFFFFL) | ((long)(command & 0xFF) << 24), LE);
        return this;
    }

    /** Device side: reports the descriptor done with release semantics. */
    public void writeBackStatus(final int status)
    {
        ring.putByteVolatile(offset + STA_OFFSET, (byte)status);
    }
}
