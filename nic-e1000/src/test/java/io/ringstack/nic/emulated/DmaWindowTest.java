package io.ringstack.nic.emulated;

import io.ringstack.nic.memory.DmaRegion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The device reaches exactly the mapped, open regions: every byte of them, and not one byte outside. */
class DmaWindowTest
{
    @Test
    void translatesRangesInsideMappedRegionsOnly()
    {
        final DmaWindow window = new DmaWindow();
        try (DmaRegion rings = DmaRegion.allocate("rings", 8192); DmaRegion buffers = DmaRegion.allocate("buffers", 4096);
             DmaRegion other = DmaRegion.allocate("other", 4096))
        {
            window.map(rings);
            window.map(buffers);
            window.map(buffers); // twice is once
            for (final DmaRegion region : new DmaRegion[] { rings, buffers })
            {
                final long start = region.virtualAddress();
                final long end = start + region.size();
                assertEquals(start, window.translate(start, region.size()), region.name() + ": all of it");
                assertEquals(start, window.translate(start, 0));
                assertEquals(end - 1, window.translate(end - 1, 1), region.name() + ": the last byte");
                assertEquals(0, window.translate(end - 1, 2), region.name() + ": one byte past the end");
                assertEquals(0, window.translate(start - 1, 1), region.name() + ": one byte before");
                assertEquals(0, window.translate(start, -1), "negative length");
            }
            assertEquals(0, window.translate(other.virtualAddress(), 60), "an unmapped region");
            assertEquals(0, window.translate(Long.MAX_VALUE - 10, 60), "no overflow past the top");
            assertEquals(0, window.translate(0, 60));

            window.unmap(buffers);
            assertEquals(0, window.translate(buffers.virtualAddress(), 60), "unmapped");
            assertEquals(rings.virtualAddress(), window.translate(rings.virtualAddress(), 60));
            rings.close();
            assertEquals(0, window.translate(rings.virtualAddress(), 60), "a closed region is never written");
        }
    }
}
