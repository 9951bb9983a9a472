package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.DescriptorRing;
import io.ringstack.nic.e1000.DriverConfig;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.memory.DmaRegion;
import io.ringstack.nic.memory.PacketBufferPool;

/**
 * One NIC assembled for in-process use: an {@link EmulatedE1000}, its own DMA memory (a descriptor region for
 * both rings and a buffer pool), and the {@link E1000Driver} that drives it. Each NIC has its own memory and rings,
 * and its device may reach only that memory by DMA: several NICs in one process never share a buffer.
 */
public final class EmulatedNic implements AutoCloseable
{
    private final EmulatedE1000 device;
    private final DmaRegion descriptorMemory;
    private final PacketBufferPool pool;
    private final E1000Driver driver;

    private EmulatedNic(final Builder builder)
    {
        device = new EmulatedE1000(builder.name, builder.mac);
        final int rxBytes = builder.rxDescriptors * RxDescriptor.LENGTH;
        final int txBytes = builder.txDescriptors * RxDescriptor.LENGTH;
        final int txOffset = (rxBytes + DmaRegion.PAGE_SIZE - 1) & -DmaRegion.PAGE_SIZE;
        DmaRegion rings = null;
        PacketBufferPool buffers = null;
        try
        {
            rings = DmaRegion.allocate(builder.name + "-descriptors", (long)txOffset + txBytes);
            final DescriptorRing rxRing = DescriptorRing.place("RX", rings, 0, builder.rxDescriptors);
            final DescriptorRing txRing = DescriptorRing.place("TX", rings, txOffset, builder.txDescriptors);
            buffers = PacketBufferPool.allocate(builder.name + "-buffers", builder.bufferSize, builder.buffers,
                io.ringstack.nic.memory.DmaAddressing.IDENTITY, builder.strict);
            device.dmaWindow().map(rings);
            device.dmaWindow().map(buffers.region());
            driver = new E1000Driver(device, device.interruptLine(), buffers, rxRing, txRing,
                DriverConfig.DEFAULT.withRings(builder.rxDescriptors, builder.txDescriptors)
                    .withPromiscuous(builder.promiscuous).withLinkTimeoutNanos(builder.linkTimeoutNanos));
        }
        catch (final RuntimeException ex)
        {
            if (buffers != null)
            {
                buffers.close();
            }
            if (rings != null)
            {
                rings.close();
            }
            device.close();
            throw ex;
        }
        descriptorMemory = rings;
        pool = buffers;
    }

    public static Builder builder(final String name, final long mac)
    {
        return new Builder(name, mac);
    }

    public EmulatedE1000 device()
    {
        return device;
    }

    public E1000Driver driver()
    {
        return driver;
    }

    public PacketBufferPool pool()
    {
        return pool;
    }

    public String name()
    {
        return device.name();
    }

    /** Resets the device and starts the driver; the device must be on a wire for the link to come up. */
    public EmulatedNic start()
    {
        driver.start();
        return this;
    }

    @Override
    public void close()
    {
        driver.stop();
        device.close();
        device.dmaWindow().unmap(pool.region());
        device.dmaWindow().unmap(descriptorMemory);
        pool.close();
        descriptorMemory.close();
    }

    public static final class Builder
    {
        private final String name;
        private final long mac;
        private int bufferSize = PacketBufferPool.DEFAULT_BUFFER_SIZE;
        private int buffers = 1024;
        private int rxDescriptors = 256;
        private int txDescriptors = 256;
        private boolean promiscuous;
        private boolean strict = PacketBufferPool.STRICT_DEFAULT;
        private long linkTimeoutNanos = 2_000_000_000L;

        private Builder(final String name, final long mac)
        {
            if (mac == MacAddress.NONE || MacAddress.isGroup(mac) || (mac >>> 48) != 0)
            {
                throw new IllegalArgumentException("NIC " + name + " needs a unicast MAC address, got 0x" +
                    Long.toHexString(mac));
            }
            this.name = name;
            this.mac = mac;
        }

        public Builder bufferSize(final int bytes)
        {
            this.bufferSize = bytes;
            return this;
        }

        public Builder buffers(final int count)
        {
            this.buffers = count;
            return this;
        }

        public Builder rings(final int rx, final int tx)
        {
            this.rxDescriptors = rx;
            this.txDescriptors = tx;
            return this;
        }

        public Builder promiscuous(final boolean on)
        {
            this.promiscuous = on;
            return this;
        }

        public Builder strict(final boolean on)
        {
            this.strict = on;
            return this;
        }

        public Builder linkTimeoutNanos(final long nanos)
        {
            this.linkTimeoutNanos = nanos;
            return this;
        }

        public EmulatedNic build()
        {
            return new EmulatedNic(this);
        }
    }
}
