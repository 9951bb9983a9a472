package io.ringstack.nic.linux;

/**
 * Which AF_PACKET ring format a {@link PacketSocket} uses (PACKET_VERSION; it applies to both rings of a socket).
 */
public enum TpacketVersion
{
    /**
     * Per-frame hand-over: the kernel gives each received frame to user space as soon as it is written. The
     * latency choice, for request/response traffic; each RX frame takes a whole slot ({@link
     * PacketRingConfig#rxFrameSize()}).
     */
    V2(Tpacket2.TPACKET_V2, Tpacket2.TX_DATA_OFFSET),
    /**
     * Per-block hand-over: received frames are packed into blocks, handed over when a block is full or its timer
     * ({@link PacketRingConfig#rxRetireMillis()}, at least 1 ms) fires. The throughput choice, where a lone frame
     * may wait that long.
     */
    V3(Tpacket3.TPACKET_V3, Tpacket3.TX_DATA_OFFSET);

    private final int optionValue;
    private final int txDataOffset;

    TpacketVersion(final int optionValue, final int txDataOffset)
    {
        this.optionValue = optionValue;
        this.txDataOffset = txDataOffset;
    }

    /** The PACKET_VERSION value (enum tpacket_versions). */
    public int optionValue()
    {
        return optionValue;
    }

    /** Where a TX slot's frame starts: the header length less sizeof(struct sockaddr_ll). */
    public int txDataOffset()
    {
        return txDataOffset;
    }
}
