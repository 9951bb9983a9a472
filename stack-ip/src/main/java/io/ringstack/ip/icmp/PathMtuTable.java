package io.ringstack.ip.icmp;

import org.agrona.collections.Int2IntHashMap;

/**
 * Next-hop MTUs learnt from ICMP "fragmentation needed" messages (RFC 1191 §4, RFC 1122 §3.2.2.1), kept for path
 * MTU discovery by TCP. Bounded: when full, new reports replace nothing and are counted as not kept. Entries do
 * not age yet (RFC 1191 §6.3 suggests raising the estimate after 10 minutes: TCP's issue).
 */
public final class PathMtuTable
{
    /** RFC 791: every host must accept 68-byte datagrams; smaller reports are bogus. */
    public static final int MIN_MTU = 68;

    private final Int2IntHashMap mtuByDestination = new Int2IntHashMap(0);
    private final int capacity;
    private final int linkMtu;
    private long ignored;

    public PathMtuTable(final int capacity, final int linkMtu)
    {
        this.capacity = capacity;
        this.linkMtu = linkMtu;
    }

    /** Records a reported next-hop MTU for {@code destination}; only decreases are believed (RFC 1191 §6.2). */
    public boolean report(final int destination, final int nextHopMtu)
    {
        if (nextHopMtu < MIN_MTU || nextHopMtu >= mtuFor(destination))
        {
            ignored++;
            return false;
        }
        if (!mtuByDestination.containsKey(destination) && mtuByDestination.size() >= capacity)
        {
            ignored++;
            return false;
        }
        mtuByDestination.put(destination, nextHopMtu);
        return true;
    }

    /** The path MTU estimate for {@code destination}: a learnt value, or the link's MTU. */
    public int mtuFor(final int destination)
    {
        final int mtu = mtuByDestination.get(destination);
        return mtu == 0 ? linkMtu : mtu;
    }

    public int size()
    {
        return mtuByDestination.size();
    }

    public long ignoredReports()
    {
        return ignored;
    }
}
