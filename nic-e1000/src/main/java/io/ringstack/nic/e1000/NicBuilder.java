package io.ringstack.nic.e1000;

import io.ringstack.nic.memory.PacketBufferPool;

/**
 * What every NIC assembly (the emulated device's {@code EmulatedNic}, a real device's {@code PciE1000}) lets its
 * user choose: the pool's buffers, the rings, promiscuous receive, strict buffer checks and the link timeout.
 *
 * @param <B> the concrete builder, returned by each setter.
 */
public abstract class NicBuilder<B extends NicBuilder<B>>
{
    private int bufferSize = PacketBufferPool.DEFAULT_BUFFER_SIZE;
    private int buffers = 1024;
    private int rxDescriptors = 256;
    private int txDescriptors = 256;
    private boolean promiscuous;
    private boolean strict = PacketBufferPool.STRICT_DEFAULT;
    private long linkTimeoutNanos = 2_000_000_000L;
    private boolean checksumOffload;

    /** @param checksumOffload the default of {@link #checksumOffload(boolean)} for this kind of device. */
    protected NicBuilder(final boolean checksumOffload)
    {
        this.checksumOffload = checksumOffload;
    }

    @SuppressWarnings("unchecked")
    private B self()
    {
        return (B)this;
    }

    /** Bytes per packet buffer: an 8254x RX buffer size (256 to 16384, a power of two). */
    public B bufferSize(final int bytes)
    {
        this.bufferSize = bytes;
        return self();
    }

    /** Buffers in the pool: more than the RX ring has slots. */
    public B buffers(final int count)
    {
        this.buffers = count;
        return self();
    }

    public B rings(final int rx, final int tx)
    {
        this.rxDescriptors = rx;
        this.txDescriptors = tx;
        return self();
    }

    public B promiscuous(final boolean on)
    {
        this.promiscuous = on;
        return self();
    }

    public B strict(final boolean on)
    {
        this.strict = on;
        return self();
    }

    public B linkTimeoutNanos(final long nanos)
    {
        this.linkTimeoutNanos = nanos;
        return self();
    }

    /**
     * Let the device insert TCP checksums on transmit and verify checksums on receive ({@link DriverConfig}); where
     * it does not, software computes every checksum.
     */
    public B checksumOffload(final boolean on)
    {
        this.checksumOffload = on;
        return self();
    }

    public boolean checksumOffload()
    {
        return checksumOffload;
    }

    public int bufferSize()
    {
        return bufferSize;
    }

    public int buffers()
    {
        return buffers;
    }

    public int rxDescriptors()
    {
        return rxDescriptors;
    }

    public int txDescriptors()
    {
        return txDescriptors;
    }

    public boolean strict()
    {
        return strict;
    }

    /** Where the RX ring ends and the TX ring starts in one descriptor region: the next page. */
    public final int txRingOffset()
    {
        final int rxBytes = rxDescriptors * RxDescriptor.LENGTH;
        return (rxBytes + 4095) & -4096;
    }

    /** Bytes of one region holding both rings. */
    public final int descriptorRegionSize()
    {
        return txRingOffset() + txDescriptors * RxDescriptor.LENGTH;
    }

    /** The driver settings these choices make, with the device's own MAC address unless one is given. */
    public final DriverConfig driverConfig(final long macAddress)
    {
        return DriverConfig.DEFAULT.withRings(rxDescriptors, txDescriptors).withMacAddress(macAddress)
            .withPromiscuous(promiscuous).withLinkTimeoutNanos(linkTimeoutNanos)
            .withChecksumOffload(checksumOffload);
    }
}
