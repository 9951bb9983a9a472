package io.ringstack.nic.memory;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The device's frame copy and the raw loads and stores, from heap and off-heap memory, at every length and offset. */
class RawMemoryTest
{
    @Test
    void copiesEveryLengthFromHeapAndOffHeapWithoutTouchingTheBytesAround()
    {
        try (DmaRegion source = DmaRegion.allocate("source", 4096); DmaRegion target = DmaRegion.allocate("target", 4096))
        {
            final byte[] heap = new byte[512];
            for (int i = 0; i < heap.length; i++)
            {
                heap[i] = (byte)(i * 31 + 7);
                source.buffer().putByte(i, (byte)(i * 17 + 3));
            }
            final UnsafeBuffer heapBuffer = new UnsafeBuffer(heap);
            for (final UnsafeBuffer from : new UnsafeBuffer[] { source.buffer(), heapBuffer })
            {
                for (int length = 0; length <= 3 * RawMemory.SMALL_COPY; length++)
                {
                    for (int offset = 0; offset < 9; offset++)
                    {
                        final UnsafeBuffer to = target.buffer();
                        to.setMemory(0, 1024, (byte)0x5A);
                        final int at = 100 + offset;
                        RawMemory.copyToNative(from.byteArray(), from.addressOffset() + offset,
                            to.addressOffset() + at, length);
                        for (int i = 0; i < length; i++)
                        {
                            assertEquals(from.getByte(offset + i), to.getByte(at + i),
                                "byte " + i + " of " + length + " from offset " + offset);
                        }
                        assertEquals((byte)0x5A, to.getByte(at - 1), "before, length " + length);
                        assertEquals((byte)0x5A, to.getByte(at + length), "after, length " + length);
                    }
                }
            }
        }
    }

    @Test
    void loadsAndStoresMatchAgronaOnHeapAndOffHeap()
    {
        try (DmaRegion region = DmaRegion.allocate("r", 4096))
        {
            for (final UnsafeBuffer buffer : new UnsafeBuffer[] { region.buffer(), new UnsafeBuffer(new byte[64]) })
            {
                final Object base = buffer.byteArray();
                final long address = buffer.addressOffset();
                RawMemory.putLong(base, address + 8, 0x0102_0304_0506_0708L);
                assertEquals(0x0102_0304_0506_0708L, buffer.getLong(8, ByteOrder.nativeOrder()));
                RawMemory.putInt(base, address + 16, 0x1122_3344);
                assertEquals(0x1122_3344, buffer.getInt(16, ByteOrder.nativeOrder()));
                RawMemory.putByte(base, address + 20, (byte)0x99);
                assertEquals((byte)0x99, RawMemory.getByte(base, address + 20));
                RawMemory.putByteRelease(base, address + 21, (byte)0x42);
                assertEquals((byte)0x42, RawMemory.getByteAcquire(base, address + 21));
                RawMemory.putIntRelease(base, address + 24, -5);
                assertEquals(-5, buffer.getInt(24, ByteOrder.nativeOrder()));
                assertEquals(buffer.getShort(8, ByteOrder.nativeOrder()), RawMemory.getShort(base, address + 8));
                assertEquals(buffer.getLong(8, ByteOrder.nativeOrder()), RawMemory.getLong(base, address + 8));
                buffer.putInt(33, 0xA1B2C3D4, ByteOrder.BIG_ENDIAN);
                assertEquals(0xA1B2C3D4, RawMemory.getIntBigEndian(base, address + 33), "unaligned, network order");
                assertEquals((short)0xA1B2, RawMemory.getShortBigEndian(base, address + 33));
            }
        }
    }
}
