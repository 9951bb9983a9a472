package io.ringstack.tcp;

/**
 * In-order received data waiting for the application: slices [offset, offset + length) of the RX buffers the
 * segments arrived in, in sequence order. A ring of primitive arrays.
 */
final class ReceiveQueue
{
    private final int[] handle;
    private final int[] offset;
    private final int[] length;
    private int head;
    private int size;
    private int bytes;

    ReceiveQueue(final int capacity)
    {
        handle = new int[capacity];
        offset = new int[capacity];
        length = new int[capacity];
    }

    int size()
    {
        return size;
    }

    int bytes()
    {
        return bytes;
    }

    boolean isFull()
    {
        return size == handle.length;
    }

    void add(final int bufferHandle, final int sliceOffset, final int sliceLength)
    {
        int i = head + size;
        if (i >= handle.length)
        {
            i -= handle.length;
        }
        handle[i] = bufferHandle;
        offset[i] = sliceOffset;
        length[i] = sliceLength;
        size++;
        bytes += sliceLength;
    }

    int firstHandle()
    {
        return handle[head];
    }

    int firstOffset()
    {
        return offset[head];
    }

    int firstLength()
    {
        return length[head];
    }

    /** Drops {@code n} bytes from the front of the first slice (a partial copying read). */
    void consumeFirst(final int n)
    {
        offset[head] += n;
        length[head] -= n;
        bytes -= n;
    }

    /** Removes the first slice and returns its handle (the caller takes the buffer's reference). */
    int removeFirst()
    {
        final int h = handle[head];
        bytes -= length[head];
        head = head + 1 == handle.length ? 0 : head + 1;
        size--;
        return h;
    }
}
