package io.ringstack.nic;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/** Builds and reads the test frames: Ethernet header, ethertype 0x88B5 (local experimental), a sequence number. */
public final class TestFrames
{
    public static final int ETHERTYPE_EXPERIMENTAL = 0x88B5;
    public static final int SEQUENCE_OFFSET = 14;

    private TestFrames()
    {
    }

    public static void write(
        final MutableDirectBuffer buffer, final int offset, final int length, final long destination, final long source,
        final long sequence)
    {
        MacAddress.write(buffer, offset, destination);
        MacAddress.write(buffer, offset + 6, source);
        buffer.putShort(offset + 12, (short)ETHERTYPE_EXPERIMENTAL, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, ByteOrder.BIG_ENDIAN);
        for (int i = SEQUENCE_OFFSET + 8; i < length; i++)
        {
            buffer.putByte(offset + i, (byte)(sequence + i));
        }
    }

    public static long sequence(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Whether the payload after the sequence number is what {@link #write} put there. */
    public static boolean payloadIntact(final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = sequence(buffer, offset);
        for (int i = SEQUENCE_OFFSET + 8; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(sequence + i))
            {
                return false;
            }
        }
        return true;
    }

    /** Claims a TX buffer from {@code pool} and writes a frame into it; returns the handle. */
    public static int claim(
        final PacketBufferPool pool, final int length, final long destination, final long source, final long sequence)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("test pool exhausted: " + pool);
        }
        write(pool.memory(), pool.offset(handle), length, destination, source, sequence);
        return handle;
    }
}
