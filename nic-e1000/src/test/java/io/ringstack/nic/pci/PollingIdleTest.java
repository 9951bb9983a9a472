package io.ringstack.nic.pci;

import io.ringstack.nic.e1000.DescriptorRing;
import io.ringstack.nic.e1000.DriverConfig;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.E1000Registers;
import io.ringstack.nic.e1000.RegisterAccess;
import io.ringstack.nic.emulated.EmulatedE1000;
import io.ringstack.nic.memory.DmaRegion;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver whose device's interrupt reaches no one (a real NIC from user space) idles by polling its ring: it
 * never unmasks the device (IMS is never written), returns 0 after the timeout, and RXT0 as soon as a frame is in.
 */
class PollingIdleTest
{
    @Test
    void idlesByPollingTheRingWithInterruptsMasked() throws Exception
    {
        final EmulatedE1000 device = new EmulatedE1000("polled", 0x5254_0000_0001L);
        final int[] imsWrites = {0};
        final RegisterAccess watched = new RegisterAccess()
        {
            @Override
            public int read(final int offset)
            {
                return device.read(offset);
            }

            @Override
            public void write(final int offset, final int value)
            {
                if (offset == E1000Registers.IMS)
                {
                    imsWrites[0]++;
                }
                device.write(offset, value);
            }
        };
        try (DmaRegion rings = DmaRegion.allocate("rings", 8192);
             PacketBufferPool pool = PacketBufferPool.allocate("buffers", 2048, 64))
        {
            device.dmaWindow().map(rings);
            device.dmaWindow().map(pool.region());
            device.attachWire((buffer, offset, length) -> { });
            final E1000Driver driver = new E1000Driver(watched, new PollingInterruptLine(20_000), pool,
                DescriptorRing.place("RX", rings, 0, 32), DescriptorRing.place("TX", rings, 4096, 32),
                DriverConfig.DEFAULT.withRings(32, 32));
            driver.start();

            final long start = System.nanoTime();
            assertEquals(0, driver.awaitWork(TimeUnit.MILLISECONDS.toNanos(20)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20), "returned before the timeout");

            final Thread sender = new Thread(() ->
            {
                try
                {
                    Thread.sleep(30);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
                frame.setMemory(0, 6, (byte)0xFF); // broadcast
                device.accept(frame, 0, 64);
            });
            sender.start();
            assertEquals(E1000Registers.ICR_RXT0, driver.awaitWork(TimeUnit.SECONDS.toNanos(10)));
            sender.join();
            assertEquals(1, driver.receive((handle, memory, offset, length) -> pool.release(handle), 8));
            assertEquals(0, imsWrites[0], "the device's interrupts were unmasked");
            driver.stop();
            device.close();
        }
    }
}
