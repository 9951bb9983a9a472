package io.ringstack.nic.e1000;

import io.ringstack.nic.emulated.EmulatedE1000;
import io.ringstack.nic.memory.DmaRegion;
import io.ringstack.nic.memory.PacketBufferPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A device that never reports link up (no cable) fails start() after the timeout, with the register values. */
class LinkTimeoutTest
{
    @Test
    void linkThatNeverComesUpTimesOutWithTheRegisters()
    {
        final EmulatedE1000 device = new EmulatedE1000("unplugged", 0x5254_0000_0002L); // no wire attached
        try (DmaRegion rings = DmaRegion.allocate("rings", 8192);
             PacketBufferPool pool = PacketBufferPool.allocate("buffers", 2048, 64))
        {
            device.dmaWindow().map(rings);
            device.dmaWindow().map(pool.region());
            final E1000Driver driver = new E1000Driver(device, device.interruptLine(), pool,
                DescriptorRing.place("RX", rings, 0, 32), DescriptorRing.place("TX", rings, 4096, 32),
                DriverConfig.DEFAULT.withRings(32, 32).withLinkTimeoutNanos(50_000_000L));
            final IllegalStateException ex = assertThrows(IllegalStateException.class, driver::start);
            assertTrue(ex.getMessage().startsWith("timed out after 50 ms waiting for link up (STATUS.LU): CTRL=0x"),
                ex.getMessage());
            assertTrue(ex.getMessage().matches(".*STATUS=0x[0-9a-f]{8} RCTL=0x[0-9a-f]{8} TCTL=0x[0-9a-f]{8}"),
                ex.getMessage());
        }
        finally
        {
            device.close();
        }
    }
}
