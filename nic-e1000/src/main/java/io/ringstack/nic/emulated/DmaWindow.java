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
    private volatile DmaRegion[] regions = new DmaRegion[0];
    private final CopyOnWriteArrayList<DmaRegion> list = new CopyOnWriteArrayList<>();

    public void map(final DmaRegion region)
    {
        list.addIfAbsent(region);
        regions = list.toArray(new DmaRegion[0]);
    }

    public void unmap(final DmaRegion region)
    {
        list.remove(region);
        regions = list.toArray(new DmaRegion[0]);
    }

    /**
     * The virtual address of a device address range, or 0 if the range is not inside one mapped, open region.
     * The emulated device's bus addresses are the process's virtual addresses.
     */
    public long translate(final long deviceAddress, final int length)
    {
        for (final DmaRegion region : regions)
        {
            if (region.contains(deviceAddress, length))
            {
                return region.isClosed() ? 0 : deviceAddress;
            }
        }
        return 0;
    }
}
