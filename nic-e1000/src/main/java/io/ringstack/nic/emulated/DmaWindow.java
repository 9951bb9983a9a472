package io.ringstack.nic.emulated;

import io.ringstack.nic.memory.DmaRegion;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host memory an emulated device may reach by DMA: the regions its driver registered, like an IOMMU's
 * mappings. A descriptor that points anywhere else (a driver bug, or another NIC's memory) is refused and counted,
 * so a wrong address can never make the emulation write over unrelated memory.
 */
public final class DmaWindow
{
    /** The mapped regions, newest first, replaced as a whole on map/unmap (one volatile read per translation). */
    private volatile Mapping[] mappings = new Mapping[0];
    private final CopyOnWriteArrayList<DmaRegion> list = new CopyOnWriteArrayList<>();

    /**
     * Lets the device reach {@code region}. The newest mapping is tried first: a NIC maps its rings, then its buffer
     * pool, and it is the buffers that every frame's descriptor points into.
     */
    public void map(final DmaRegion region)
    {
        if (list.addIfAbsent(region))
        {
            publish();
        }
    }

    public void unmap(final DmaRegion region)
    {
        if (list.remove(region))
        {
            publish();
        }
    }

    private void publish()
    {
        final DmaRegion[] regions = list.toArray(new DmaRegion[0]);
        final Mapping[] newest = new Mapping[regions.length];
        for (int i = 0; i < regions.length; i++)
        {
            newest[regions.length - 1 - i] = new Mapping(regions[i]);
        }
        mappings = newest;
    }

    /**
     * The virtual address of a device address range, or 0 if the range is not inside one mapped, open region.
     * The emulated device's bus addresses are the process's virtual addresses.
     */
    public long translate(final long deviceAddress, final int length)
    {
        if (length < 0)
        {
            return 0;
        }
        for (final Mapping mapping : mappings)
        {
            // deviceAddress + length <= end, written so that it cannot overflow
            if (deviceAddress >= mapping.start && deviceAddress <= mapping.end - length)
            {
                return mapping.region.isClosed() ? 0 : deviceAddress;
            }
        }
        return 0;
    }

    /** A region with its [start, end) addresses. */
    private static final class Mapping
    {
        final DmaRegion region;
        final long start;
        final long end;

        Mapping(final DmaRegion region)
        {
            this.region = region;
            this.start = region.virtualAddress();
            this.end = start + region.size();
        }
    }
}
