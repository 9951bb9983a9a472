package io.ringstack.nic.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PacketBufferPoolTest
{
    @Test
    void claimsEveryBufferOnceThenRefuses()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("t", 2048, 4, DmaAddressing.IDENTITY, true))
        {
            final boolean[] seen = new boolean[4];
            for (int i = 0; i < 4; i++)
            {
                final int handle = pool.claim(BufferHolder.STACK);
                assertFalse(seen[handle], "handle handed out twice");
                seen[handle] = true;
            }
            assertEquals(PacketBufferPool.NO_BUFFER, pool.claim(BufferHolder.STACK));
            assertEquals(1, pool.claimFailures());
            assertEquals(4, pool.outstanding());
            assertEquals(0, pool.lowWater());
        }
    }

    @Test
    void buffersArePageAlignedAndDisjoint()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("t", 2048, 8))
        {
            assertEquals(0, pool.region().virtualAddress() % DmaRegion.PAGE_SIZE, "region is page aligned");
            for (int h = 0; h < 8; h++)
            {
                assertEquals(h * 2048, pool.offset(h));
                assertEquals(pool.region().virtualAddress() + h * 2048L, pool.deviceAddress(h));
                assertEquals(h, pool.handleAt(pool.offset(h) + 100));
            }
        }
    }

    @Test
    void referenceCountingKeepsBufferUntilLastRelease()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("t", 2048, 2, DmaAddressing.IDENTITY, true))
        {
            final int handle = pool.claim(BufferHolder.TX_BUILD);
            pool.retain(handle, BufferHolder.TX_RING); // TCP keeps one, the ring holds one
            assertEquals(2, pool.referenceCount(handle));
            assertFalse(pool.release(handle), "still held by the other holder");
            assertTrue(pool.isHeld(handle));
            assertTrue(pool.release(handle), "last release returns it");
            assertFalse(pool.isHeld(handle));
            assertEquals(2, pool.available());
        }
    }

    @Test
    void strictPoolThrowsOnDoubleReleaseWithAClearMessage()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("t", 2048, 2, DmaAddressing.IDENTITY, true))
        {
            final int handle = pool.claim(BufferHolder.APPLICATION);
            pool.release(handle);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> pool.release(handle));
            assertTrue(ex.getMessage().contains("already released"), ex.getMessage());
            assertThrows(IllegalStateException.class, () -> pool.release(99));
            assertEquals(2, pool.misuses());
            assertEquals(2, pool.available(), "a double release must not put the buffer in the free list twice");
        }
    }

    @Test
    void lenientPoolCountsMisuseAndStaysConsistent()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("t", 2048, 2, DmaAddressing.IDENTITY, false))
        {
            final int handle = pool.claim(BufferHolder.APPLICATION);
            assertTrue(pool.release(handle));
            assertFalse(pool.release(handle));
            assertFalse(pool.release(-1));
            pool.retain(handle, BufferHolder.STACK);
            assertEquals(3, pool.misuses());
            assertEquals(2, pool.available());
            final int a = pool.claim(BufferHolder.STACK);
            final int b = pool.claim(BufferHolder.STACK);
            assertNotEquals(a, b);
        }
    }

    @Test
    void leakReportNamesTheLastHolder()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("t", 2048, 4, DmaAddressing.IDENTITY, true))
        {
            final int ring = pool.claim(BufferHolder.RX_RING);
            final int app = pool.claim(BufferHolder.DRIVER);
            pool.handOver(app, BufferHolder.APPLICATION);
            assertEquals(1, pool.countHeldBy(BufferHolder.APPLICATION));
            assertEquals(java.util.List.of("buffer " + app + " held by application (1 reference)"),
                pool.describeOutstanding(BufferHolder.RX_RING, 10));
            pool.release(ring);
            pool.release(app);
            assertTrue(pool.describeOutstanding(10).isEmpty());
        }
    }

    @Test
    void jumboBuffersUpTo16KiB()
    {
        try (PacketBufferPool pool = PacketBufferPool.allocate("jumbo", 16384, 4))
        {
            assertEquals(16384, pool.bufferSize());
            final int h = pool.claim(BufferHolder.TX_BUILD);
            pool.memory().putByte(pool.offset(h) + 9017, (byte)1); // a 9018-byte jumbo frame fits
            pool.release(h);
        }
    }

    @Test
    void rejectsSizesTheDeviceCannotUse()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> PacketBufferPool.allocate("bad", 1500, 4));
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PacketBufferPool.allocate("bad", 131072, 4));
        try (PacketBufferPool datagrams = PacketBufferPool.allocate("reassembly", 65536, 2))
        {
            assertEquals(65536, datagrams.bufferSize(), "a pool the device never receives into may hold 64 KiB");
        }
        final IllegalArgumentException ring = assertThrows(IllegalArgumentException.class,
            () -> io.ringstack.nic.emulated.EmulatedNic.builder("big", 0x5254_0000_0001L).bufferSize(65536).buffers(64).build());
        assertTrue(ring.getMessage().contains("not an 8254x RX buffer size"), ring.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PacketBufferPool.allocate("bad", 2048, 0));
    }
}
