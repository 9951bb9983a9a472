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
 *                       frame takes one slot, which holds frames of up to rxFrameSize - 66 bytes (a longer one the
 *                       kernel also queues whole on the socket, PACKET_COPY_THRESH, where {@link PacketSocket#read}
 *                       takes it with one recv(2)); with V3 it only sizes the kernel's request, and a packet must fit
 *                       a block (less its 48-byte descriptor and the 68-byte packet header) or it is truncated.
 * @param maxFrameLength the longest untagged frame the receiver takes (its MTU + 14; an 802.1Q-tagged frame may be
 *                       4 bytes longer): TCP packets a peer's segmentation offload left uncut (TSO/GSO, up to 64 KiB)
 *                       are cut into frames of at most this length ({@link TcpSegmentation}). See
 *                       {@link #withMaxFrameLength}, which also sizes the slots for it.
 */
public record PacketRingConfig(
    int rxBlockSize, int rxBlockCount, int rxRetireMillis, int txFrameSize, int txFrameCount, boolean promiscuous,
    TpacketVersion version, int rxFrameSize, int maxFrameLength)
{
    public static final int PAGE_SIZE = 4096;
    /** An Ethernet frame carrying a 1500-byte IPv4 datagram, without FCS: the default {@link #maxFrameLength()}. */
    public static final int ETHERNET_FRAME = 1514;
    /** The longest {@link #maxFrameLength()}: its TX slot (a V3 header, a tag, the frame) must fit 64 KiB. */
    public static final int MAX_FRAME_LENGTH = 65_024;
    /** IEEE 802.1Q: a tagged frame is 4 bytes longer than the untagged one. */
    static final int TAG_LENGTH = 4;
    /** Fewest RX slots {@link #withMaxFrameLength} leaves a V2 ring (it adds blocks for long frames). */
    static final int MIN_RX_SLOTS = 256;
    /** The TX ring {@link #withMaxFrameLength} keeps when it makes slots longer: about this many bytes. */
    static final int TX_RING_BYTES = 4 << 20;
    /**
     * TPACKET_V2: 2 MiB of RX ring in blocks of 64 KiB, 1024 RX slots of 2 KiB (frames up to 1982 bytes), each
     * handed over as soon as it is written (a longer one, a peer's 64 KiB TSO packet, comes whole from the socket's
     * queue); 1024 TX slots of 2 KiB; promiscuous; frames up to 1514 bytes, longer TCP packets cut to that.
     */
    public static final PacketRingConfig DEFAULT =
        new PacketRingConfig(1 << 16, 32, 1, 2048, 1024, true, TpacketVersion.V2, 2048, ETHERNET_FRAME);
    /**
     * {@link #DEFAULT} with TPACKET_V3: blocks handed over when full or after at most 1 ms; 16 blocks of 128 KiB
     * (the same 2 MiB), so that a peer's 64 KiB TSO packet fits a block whole.
     */
    public static final PacketRingConfig THROUGHPUT = DEFAULT.withVersion(TpacketVersion.V3).withRx(1 << 17, 16, 1);

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
        if (maxFrameLength < 64 || maxFrameLength > MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("max frame length " + maxFrameLength + " must be 64.." +
                MAX_FRAME_LENGTH + " (the MTU + 14)");
        }
    }

    /** A configuration whose frames are at most {@link #ETHERNET_FRAME} bytes long. */
    public PacketRingConfig(final int rxBlockSize, final int rxBlockCount, final int rxRetireMillis,
        final int txFrameSize, final int txFrameCount, final boolean promiscuous, final TpacketVersion version,
        final int rxFrameSize)
    {
        this(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous, version, rxFrameSize,
            ETHERNET_FRAME);
    }

    /** A {@link TpacketVersion#V2} configuration with RX slots of 2048 bytes. */
    public PacketRingConfig(final int rxBlockSize, final int rxBlockCount, final int rxRetireMillis,
        final int txFrameSize, final int txFrameCount, final boolean promiscuous)
    {
        this(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous, TpacketVersion.V2,
            2048);
    }

    /**
     * For a receiver whose frames are up to {@code length} bytes (its MTU + 14; tagged ones 4 more), e.g. 9014 for
     * jumbo frames: longer TCP packets are cut to that ({@link #maxFrameLength()}), a V2 RX slot and every TX slot
     * hold such a frame with a tag (slots only grow), a V2 ring keeps at least 256 slots (it gets more blocks) and
     * a V3 block holds such a frame, and a TX ring whose slots grew keeps about 4 MiB (at least 256 slots, at most
     * as many as before). At 1514 the defaults hold already: nothing but the length changes. E.g. 9014: 37 RX
     * blocks of 7 slots of 9088 bytes (2.3 MiB), 463 TX slots of 9056.
     */
    public PacketRingConfig withMaxFrameLength(final int length)
    {
        if (length < 64 || length > MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("max frame length " + length + " must be 64.." + MAX_FRAME_LENGTH +
                " (the MTU + 14)");
        }
        final int tagged = length + TAG_LENGTH;
        int rxFrame = rxFrameSize;
        int rxBlock = rxBlockSize;
        int rxBlocks = rxBlockCount;
        if (version == TpacketVersion.V2)
        {
            rxFrame = Math.max(rxFrameSize, align(Tpacket2.RX_MAC_OFFSET + tagged));
            rxBlock = Math.max(rxBlockSize, Integer.highestOneBit(rxFrame - 1) << 1);
            rxBlocks = Math.max(rxBlockCount, (MIN_RX_SLOTS + rxBlock / rxFrame - 1) / (rxBlock / rxFrame));
        }
        else
        {
            // tpacket_rcv: the frame's network header at TPACKET_ALIGN(TPACKET3_HDRLEN + 16), after the descriptor
            final int packet = Tpacket3.BLOCK_DESC_LENGTH + align(Tpacket3.TPACKET3_HDRLEN + 16) + tagged;
            rxBlock = Math.max(rxBlockSize, Integer.highestOneBit(packet - 1) << 1);
        }
        final int txFrame = Math.max(txFrameSize, align(version.txDataOffset() + tagged));
        final int txFrames = txFrame == txFrameSize ? txFrameCount :
            Math.min(txFrameCount, Math.max(MIN_RX_SLOTS, TX_RING_BYTES / txFrame));
        return new PacketRingConfig(rxBlock, rxBlocks, rxRetireMillis, txFrame, txFrames, promiscuous, version,
            rxFrame, length);
    }

    private static int align(final int bytes)
    {
        return (bytes + Tpacket3.TPACKET_ALIGNMENT - 1) & -Tpacket3.TPACKET_ALIGNMENT;
    }

    public PacketRingConfig withRx(final int blockSize, final int blockCount, final int retireMillis)
    {
        return new PacketRingConfig(blockSize, blockCount, retireMillis, txFrameSize, txFrameCount, promiscuous,
            version, rxFrameSize, maxFrameLength);
    }

    public PacketRingConfig withRxFrameSize(final int frameSize)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous,
            version, frameSize, maxFrameLength);
    }

    public PacketRingConfig withTx(final int frameSize, final int frameCount)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, frameSize, frameCount, promiscuous,
            version, rxFrameSize, maxFrameLength);
    }

    public PacketRingConfig withPromiscuous(final boolean on)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, on,
            version, rxFrameSize, maxFrameLength);
    }

    public PacketRingConfig withVersion(final TpacketVersion ringVersion)
    {
        return new PacketRingConfig(rxBlockSize, rxBlockCount, rxRetireMillis, txFrameSize, txFrameCount, promiscuous,
            ringVersion, rxFrameSize, maxFrameLength);
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

    /**
     * TX block size: the fewest whole pages that hold a whole number of slots, or 1 MiB when no such size is smaller
     * (a slot of 9056 bytes: 115 slots and 7136 unused bytes a block). Frames never straddle blocks, so slot n
     * lies at block n / {@link #txFramesPerBlock()}, not at n times the slot size.
     */
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
