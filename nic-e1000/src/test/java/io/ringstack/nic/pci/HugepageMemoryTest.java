package io.ringstack.nic.pci;

import io.ringstack.nic.memory.DmaRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Huge-page DMA memory and pagemap translation, on this machine and against fake pagemap files. */
class HugepageMemoryTest
{
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path PAGEMAP = Path.of("/proc/self/pagemap");

    @TempDir
    Path dir;

    /**
     * With free huge pages, the region's device addresses are physical, 2 MiB aligned per page and offset within
     * it; without any, the refusal says how many are free and how to reserve them. (CI machines have none; the QEMU
     * guest test reserves some and has the device DMA through these addresses.)
     */
    @Test
    void allocatesOrSaysHowToReserveHugePages() throws IOException
    {
        final long free = hugePagesFree();
        if (free < 2)
        {
            final PciSetupException ex = assertThrows(PciSetupException.class,
                () -> HugepageMemory.allocate("test", 3 * 1024 * 1024, PAGEMAP, MEMINFO));
            assertTrue(ex.getMessage().startsWith("cannot map 2 huge page(s) of 2 MiB for test ("), ex.getMessage());
            assertTrue(ex.getMessage().contains("huge pages free " + free), ex.getMessage());
            assertTrue(ex.getMessage().contains("echo 8 > /proc/sys/vm/nr_hugepages"), ex.getMessage());
            return;
        }
        try (DmaRegion region = HugepageMemory.allocate("test", 3 * 1024 * 1024, PAGEMAP, MEMINFO))
        {
            assertEquals(4 * 1024 * 1024, region.size());
            final long first = region.deviceAddress(0);
            assertEquals(0, first & (HugepageMemory.HUGEPAGE_SIZE - 1));
            assertEquals(first + 4096 + 12, region.deviceAddress(4096 + 12));
            assertEquals(0, region.deviceAddress(HugepageMemory.HUGEPAGE_SIZE) & (HugepageMemory.HUGEPAGE_SIZE - 1));
        }
    }

    @Test
    void pagemapEntriesAreTranslatedOrRefusedWithTheReason() throws IOException
    {
        final Path pagemap = dir.resolve("pagemap");
        final ByteBuffer entries = ByteBuffer.allocate(8 * 4).order(ByteOrder.LITTLE_ENDIAN);
        entries.putLong(0, Pagemap.PRESENT | 0x1234L);  // page 0: present, frame 0x1234
        entries.putLong(8, Pagemap.PRESENT);            // page 1: present, frame hidden (no CAP_SYS_ADMIN)
        entries.putLong(16, 0x99L);                     // page 2: not present
        Files.write(pagemap, entries.array());
        assertEquals(0x1234L * 4096 + 0x10, Pagemap.physicalAddress(pagemap, 0x10));
        final PciSetupException hidden = assertThrows(PciSetupException.class, () -> Pagemap.physicalAddress(pagemap, 4096));
        assertTrue(hidden.getMessage().contains("needs CAP_SYS_ADMIN, run as root"), hidden.getMessage());
        final PciSetupException absent = assertThrows(PciSetupException.class, () -> Pagemap.physicalAddress(pagemap, 8192));
        assertTrue(absent.getMessage().contains("is not present"), absent.getMessage());
    }

    @Test
    void adviceReadsMeminfo() throws IOException
    {
        final Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal: 1 kB\nHugePages_Total:      16\nHugePages_Free:        3\n");
        assertEquals("huge pages free 3 of 16 (" + meminfo + "), 20 needed: reserve them as root with " +
            "'echo 20 > /proc/sys/vm/nr_hugepages'", HugepageMemory.hugepageAdvice(meminfo, 20));
    }

    private static long hugePagesFree() throws IOException
    {
        for (final String line : Files.readAllLines(MEMINFO))
        {
            if (line.startsWith("HugePages_Free:"))
            {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return 0;
    }
}
