package io.ringstack.nic.pci;

import io.ringstack.nic.linux.Errno;
import io.ringstack.nic.linux.Libc;
import io.ringstack.nic.memory.DmaAddressing;
import io.ringstack.nic.memory.DmaRegion;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DMA memory for a real device: anonymous 2 MiB huge pages (mmap with MAP_HUGETLB), which are physically
 * contiguous and never move or swap, addressed by the device through their physical addresses from
 * {@code /proc/self/pagemap}. That is right only where no IOMMU translates the device's addresses; the caller
 * checks that ({@link PciE1000}).
 */
public final class HugepageMemory
{
    public static final int HUGEPAGE_SIZE = 2 * 1024 * 1024;

    // <sys/mman.h> on x86-64
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_POPULATE = 0x8000;
    static final int MAP_HUGETLB = 0x40000;

    private HugepageMemory()
    {
    }

    /**
     * Maps enough huge pages for {@code size} bytes and returns them as a {@link DmaRegion} whose device
     * addresses are physical addresses; closing the region unmaps them.
     *
     * @throws PciSetupException if there are not enough free huge pages (saying how to reserve them) or the
     *                           physical addresses cannot be read.
     */
    public static DmaRegion allocate(final String name, final long size, final Path pagemap, final Path meminfo)
    {
        if (size <= 0 || size > (1L << 30))
        {
            throw new IllegalArgumentException("huge page region '" + name + "' of " + size + " B: give 1 B to 1 GiB");
        }
        final long pages = (size + HUGEPAGE_SIZE - 1) / HUGEPAGE_SIZE;
        final long length = pages * HUGEPAGE_SIZE;
        final Arena arena = Arena.ofShared();
        final Libc libc = new Libc(arena);
        final long address = libc.mmap(0, length, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0);
        if (address == Libc.MAP_FAILED)
        {
            final int errno = libc.errno();
            arena.close();
            throw new PciSetupException("cannot map " + pages + " huge page(s) of 2 MiB for " + name + " (" +
                Errno.describe(errno) + "); " + hugepageAdvice(meminfo, pages));
        }
        try
        {
            final MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(length, arena,
                unmapped -> new Libc(Arena.global()).munmap(address, length));
            final long[] physical = new long[(int)pages];
            for (int i = 0; i < pages; i++)
            {
                segment.set(java.lang.foreign.ValueLayout.JAVA_BYTE, (long)i * HUGEPAGE_SIZE, (byte)0); // present
                physical[i] = Pagemap.physicalAddress(pagemap, address + (long)i * HUGEPAGE_SIZE);
                if ((physical[i] & (HUGEPAGE_SIZE - 1)) != 0)
                {
                    throw new PciSetupException(String.format("huge page %d of %s at physical 0x%x is not 2 MiB " +
                        "aligned: is it really a huge page?", i, name, physical[i]));
                }
            }
            return DmaRegion.adopt(name, arena, segment, new HugepageAddressing(address, physical));
        }
        catch (final RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    static String hugepageAdvice(final Path meminfo, final long pagesWanted)
    {
        String free = "unknown";
        String total = "unknown";
        try
        {
            for (final String line : Files.readAllLines(meminfo))
            {
                if (line.startsWith("HugePages_Free:"))
                {
                    free = line.substring(line.indexOf(':') + 1).trim();
                }
                else if (line.startsWith("HugePages_Total:"))
                {
                    total = line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            // keep "unknown"
        }
        return "huge pages free " + free + " of " + total + " (" + meminfo + "), " + pagesWanted + " needed: " +
            "reserve them as root with 'echo " + Math.max(8, pagesWanted) + " > /proc/sys/vm/nr_hugepages'";
    }

    /** Virtual to physical, one huge page at a time: each is contiguous, so an offset inside it carries over. */
    static final class HugepageAddressing implements DmaAddressing
    {
        private final long base;
        private final long[] physical;

        HugepageAddressing(final long base, final long[] physical)
        {
            this.base = base;
            this.physical = physical;
        }

        @Override
        public long deviceAddress(final long virtualAddress)
        {
            final long offset = virtualAddress - base;
            final int page = (int)(offset / HUGEPAGE_SIZE);
            if (offset < 0 || page >= physical.length)
            {
                throw new IllegalArgumentException(String.format(
                    "virtual address 0x%x is outside this huge page region (0x%x, %d pages)", virtualAddress, base,
                    physical.length));
            }
            return physical[page] + (offset & (HUGEPAGE_SIZE - 1));
        }
    }
}
