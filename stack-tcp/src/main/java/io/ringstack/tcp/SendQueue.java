package io.ringstack.tcp;

/**
 * The send side's buffers in sequence order: each TX pool buffer holds one segment's payload, [seq, seq + length),
 * written once (copied by {@code write} or by the application through {@code claim}) and kept until the peer
 * acknowledges all of it, so that a retransmission sends the same buffer again. A ring of primitive arrays;
 * position 0 is the oldest buffer.
 */
final class SendQueue
{
    private final int[] handle;
    private final int[] sequence;
    private final int[] length;
    private int head;
    private int size;

    SendQueue(final int capacity)
    {
        handle = new int[capacity];
        sequence = new int[capacity];
        length = new int[capacity];
    }

    int size()
    {
        return size;
    }

    boolean isFull()
    {
        return size == handle.length;
    }

    private int slot(final int position)
    {
        final int i = head + position;
        return i >= handle.length ? i - handle.length : i;
    }

    void add(final int bufferHandle, final int seq, final int bytes)
    {
        final int i = slot(size);
        handle[i] = bufferHandle;
        sequence[i] = seq;
        length[i] = bytes;
        size++;
    }

    int handle(final int position)
    {
        return handle[slot(position)];
    }

    int sequence(final int position)
    {
        return sequence[slot(position)];
    }

    int length(final int position)
    {
        return length[slot(position)];
    }

    /** Sequence number after the buffer's last byte. */
    int end(final int position)
    {
        final int i = slot(position);
        return sequence[i] + length[i];
    }

    void grow(final int position, final int bytes)
    {
        length[slot(position)] += bytes;
    }

    /** Removes the oldest buffer and returns its handle. */
    int removeFirst()
    {
        final int h = handle[head];
        head = head + 1 == handle.length ? 0 : head + 1;
        size--;
        return h;
    }

    /** Position of the first buffer whose end lies after {@code seq}, or -1 when all end at or before it. */
    int firstEndingAfter(final int seq)
    {
        for (int p = 0; p < size; p++)
        {
            if (end(p) - seq > 0)
            {
                return p;
            }
        }
        return -1;
    }
}
