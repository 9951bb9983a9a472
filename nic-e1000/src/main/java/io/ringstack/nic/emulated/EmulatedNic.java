package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.DescriptorRing;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.NicBuilder;
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
        final int txOffset = builder.txRingOffset();
        DmaRegion rings = null;
        PacketBufferPool buffers = null;
        try
        {
            rings = DmaRegion.allocate(builder.name + "-descriptors", builder.descriptorRegionSize());
            final DescriptorRing rxRing = DescriptorRing.place("RX", rings, 0, builder.rxDescriptors());
            final DescriptorRing txRing = DescriptorRing.place("TX", rings, txOffset, builder.txDescriptors());
            buffers = PacketBufferPool.allocate(builder.name + "-buffers", builder.bufferSize(), builder.buffers(),
                io.ringstack.nic.memory.DmaAddressing.IDENTITY, builder.strict());
            device.dmaWindow().map(rings);
            device.dmaWindow().map(buffers.region());
            driver = new E1000Driver(device, device.interruptLine(), buffers, rxRing, txRing,
                builder.driverConfig(MacAddress.NONE));
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

    public static final class Builder extends NicBuilder<Builder>
    {
        private final String name;
        private final long mac;

        private Builder(final String name, final long mac)
        {
            super(true); // the emulated device inserts and verifies checksums (and skips both on its in-memory wire)
            if (mac == MacAddress.NONE || MacAddress.isGroup(mac) || (mac >>> 48) != 0)
            {
                throw new IllegalArgumentException("NIC " + name + " needs a unicast MAC address, got 0x" +
                    Long.toHexString(mac));
            }
            this.name = name;
            this.mac = mac;
        }

        public EmulatedNic build()
        {
            return new EmulatedNic(this);
        }
    }
}
