package io.ringstack.socket;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A single-producer single-consumer byte queue between an application thread and the stack thread: the bytes of
 * one direction of a blocking socket. Bounded, so a slow reader stops the stack from taking more from TCP (whose
 * window then closes) instead of growing memory. Positions only grow; the producer publishes with a release store
 * of {@code tail}, the consumer with one of {@code head}. Regions are handed out contiguous (up to the wrap).
 */
final class ByteRing
{
    private final UnsafeBuffer buffer;
    private final int mask;
    private volatile long head;
    private volatile long tail;

    ByteRing(final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not a power of two");
        }
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
        this.mask = capacity - 1;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int capacity()
    {
        return mask + 1;
    }

    int readable()
    {
        return (int)(tail - head);
    }

    int writable()
    {
        return capacity() - readable();
    }

    /** Producer: where the next contiguous free region starts in {@link #buffer()}. */
    int writeOffset()
    {
        return (int)(tail & mask);
    }

    /** Producer: bytes free from {@link #writeOffset()} to the end of the buffer or the consumer. */
    int writableContiguous()
    {
        return Math.min(writable(), capacity() - writeOffset());
    }

    /** Producer: publishes {@code n} bytes written at {@link #writeOffset()}. */
    void produced(final int n)
    {
        tail = tail + n;
    }

    /** Consumer: where the next contiguous readable region starts. */
    int readOffset()
    {
        return (int)(head & mask);
    }

    int readableContiguous()
    {
        return Math.min(readable(), capacity() - readOffset());
    }

    /** Consumer: frees {@code n} bytes read at {@link #readOffset()}. */
    void consumed(final int n)
    {
        head = head + n;
    }
}
