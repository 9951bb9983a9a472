package io.ringstack.nic.memory;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A page-aligned block of off-heap memory that a device may read and write by DMA.
 * <p>
 * The memory comes from an FFM {@link Arena} and is viewed through an Agrona {@link UnsafeBuffer}, so every layer
 * above can wrap flyweights over it. {@link #deviceAddress(long)} gives the address a device uses for a byte of
 * the region. Closing the region frees the memory; a device must have stopped using it first.
 */
public final class DmaRegion implements AutoCloseable
{
    public static final int PAGE_SIZE = 4096;

    private final Arena arena;
    private final MemorySegment segment;
    private final UnsafeBuffer buffer;
    private final DmaAddressing addressing;
    private final String name;
    private boolean closed;

    private DmaRegion(final String name, final Arena arena, final MemorySegment segment, final DmaAddressing addressing)
    {
        this.name = name;
        this.arena = arena;
        this.segment = segment;
        this.addressing = addressing;
        this.buffer = new UnsafeBuffer(segment.address(), Math.toIntExact(segment.byteSize()));
    }

    /**
     * Allocates a zeroed, page-aligned region of at least {@code size} bytes (rounded up to whole pages).
     *
     * @param name       what the region is for, used in messages.
     * @param size       bytes wanted, 1 to 1 GiB.
     * @param addressing how a device addresses the region.
     */
    public static DmaRegion allocate(final String name, final long size, final DmaAddressing addressing)
    {
        if (size <= 0 || size > (1L << 30))
        {
            throw new IllegalArgumentException(
                "DMA region '" + name + "' size " + size + " is out of range: give 1 byte to 1 GiB");
        }
        final long rounded = (size + PAGE_SIZE - 1) & -PAGE_SIZE;
        final Arena arena = Arena.ofShared();
        try
        {
            final MemorySegment segment = arena.allocate(rounded, PAGE_SIZE);
            return new DmaRegion(name, arena, segment, addressing);
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            arena.close();
            throw ex;
        }
    }

    /**
     * A region over memory mapped elsewhere (e.g. huge pages), owned by {@code arena}: closing the region closes
     * the arena, whose cleanup unmaps the memory.
     */
    public static DmaRegion adopt(
        final String name, final Arena arena, final MemorySegment segment, final DmaAddressing addressing)
    {
        if ((segment.address() & (PAGE_SIZE - 1)) != 0 || segment.byteSize() > (1L << 30))
        {
            throw new IllegalArgumentException("DMA region '" + name + "' must be page aligned and at most 1 GiB: " +
                segment);
        }
        return new DmaRegion(name, arena, segment, addressing);
    }

    public static DmaRegion allocate(final String name, final long size)
    {
        return allocate(name, size, DmaAddressing.IDENTITY);
    }

    public String name()
    {
        return name;
    }

    /** The region as an Agrona buffer; index 0 is the first byte of the region. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public MemorySegment segment()
    {
        return segment;
    }

    public int size()
    {
        return buffer.capacity();
    }

    public long virtualAddress()
    {
        return buffer.addressOffset();
    }

    /** The address a device uses for byte {@code offset} of this region. */
    public long deviceAddress(final long offset)
    {
        return addressing.deviceAddress(buffer.addressOffset() + offset);
    }

    /** Whether {@code [virtualAddress, virtualAddress + length)} lies inside this region. */
    public boolean contains(final long virtualAddress, final int length)
    {
        final long start = buffer.addressOffset();
        return length >= 0 && virtualAddress >= start && virtualAddress + length <= start + buffer.capacity();
    }

    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString()
    {
        return "DmaRegion{" + name + ", " + size() + " B at 0x" + Long.toHexString(virtualAddress()) + '}';
    }
}
