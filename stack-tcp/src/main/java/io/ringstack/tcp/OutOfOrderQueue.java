package io.ringstack.tcp;

import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.tcp.wire.SequenceNumber;
import io.ringstack.tcp.wire.TcpOptions;

/**
 * Segments that arrived ahead of RCV.NXT, kept in their RX buffers and sorted by sequence number until the gap
 * before them fills (RFC 9293 §3.10.7.4 "seventh": segments with higher beginning sequence numbers may be held).
 * Entries may overlap; {@link TcpConnection} trims them as it moves them to the receive queue. A FIN that came
 * with a held segment is remembered with it. Bounded; sorted insertion into primitive arrays. The buffers held
 * count against a {@link BufferBudget} shared with the other connections of the layer.
 * <p>
 * The queue also answers for the SACK option (RFC 2018 §4): its entries, merged where they touch, are the blocks of
 * data the receiver holds beyond RCV.NXT, and it remembers where the most recent segments arrived so that the block
 * holding the segment that triggered an ACK is reported first and the blocks reported most recently follow.
 */
final class OutOfOrderQueue
{
    private int[] handle;
    private int[] sequence;
    private int[] offset;
    private int[] length;
    private boolean[] fin;
    private final BufferBudget budget;
    /** The most segments held; the arrays start small and double up to it. */
    private final int capacity;
    private int size;
    private int bytes;
    // SACK: where the latest segments arrived, most recent first; scratch space for merged blocks
    private final int[] recent = new int[TcpOptions.MAX_SACK_BLOCKS];
    private int recentCount;
    private int[] blockLeft;
    private int[] blockRight;
    private boolean[] blockReported;

    OutOfOrderQueue(final int capacity, final BufferBudget budget)
    {
        this.budget = budget;
        this.capacity = capacity;
        // no arrays until the first segment arrives out of order: most connections never hold one
        handle = TcpQueues.NO_INTS;
        sequence = TcpQueues.NO_INTS;
        offset = TcpQueues.NO_INTS;
        length = TcpQueues.NO_INTS;
        fin = TcpQueues.NO_BOOLEANS;
        blockLeft = TcpQueues.NO_INTS;
        blockRight = TcpQueues.NO_INTS;
        blockReported = TcpQueues.NO_BOOLEANS;
    }

    /** Doubles the arrays up to the capacity: the first time a connection holds that many segments out of order. */
    private void expand()
    {
        final int slots = Math.min(capacity, Math.max(TcpQueues.INITIAL_SLOTS, handle.length * 2));
        handle = TcpQueues.unwrap(handle, 0, size, slots);
        sequence = TcpQueues.unwrap(sequence, 0, size, slots);
        offset = TcpQueues.unwrap(offset, 0, size, slots);
        length = TcpQueues.unwrap(length, 0, size, slots);
        fin = TcpQueues.unwrap(fin, 0, size, slots);
        blockLeft = new int[slots]; // scratch: rebuilt on every use
        blockRight = new int[slots];
        blockReported = new boolean[slots];
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
        if (size == capacity)
        {
            return false;
        }
        if (size == handle.length)
        {
            expand();
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
        if (len > 0)
        {
            noteArrival(seq);
        }
        return true;
    }

    /**
     * A segment starting at {@code seq} arrived ahead of RCV.NXT (held now, or already held): its block goes first
     * in the next SACK option (RFC 2018 §4).
     */
    void noteArrival(final int seq)
    {
        int at = 0;
        while (at < recentCount && recent[at] != seq)
        {
            at++;
        }
        if (at == recentCount && recentCount < recent.length)
        {
            recentCount++;
        }
        for (int i = Math.min(at, recent.length - 1); i > 0; i--)
        {
            recent[i] = recent[i - 1];
        }
        recent[0] = seq;
    }

    /**
     * The SACK blocks to report (RFC 2018 §4): the contiguous blocks of held data, at most {@code max}. "The first
     * SACK block MUST specify the contiguous block of data containing the segment which triggered this ACK", and
     * the blocks of the segments before it follow, most recent first ("repeating the most recently reported SACK
     * blocks"); room left is filled with the other blocks, lowest first (nearest the hole the sender must fill).
     *
     * @return the number of blocks written into {@code left} and {@code right}.
     */
    int sackBlocks(final int[] left, final int[] right, final int max)
    {
        return sackBlocks(left, right, 0, max);
    }

    /** As {@link #sackBlocks(int[], int[], int)}, written from index {@code from} on (after a D-SACK block). */
    int sackBlocks(final int[] left, final int[] right, final int from, final int max)
    {
        // merge entries that overlap or touch into blocks (entries are sorted by their left edge)
        int blocks = 0;
        for (int i = 0; i < size; i++)
        {
            if (length[i] == 0)
            {
                continue; // a FIN alone: no data to report
            }
            final int start = sequence[i];
            final int end = start + length[i];
            if (blocks > 0 && SequenceNumber.lessOrEqual(start, blockRight[blocks - 1]))
            {
                if (SequenceNumber.greaterThan(end, blockRight[blocks - 1]))
                {
                    blockRight[blocks - 1] = end;
                }
                continue;
            }
            blockLeft[blocks] = start;
            blockRight[blocks] = end;
            blockReported[blocks] = false;
            blocks++;
        }
        int count = 0;
        for (int r = 0; r < recentCount && count < max; r++)
        {
            for (int b = 0; b < blocks; b++)
            {
                if (!blockReported[b] && SequenceNumber.lessOrEqual(blockLeft[b], recent[r]) &&
                    SequenceNumber.lessThan(recent[r], blockRight[b]))
                {
                    blockReported[b] = true;
                    left[from + count] = blockLeft[b];
                    right[from + count] = blockRight[b];
                    count++;
                    break;
                }
            }
        }
        for (int b = 0; b < blocks && count < max; b++)
        {
            if (!blockReported[b])
            {
                left[from + count] = blockLeft[b];
                right[from + count] = blockRight[b];
                count++;
            }
        }
        return count;
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
        recentCount = 0;
    }
}
