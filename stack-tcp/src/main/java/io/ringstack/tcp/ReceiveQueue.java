package io.ringstack.tcp;

/**
 * In-order received data waiting for the application: slices [offset, offset + length) of the RX buffers the
 * segments arrived in, in sequence order. A ring of primitive arrays.
 */
final class ReceiveQueue
{
    /** The most slices the queue holds; the arrays start small and double up to it as a connection needs them. */
    private final int capacity;
    private int[] handle;
    private int[] offset;
    private int[] length;
    private int head;
    private int size;
    private int bytes;

    ReceiveQueue(final int capacity)
    {
        this.capacity = capacity;
        final int initial = Math.min(capacity, TcpQueues.INITIAL_SLOTS);
        handle = new int[initial];
        offset = new int[initial];
        length = new int[initial];
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
        return size == capacity;
    }

    void add(final int bufferHandle, final int sliceOffset, final int sliceLength)
    {
        if (size == handle.length)
        {
            final int slots = Math.min(capacity, handle.length * 2); // once per doubling, up to the capacity
            handle = TcpQueues.unwrap(handle, head, size, slots);
            offset = TcpQueues.unwrap(offset, head, size, slots);
            length = TcpQueues.unwrap(length, head, size, slots);
            head = 0;
        }
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
