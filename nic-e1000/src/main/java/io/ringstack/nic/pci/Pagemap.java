package io.ringstack.nic.pci;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads physical addresses of this process's pages from {@code /proc/self/pagemap} (Linux's
 * Documentation/admin-guide/mm/pagemap.rst): one little-endian 64-bit entry per 4 KiB virtual page, bit 63 set if
 * the page is present, the page frame number in bits 0-54. The kernel shows the frame number only to a process
 * with CAP_SYS_ADMIN; to others it reads 0.
 */
public final class Pagemap
{
    public static final int PAGE_SIZE = 4096;
    static final long PRESENT = 1L << 63;
    static final long PFN_MASK = (1L << 55) - 1;

    private Pagemap()
    {
    }

    /**
     * The physical address of the byte at {@code virtualAddress}.
     *
     * @throws PciSetupException if the page is not present or its frame number is hidden (no CAP_SYS_ADMIN).
     */
    public static long physicalAddress(final Path pagemap, final long virtualAddress)
    {
        final long entry = entry(pagemap, virtualAddress);
        if ((entry & PRESENT) == 0)
        {
            throw new PciSetupException(String.format("page at 0x%x is not present in memory (%s entry 0x%016x): " +
                "touch DMA memory before translating it", virtualAddress, pagemap, entry));
        }
        final long frame = entry & PFN_MASK;
        if (frame == 0)
        {
            throw new PciSetupException(pagemap + " hides physical addresses from this process (frame number 0): " +
                "reading them needs CAP_SYS_ADMIN, run as root");
        }
        return frame * PAGE_SIZE + (virtualAddress & (PAGE_SIZE - 1));
    }

    static long entry(final Path pagemap, final long virtualAddress)
    {
        try (FileChannel channel = FileChannel.open(pagemap, StandardOpenOption.READ))
        {
            final ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            final long position = Long.divideUnsigned(virtualAddress, PAGE_SIZE) * 8;
            if (channel.read(entry, position) != 8)
            {
                throw new PciSetupException("short read of " + pagemap + " at " + position);
            }
            return entry.getLong(0);
        }
        catch (final IOException ex)
        {
            throw new PciSetupException("cannot read " + pagemap + ": " + ex, ex);
        }
    }
}
