package io.ringstack.ip.fragment;

import java.util.Arrays;

/**
 * The reassembly key of each slot, (source, destination, protocol, identification) — RFC 791 §3.2: "the
 * identification field is used together with the source and destination address, and the protocol fields, to
 * identify datagram fragments for reassembly" — and an open-addressing index from key to slot.
 * <p>
 * Preallocated: the index has at least twice as many cells as there are slots, linear probing, deletion by
 * backward shift (no tombstones, so probes stay short). The hash is seeded per instance so that a sender cannot
 * pick identifications that all collide. Lookups and updates allocate nothing.
 */
final class ReassemblyKeys
{
    static final int NONE = -1;

    private final int[] source;
    private final int[] destination;
    private final int[] protocolAndIdentification;
    /** Slot + 1 in each cell, 0 for an empty cell. */
    private final int[] cells;
    private final int mask;
    private final long seed;

    ReassemblyKeys(final int slots, final long seed)
    {
        this.source = new int[slots];
        this.destination = new int[slots];
        this.protocolAndIdentification = new int[slots];
        final int size = Integer.highestOneBit(Math.max(8, slots * 2 - 1)) << 1;
        this.cells = new int[size];
        this.mask = size - 1;
        this.seed = seed;
    }

    static int protocolAndIdentification(final int protocol, final int identification)
    {
        return protocol << 16 | identification;
    }

    int source(final int slot)
    {
        return source[slot];
    }

    int destination(final int slot)
    {
        return destination[slot];
    }

    /** The slot holding this key, or {@link #NONE}. */
    int find(final int src, final int dst, final int protoId)
    {
        int i = home(src, dst, protoId);
        while (true)
        {
            final int cell = cells[i];
            if (cell == 0)
            {
                return NONE;
            }
            final int slot = cell - 1;
            if (source[slot] == src && destination[slot] == dst && protocolAndIdentification[slot] == protoId)
            {
                return slot;
            }
            i = (i + 1) & mask;
        }
    }

    /** Records the key of a free slot; the key must not be present. */
    void put(final int slot, final int src, final int dst, final int protoId)
    {
        source[slot] = src;
        destination[slot] = dst;
        protocolAndIdentification[slot] = protoId;
        int i = home(src, dst, protoId);
        while (cells[i] != 0)
        {
            i = (i + 1) & mask;
        }
        cells[i] = slot + 1;
    }

    /** Forgets the key of a slot that {@link #put} recorded. */
    void remove(final int slot)
    {
        int hole = home(source[slot], destination[slot], protocolAndIdentification[slot]);
        while (cells[hole] != slot + 1)
        {
            if (cells[hole] == 0)
            {
                throw new IllegalStateException("reassembly slot " + slot + " is not indexed");
            }
            hole = (hole + 1) & mask;
        }
        cells[hole] = 0;
        // Backward-shift deletion (Knuth, TAOCP vol. 3, 6.4 Algorithm R): move up each later entry of the run
        // whose home is not cyclically within (hole, i].
        int i = hole;
        while (true)
        {
            i = (i + 1) & mask;
            final int cell = cells[i];
            if (cell == 0)
            {
                return;
            }
            final int other = cell - 1;
            final int home = home(source[other], destination[other], protocolAndIdentification[other]);
            final boolean stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!stays)
            {
                cells[hole] = cell;
                cells[i] = 0;
                hole = i;
            }
        }
    }

    void clear()
    {
        Arrays.fill(cells, 0);
    }

    private int home(final int src, final int dst, final int protoId)
    {
        long h = seed ^ (src & 0xFFFF_FFFFL);
        h = mix(h) ^ (dst & 0xFFFF_FFFFL);
        h = mix(h) ^ (protoId & 0xFFFF_FFFFL);
        h = mix(h);
        return (int)(h ^ h >>> 32) & mask;
    }

    /** The finaliser of MurmurHash3 (fmix64). */
    private static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
