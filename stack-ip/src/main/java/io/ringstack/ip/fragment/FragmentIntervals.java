package io.ringstack.ip.fragment;

/**
 * The fragments held for each reassembly slot, as byte intervals [start, end) of the datagram's payload, sorted
 * by start and never overlapping (the reassembler refuses overlaps before inserting). The list keeps the
 * boundaries of every fragment so that an exact duplicate can be told from an overlap. Preallocated: a fixed
 * number of intervals per slot; insertion shifts the later ones (O(fragments), RFC 815's hole list costs the same).
 */
final class FragmentIntervals
{
    private final int perSlot;
    private final int[] starts;
    private final int[] ends;
    private final int[] counts;

    FragmentIntervals(final int slots, final int perSlot)
    {
        this.perSlot = perSlot;
        this.starts = new int[slots * perSlot];
        this.ends = new int[slots * perSlot];
        this.counts = new int[slots];
    }

    int capacity()
    {
        return perSlot;
    }

    int count(final int slot)
    {
        return counts[slot];
    }

    int start(final int slot, final int index)
    {
        return starts[slot * perSlot + index];
    }

    int end(final int slot, final int index)
    {
        return ends[slot * perSlot + index];
    }

    /** The index of the first interval whose start is at or after {@code start} ({@link #count} if none). */
    int lowerBound(final int slot, final int start)
    {
        final int base = slot * perSlot;
        int low = 0;
        int high = counts[slot];
        while (low < high)
        {
            final int middle = (low + high) >>> 1;
            if (starts[base + middle] < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /** Inserts [start, end) at {@code index} (from {@link #lowerBound}); the slot must have room. */
    void insert(final int slot, final int index, final int start, final int end)
    {
        final int base = slot * perSlot;
        final int count = counts[slot];
        final int moved = count - index;
        if (moved > 0)
        {
            System.arraycopy(starts, base + index, starts, base + index + 1, moved);
            System.arraycopy(ends, base + index, ends, base + index + 1, moved);
        }
        starts[base + index] = start;
        ends[base + index] = end;
        counts[slot] = count + 1;
    }

    void clear(final int slot)
    {
        counts[slot] = 0;
    }
}
