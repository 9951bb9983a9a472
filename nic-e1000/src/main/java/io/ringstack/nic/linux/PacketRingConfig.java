package io.ringstack.nic.linux;

import java.util.Objects;

/**
 * The format and sizes of a {@link PacketSocket}'s rings (Documentation/networking/packet_mmap.rst, "PACKET_MMAP
 * settings and constraints").
 *
 * @param rxBlockSize    bytes per RX block: a power of two, a multiple of the page size (4096).
 * @param rxBlockCount   RX blocks; the ring holds rxBlockSize * rxBlockCount bytes of packets.
 * @param rxRetireMillis V3 only: the kernel hands over a block that is not full after this many milliseconds, the
 *                       receive latency when traffic is light. V2 hands over every frame at once and ignores it.
 * @param txFrameSize    bytes per TX slot, a multiple of 16: the header ({@link TpacketVersion#txDataOffset()}:
 *                       32 bytes for V2, 48 for V3), then the frame.
 * @param txFrameCount   TX slots; a transmit burst longer than the free slots loses the rest (counted).
 * @param promiscuous    receive frames for every MAC address (PACKET_MR_PROMISC), as the emulated NIC has its own
 *                       address, which is not the interface's.
 * @param version        the ring format of both rings: {@link TpacketVersion#V2} (per-frame hand-over, no added
 *                       latency) or {@link TpacketVersion#V3} (per-block hand-over, for throughput).
 * @param rxFrameSize    bytes per RX frame slot, a multiple of 16 dividing the block size: with V2 every received
 *                       frame takes one slot, which holds frames of up to rxFrameSize - 66 bytes (longer ones are
 *                       truncated and counted); with V3 it only sizes the kernel's request.
 */
public record PacketRingConfig(
    int rxBlockSize, int rxBlockCount, int rxRetireMillis, int txFrameSize, int txFrameCount, boolean promiscuous,
    TpacketVersion version, int rxFrameSize)
{
    public static final int PAGE_SIZE = 4096;
    /**
     * TPACKET_V2: 2 MiB of RX ring in blocks of 64 KiB, 1024 RX slots of 2 KiB (frames up to 1982 bytes), each
     * handed over as soon as it is written; 1024 TX slots of 2 KiB; promiscuous.
     */
    public static final PacketRingConfig DEFAULT =
        new PacketRingConfig(1 << 16, 32, 1, 2048, 1024, true, TpacketVersion.V2, 2048);
    /** {@link #DEFAULT} with TPACKET_V3: blocks handed over when full or after at most 1 ms. */
    public static final PacketRingConfig THROUGHPUT = DEFAULT.withVersion(TpacketVersion.V3);

    public PacketRingConfig
    {
        Objects.requireNonNull(version, "version: TpacketVersion.V2 or V3");
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
        if (rxFrameSize < 128 || rxFrameSize % Tpacket3.TPACKET_ALIGNMENT != 0 || rxFrameSize > rxBlockSize)
        {
            throw new IllegalArgumentException("RX frame size " + rxFrameSize + " must be a multiple of 16 from " +
                "128 to the block size " + rxBlockSize);
        }
        final int header = version.txDataOffset();
        if (txFrameSize < header + 64 || txFrameSize % Tpacket3.TPACKET_ALIGNMENT != 0 ||
            txFrameSize > PAGE_SIZE * 16)
        {
            throw new IllegalArgumentException("TX frame size " + txFrameSize + " must be a multiple of 16 from " +
                (header + 64) + " to 65536 (" + header + " header bytes for " + version + ", then the frame)");
        }
        if (txFrameCount < 1)
        {
            throw new IllegalArgumentException("TX ring needs at least one frame, got " + txFrameCount);
        }
    }

    /** A {@link TpacketVersion#V2} configuration with RX slots of 2048 bytes. */
    public PacketRingConfig(final int rxBlockSize, final int rxBlockCount, final int rxRetireMillis,
        final int txFrameSize, final int txFrameCount, final boolean promiscuous)
    {
        this(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous, TpacketVersion.V2,
            2048);
    }

    public PacketRingConfig withRx(final int blockSize, final int blockCount, final int retireMillis)
    {
        return new PacketRingConfig(blockSize, blockCount, retireMillis, txFrameSize, txFrameCount, promiscuous,
            version, rxFrameSize);
    }

    public PacketRingConfig withRxFrameSize(final int frameSize)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous,
            version, frameSize);
    }

    public PacketRingConfig withTx(final int frameSize, final int frameCount)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, frameSize, frameCount, promiscuous,
            version, rxFrameSize);
    }

    public PacketRingConfig withPromiscuous(final boolean on)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, on,
            version, rxFrameSize);
    }

    public PacketRingConfig withVersion(final TpacketVersion ringVersion)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous,
            ringVersion, rxFrameSize);
    }

    /** The largest frame a TX slot holds. */
    public int txFrameCapacity()
    {
        return txFrameSize - version.txDataOffset();
    }

    int rxFramesPerBlock()
    {
        return rxBlockSize / rxFrameSize;
    }

    /** RX frame slots: tp_frame_nr, which the kernel wants equal to frames per block times blocks. */
    int rxFrameCount()
    {
        return rxFramesPerBlock() * rxBlockCount;
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
