package io.ringstack.nic.linux;

/**
 * The sizes of a {@link PacketSocket}'s rings (Documentation/networking/packet_mmap.rst, "PACKET_MMAP settings and
 * constraints").
 *
 * @param rxBlockSize    bytes per RX block: a power of two, a multiple of the page size (4096); a block holds as
 *                       many packets as fit, so it bounds the largest frame received whole.
 * @param rxBlockCount   RX blocks; the ring holds rxBlockSize * rxBlockCount bytes of packets.
 * @param rxRetireMillis the kernel hands over a block that is not full after this many milliseconds: the receive
 *                       latency when traffic is light.
 * @param txFrameSize    bytes per TX slot, a multiple of 16: 48 bytes of header, then the frame.
 * @param txFrameCount   TX slots; a transmit burst longer than the free slots loses the rest (counted).
 * @param promiscuous    receive frames for every MAC address (PACKET_MR_PROMISC), as the emulated NIC has its own
 *                       address, which is not the interface's.
 */
public record PacketRingConfig(
    int rxBlockSize, int rxBlockCount, int rxRetireMillis, int txFrameSize, int txFrameCount, boolean promiscuous)
{
    public static final int PAGE_SIZE = 4096;
    /** 2 MiB of RX blocks of 64 KiB handed over after at most 1 ms; 1024 TX slots of 2 KiB; promiscuous. */
    public static final PacketRingConfig DEFAULT = new PacketRingConfig(1 << 16, 32, 1, 2048, 1024, true);

    public PacketRingConfig
    {
        if (rxBlockSize < PAGE_SIZE || Integer.bitCount(rxBlockSize) != 1)
        {
            throw new IllegalArgumentException("RX block size " + rxBlockSize +
                " must be a power of two of at least one page (4096)");
        }
        if (rxBlockCount < 2)
        {
            throw new IllegalArgumentException("RX ring needs at least 2 blocks, got " + rxBlockCount);
        }
        if (rxRetireMillis < 1)
        {
            throw new IllegalArgumentException("RX block timeout " + rxRetireMillis + " ms must be at least 1 ms");
        }
        if (txFrameSize < Tpacket3.TX_DATA_OFFSET + 64 || txFrameSize % Tpacket3.TPACKET_ALIGNMENT != 0 ||
            txFrameSize > PAGE_SIZE * 16)
        {
            throw new IllegalArgumentException("TX frame size " + txFrameSize +
                " must be a multiple of 16 from 112 to 65536 (48 header bytes, then the frame)");
        }
        if (txFrameCount < 1)
        {
            throw new IllegalArgumentException("TX ring needs at least one frame, got " + txFrameCount);
        }
    }

    public PacketRingConfig withRx(final int blockSize, final int blockCount, final int retireMillis)
    {
        return new PacketRingConfig(blockSize, blockCount, retireMillis, txFrameSize, txFrameCount, promiscuous);
    }

    public PacketRingConfig withTx(final int frameSize, final int frameCount)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, frameSize, frameCount, promiscuous);
    }

    public PacketRingConfig withPromiscuous(final boolean on)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, on);
    }

    /** The largest frame a TX slot holds. */
    public int txFrameCapacity()
    {
        return txFrameSize - Tpacket3.TX_DATA_OFFSET;
    }

    /** TX block size: a whole number of pages holding a whole number of slots (frames never straddle blocks). */
    int txBlockSize()
    {
        int block = PAGE_SIZE;
        while (block < txFrameSize || block % txFrameSize != 0 && block < (1 << 20))
        {
            block += PAGE_SIZE;
        }
        return block;
    }

    int txFramesPerBlock()
    {
        return txBlockSize() / txFrameSize;
    }

    int txBlockCount()
    {
        return (txFrameCount + txFramesPerBlock() - 1) / txFramesPerBlock();
    }
}
