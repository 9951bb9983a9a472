package io.ringstack.tcp;

import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.tcp.wire.SequenceNumber;

/**
 * Segments that arrived ahead of RCV.NXT, kept in their RX buffers and sorted by sequence number until the gap
 * before them fills (RFC 9293 §3.10.7.4 "seventh": segments with higher beginning sequence numbers may be held).
 * Entries may overlap; {@link TcpConnection} trims them as it moves them to the receive queue. A FIN that came
 * with a held segment is remembered with it. Bounded; sorted insertion into primitive arrays. The buffers held
 * count against a {@link BufferBudget} shared with the other connections of the layer.
 */
final class OutOfOrderQueue
{
    private final int[] handle;
    private final int[] sequence;
    private final int[] offset;
    private final int[] length;
    private final boolean[] fin;
    private final BufferBudget budget;
    private int size;
    private int bytes;

    OutOfOrderQueue(final int capacity, final BufferBudget budget)
    {
        this.budget = budget;
        handle = new int[capacity];
        sequence = new int[capacity];
        offset = new int[capacity];
        length = new int[capacity];
        fin = new boolean[capacity];
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

    /** Whether [seq, seq + len) (and its FIN, if any) is already held by one entry. */
    boolean covers(final int seq, final int len, final boolean withFin)
    {
        for (int i = 0; i < size; i++)
        {
            final int start = sequence[i];
            final int end = start + length[i];
            if (SequenceNumber.lessOrEqual(start, seq) && SequenceNumber.greaterOrEqual(end, seq + len) &&
                (!withFin || fin[i] && end == seq + len))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Inserts a segment in sequence order, first releasing entries it covers entirely.
     *
     * @return false when full (the caller keeps the buffer).
     */
    boolean insert(
        final PacketBufferPool pool, final int bufferHandle, final int seq, final int dataOffset, final int len,
        final boolean withFin)
    {
        // drop entries the new segment covers entirely: it replaces them
        int kept = 0;
        for (int i = 0; i < size; i++)
        {
            final int start = sequence[i];
            final int end = start + length[i];
            final boolean covered = SequenceNumber.greaterOrEqual(start, seq) &&
                SequenceNumber.lessOrEqual(end, seq + len) && (!fin[i] || withFin && end == seq + len);
            if (covered)
            {
                release(pool, i);
                continue;
            }
            move(i, kept++);
        }
        size = kept;
        if (size == handle.length)
        {
            return false;
        }
        int at = size;
        while (at > 0 && SequenceNumber.greaterThan(sequence[at - 1], seq))
        {
            move(at - 1, at);
            at--;
        }
        handle[at] = bufferHandle;
        sequence[at] = seq;
        offset[at] = dataOffset;
        length[at] = len;
        fin[at] = withFin;
        size++;
        if (bufferHandle != PacketBufferPool.NO_BUFFER)
        {
            budget.take();
        }
        bytes += len;
        return true;
    }

    private void move(final int from, final int to)
    {
        if (from != to)
        {
            handle[to] = handle[from];
            sequence[to] = sequence[from];
            offset[to] = offset[from];
            length[to] = length[from];
            fin[to] = fin[from];
        }
    }

    private void release(final PacketBufferPool pool, final int i)
    {
        bytes -= length[i];
        if (handle[i] != PacketBufferPool.NO_BUFFER)
        {
            pool.release(handle[i]);
            budget.give();
        }
    }

    int firstSequence()
    {
        return sequence[0];
    }

    int firstHandle()
    {
        return handle[0];
    }

    int firstOffset()
    {
        return offset[0];
    }

    int firstLength()
    {
        return length[0];
    }

    boolean firstFin()
    {
        return fin[0];
    }

    /** Removes the first entry; the caller takes its buffer. */
    void removeFirst()
    {
        bytes -= length[0];
        if (handle[0] != PacketBufferPool.NO_BUFFER)
        {
            budget.give();
        }
        for (int i = 1; i < size; i++)
        {
            move(i, i - 1);
        }
        size--;
    }

    /** Releases every held buffer. */
    void clear(final PacketBufferPool pool)
    {
        for (int i = 0; i < size; i++)
        {
            release(pool, i);
        }
        size = 0;
        bytes = 0;
    }
}
