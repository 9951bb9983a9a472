package io.ringstack.ethernet.arp;

import io.ringstack.nic.e1000.MacAddress;
import org.agrona.collections.Int2IntHashMap;

/**
 * The translation table of RFC 826: protocol address to hardware address, with a fixed number of slots.
 * <p>
 * An {@link Int2IntHashMap} maps an address to its slot; parallel arrays hold each slot's hardware address,
 * {@link ArpState}, deadlines and request count. A full cache evicts its oldest entry that is not INCOMPLETE.
 * Nothing allocates after construction.
 * <p>
 * The public methods are a read-only view for statistics and tests; {@link ArpResolver} changes the table.
 * They read the table as it is, without a clock: an entry whose lifetime ran out stays visible until the
 * resolver's next {@link ArpResolver#poll}.
 */
public final class ArpCache
{
    static final int NO_SLOT = -1;

    private final int capacity;
    private final Int2IntHashMap slotByAddress;
    private final int[] address;
    private final long[] hardwareAddress;
    private final ArpState[] state;
    /** REACHABLE/PROBE: end of the lifetime; FAILED: end of the negative-cache time. */
    private final long[] expiresAt;
    /** INCOMPLETE: when to send the next request, or give up. */
    private final long[] nextRequestAt;
    private final int[] requestsSent;
    /** When the entry was made or last confirmed: the oldest is evicted first. */
    private final long[] updatedAt;
    private final int[] freeSlots;
    private int freeCount;
    private final PendingFrames pending;

    ArpCache(final int capacity, final PendingFrames pending)
    {
        this.capacity = capacity;
        this.pending = pending;
        // Sized so that it never grows (a resize would allocate): capacity stays under the map's load threshold.
        this.slotByAddress = new Int2IntHashMap(capacity * 2, 0.65f, NO_SLOT);
        this.address = new int[capacity];
        this.hardwareAddress = new long[capacity];
        this.state = new ArpState[capacity];
        this.expiresAt = new long[capacity];
        this.nextRequestAt = new long[capacity];
        this.requestsSent = new int[capacity];
        this.updatedAt = new long[capacity];
        this.freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
    }

    // ------------------------------------------------------------------ read-only view

    /** Entries held, in any state. */
    public int size()
    {
        return capacity - freeCount;
    }

    public int capacity()
    {
        return capacity;
    }

    public boolean contains(final int protocolAddress)
    {
        return slotOf(protocolAddress) != NO_SLOT;
    }

    /**
     * The hardware address cached for {@code protocolAddress} when it is known (REACHABLE or PROBE), else
     * {@link MacAddress#NONE}.
     */
    public long macFor(final int protocolAddress)
    {
        final int slot = slotOf(protocolAddress);
        return slot != NO_SLOT && isResolved(state[slot]) ? hardwareAddress[slot] : MacAddress.NONE;
    }

    /** The state of the entry for {@code protocolAddress}, or null when the cache holds none. */
    public ArpState state(final int protocolAddress)
    {
        final int slot = slotOf(protocolAddress);
        return slot == NO_SLOT ? null : state[slot];
    }

    /** Frames waiting for {@code protocolAddress} to resolve (0 when there is no entry). */
    public int pendingFrames(final int protocolAddress)
    {
        final int slot = slotOf(protocolAddress);
        return slot == NO_SLOT ? 0 : pending.count(slot);
    }

    /** Frames waiting over all entries. */
    public int pendingFrames()
    {
        return pending.total();
    }

    /** A listing of every entry (allocates: for diagnostics). */
    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder("ArpCache{").append(size()).append('/').append(capacity);
        for (int slot = 0; slot < capacity; slot++)
        {
            if (state[slot] != null)
            {
                text.append(", ").append(ProtocolAddress.toString(address[slot])).append(' ').append(state[slot]);
                if (isResolved(state[slot]))
                {
                    text.append(' ').append(MacAddress.toString(hardwareAddress[slot]));
                }
                if (pending.count(slot) > 0)
                {
                    text.append(" pending=").append(pending.count(slot));
                }
            }
        }
        return text.append('}').toString();
    }

    // ------------------------------------------------------------------ used by the resolver

    static boolean isResolved(final ArpState state)
    {
        return state == ArpState.REACHABLE || state == ArpState.PROBE;
    }

    int slotOf(final int protocolAddress)
    {
        return slotByAddress.get(protocolAddress);
    }

    boolean hasFreeSlot()
    {
        return freeCount > 0;
    }

    /** Takes a free slot for {@code protocolAddress} (the caller checked {@link #hasFreeSlot}). */
    int add(final int protocolAddress, final ArpState initial, final long nowNanos)
    {
        final int slot = freeSlots[--freeCount];
        slotByAddress.put(protocolAddress, slot);
        address[slot] = protocolAddress;
        hardwareAddress[slot] = MacAddress.NONE;
        state[slot] = initial;
        expiresAt[slot] = nowNanos;
        nextRequestAt[slot] = nowNanos;
        requestsSent[slot] = 0;
        updatedAt[slot] = nowNanos;
        return slot;
    }

    /** Frees a slot; its pending queue must be empty. */
    void remove(final int slot)
    {
        slotByAddress.remove(address[slot]);
        state[slot] = null;
        hardwareAddress[slot] = MacAddress.NONE;
        freeSlots[freeCount++] = slot;
    }

    /** The entry that has gone longest without confirmation among those that are not INCOMPLETE, or NO_SLOT. */
    int oldestEvictable()
    {
        int oldest = NO_SLOT;
        for (int slot = 0; slot < capacity; slot++)
        {
            final ArpState s = state[slot];
            if (s != null && s != ArpState.INCOMPLETE && (oldest == NO_SLOT || updatedAt[slot] - updatedAt[oldest] < 0))
            {
                oldest = slot;
            }
        }
        return oldest;
    }

    int address(final int slot)
    {
        return address[slot];
    }

    ArpState stateAt(final int slot)
    {
        return state[slot];
    }

    void state(final int slot, final ArpState newState)
    {
        state[slot] = newState;
    }

    long hardwareAddress(final int slot)
    {
        return hardwareAddress[slot];
    }

    void hardwareAddress(final int slot, final long mac)
    {
        hardwareAddress[slot] = mac;
    }

    long expiresAt(final int slot)
    {
        return expiresAt[slot];
    }

    void expiresAt(final int slot, final long nanos)
    {
        expiresAt[slot] = nanos;
    }

    long nextRequestAt(final int slot)
    {
        return nextRequestAt[slot];
    }

    void nextRequestAt(final int slot, final long nanos)
    {
        nextRequestAt[slot] = nanos;
    }

    int requestsSent(final int slot)
    {
        return requestsSent[slot];
    }

    void requestsSent(final int slot, final int count)
    {
        requestsSent[slot] = count;
    }

    void updatedAt(final int slot, final long nanos)
    {
        updatedAt[slot] = nanos;
    }
}
