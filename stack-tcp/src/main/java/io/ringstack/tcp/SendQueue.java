package io.ringstack.tcp;

/**
 * The send side's buffers in sequence order: each TX pool buffer holds one segment's payload, [seq, seq + length),
 * written once (copied by {@code write} or by the application through {@code claim}) and kept until the peer
 * acknowledges all of it, so that a retransmission sends the same buffer again. A ring of primitive arrays;
 * position 0 is the oldest buffer.
 * <p>
 * Each buffer also carries the scoreboard's mark (RFC 6675 §3): whether the peer has selectively acknowledged all
 * of it ({@link SackScoreboard} sets it), with the marked bytes and buffers totalled.
 * <p>
 * {@link #firstEndingAfter} is what every transmission asks (where SND.NXT is); it starts from its previous answer,
 * so a sender walking forward pays O(1) amortized, and falls back to a binary search when asked about an earlier
 * point (a retransmission timeout going back to SND.UNA).
 */
final class SendQueue
{
    /** The most buffers the queue holds; the arrays start small and double up to it as a connection needs them. */
    private final int capacity;
    private int[] handle;
    private int[] sequence;
    private int[] length;
    private boolean[] sacked;
    private int head;
    private int size;
    private int sackedBytes;
    private int sackedBuffers;
    /** The slot of the last answer of {@link #firstEndingAfter}. */
    private int hintSlot;

    SendQueue(final int capacity)
    {
        this.capacity = capacity;
        final int initial = Math.min(capacity, TcpQueues.INITIAL_SLOTS);
        handle = new int[initial];
        sequence = new int[initial];
        length = new int[initial];
        sacked = new boolean[initial];
    }

    /** Doubles the arrays (up to the capacity), the oldest buffer moving to slot 0: once per doubling. */
    private void expand()
    {
        final int slots = Math.min(capacity, handle.length * 2);
        final int hintPosition = position(hintSlot);
        handle = TcpQueues.unwrap(handle, head, size, slots);
        sequence = TcpQueues.unwrap(sequence, head, size, slots);
        length = TcpQueues.unwrap(length, head, size, slots);
        sacked = TcpQueues.unwrap(sacked, head, size, slots);
        head = 0;
        hintSlot = hintPosition < size ? hintPosition : 0;
    }

    int size()
    {
        return size;
    }

    boolean isFull()
    {
        return size == capacity;
    }

    private int slot(final int position)
    {
        final int i = head + position;
        return i >= handle.length ? i - handle.length : i;
    }

    private int position(final int slot)
    {
        final int p = slot - head;
        return p < 0 ? p + handle.length : p;
    }

    void add(final int bufferHandle, final int seq, final int bytes)
    {
        if (size == handle.length)
        {
            expand();
        }
        final int i = slot(size);
        handle[i] = bufferHandle;
        sequence[i] = seq;
        length[i] = bytes;
        sacked[i] = false;
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
        if (sacked[head])
        {
            sacked[head] = false;
            sackedBytes -= length[head];
            sackedBuffers--;
        }
        head = head + 1 == handle.length ? 0 : head + 1;
        size--;
        return h;
    }

    /** Position of the first buffer whose end lies after {@code seq}, or -1 when all end at or before it. */
    int firstEndingAfter(final int seq)
    {
        if (size == 0)
        {
            return -1;
        }
        int p = position(hintSlot);
        if (p >= size || p > 0 && end(p - 1) - seq > 0)
        {
            p = search(seq); // the hint is gone or lies beyond the answer
        }
        else
        {
            while (p < size && end(p) - seq <= 0)
            {
                p++; // forward from the last answer: amortized O(1) as SND.NXT advances
            }
        }
        if (p == size)
        {
            return -1;
        }
        hintSlot = slot(p);
        return p;
    }

    /** Like {@link #firstEndingAfter} but by binary search alone, leaving the sender's starting point be. */
    int positionAfter(final int seq)
    {
        final int p = search(seq);
        return p == size ? -1 : p;
    }

    /** Binary search: the first position whose end lies after {@code seq} (size if none); ends increase. */
    private int search(final int seq)
    {
        int low = 0;
        int high = size;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (end(mid) - seq > 0)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    // ---------------------------------------------------------------- the SACK scoreboard's marks

    boolean isSacked(final int position)
    {
        return sacked[slot(position)];
    }

    /** Marks a buffer as selectively acknowledged; returns false if it already was. */
    boolean markSacked(final int position)
    {
        final int i = slot(position);
        if (sacked[i])
        {
            return false;
        }
        sacked[i] = true;
        sackedBytes += length[i];
        sackedBuffers++;
        return true;
    }

    /** Clears every mark (the peer reneged: RFC 2018 §8). */
    void clearSacked()
    {
        for (int p = 0; p < size; p++)
        {
            sacked[slot(p)] = false;
        }
        sackedBytes = 0;
        sackedBuffers = 0;
    }

    /** Bytes in buffers marked SACKed. */
    int sackedBytes()
    {
        return sackedBytes;
    }

    /** Buffers marked SACKed. */
    int sackedBuffers()
    {
        return sackedBuffers;
    }
}
