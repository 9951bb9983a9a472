package io.ringstack.nic.e1000;

import io.ringstack.nic.memory.DmaRegion;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A ring of 16-byte descriptors in DMA memory, checked against the 8254x's rules when it is made (SDM §3.2.6,
 * §3.3.3): the base is 16-byte aligned and the length (RDLEN/TDLEN) a multiple of 128 bytes, i.e. of 8 descriptors.
 * A tail value must name a descriptor inside the ring.
 */
public final class DescriptorRing
{
    public static final int MIN_DESCRIPTORS = 8;
    /** RDLEN/TDLEN are 20-bit byte counts (SDM §13.4.27): at most 65,528 descriptors; we cap at a sane 32,768. */
    public static final int MAX_DESCRIPTORS = 32768;

    private final String name;
    private final DmaRegion region;
    private final long regionOffset;
    private final int count;
    private final UnsafeBuffer descriptors;

    private DescriptorRing(final String name, final DmaRegion region, final long regionOffset, final int count)
    {
        this.name = name;
        this.region = region;
        this.regionOffset = regionOffset;
        this.count = count;
        this.descriptors = new UnsafeBuffer(region.virtualAddress() + regionOffset, count * RxDescriptor.LENGTH);
    }

    /**
     * A ring of {@code count} descriptors at {@code offset} in {@code region}.
     *
     * @throws IllegalArgumentException naming the rule the layout breaks.
     */
    public static DescriptorRing place(final String name, final DmaRegion region, final long offset, final int count)
    {
        final long lengthBytes = (long)count * RxDescriptor.LENGTH;
        if (count < MIN_DESCRIPTORS || count > MAX_DESCRIPTORS)
        {
            throw new IllegalArgumentException(name + " ring of " + count + " descriptors: give " + MIN_DESCRIPTORS +
                " to " + MAX_DESCRIPTORS);
        }
        if (lengthBytes % 128 != 0)
        {
            throw new IllegalArgumentException(name + " ring length " + lengthBytes + " B (" + count +
                " descriptors) is not a multiple of 128 bytes: the 8254x needs a multiple of 8 descriptors " +
                "(SDM 3.2.6, RDLEN/TDLEN)");
        }
        final long deviceAddress = region.deviceAddress(offset);
        if ((deviceAddress & 0xF) != 0)
        {
            throw new IllegalArgumentException(name + " ring base 0x" + Long.toHexString(deviceAddress) +
                " is not 16-byte aligned (SDM 3.2.6: the low 4 bits of RDBAL/TDBAL are ignored by the device)");
        }
        if (offset < 0 || offset + lengthBytes > region.size())
        {
            throw new IllegalArgumentException(name + " ring of " + lengthBytes + " B at offset " + offset +
                " does not fit in region " + region.name() + " of " + region.size() + " B");
        }
        return new DescriptorRing(name, region, offset, count);
    }

    public String name()
    {
        return name;
    }

    public int count()
    {
        return count;
    }

    public int lengthBytes()
    {
        return count * RxDescriptor.LENGTH;
    }

    public long deviceAddress()
    {
        return region.deviceAddress(regionOffset);
    }

    public UnsafeBuffer descriptors()
    {
        return descriptors;
    }

    public DmaRegion region()
    {
        return region;
    }

    /**
     * The value to write to RDT/TDT for a descriptor index.
     *
     * @throws IllegalStateException if the index is beyond the ring (a driver bug: the device would ignore it).
     */
    public int tailValue(final int index)
    {
        if (index < 0 || index >= count)
        {
            throw new IllegalStateException(name + " tail " + index + " is beyond the ring of " + count +
                " descriptors: RDT/TDT must be below RDLEN/16");
        }
        return index;
    }

    public int next(final int index)
    {
        return index + 1 == count ? 0 : index + 1;
    }
}
