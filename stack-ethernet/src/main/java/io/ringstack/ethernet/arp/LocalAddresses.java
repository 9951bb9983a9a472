package io.ringstack.ethernet.arp;

/**
 * The interface's own protocol addresses, with per address the announcements still to send (RFC 5227 §2.3) and
 * the last defence (RFC 5227 §2.4). A handful of addresses: searched linearly, nothing allocates.
 */
final class LocalAddresses
{
    static final int NOT_FOUND = -1;

    private final int[] address;
    private final int[] announcementsLeft;
    private final long[] nextAnnouncementAt;
    private final boolean[] defended;
    private final long[] lastDefendedAt;
    private int count;

    LocalAddresses(final int capacity)
    {
        address = new int[capacity];
        announcementsLeft = new int[capacity];
        nextAnnouncementAt = new long[capacity];
        defended = new boolean[capacity];
        lastDefendedAt = new long[capacity];
    }

    int indexOf(final int protocolAddress)
    {
        for (int i = 0; i < count; i++)
        {
            if (address[i] == protocolAddress)
            {
                return i;
            }
        }
        return NOT_FOUND;
    }

    boolean contains(final int protocolAddress)
    {
        return indexOf(protocolAddress) != NOT_FOUND;
    }

    int count()
    {
        return count;
    }

    int capacity()
    {
        return address.length;
    }

    /** Adds an address (or finds it again) and returns its index; the caller checked there is room. */
    int add(final int protocolAddress)
    {
        final int existing = indexOf(protocolAddress);
        if (existing != NOT_FOUND)
        {
            return existing;
        }
        final int i = count++;
        address[i] = protocolAddress;
        announcementsLeft[i] = 0;
        defended[i] = false;
        return i;
    }

    /** Removes an address; the last one takes its index. Returns whether it was there. */
    boolean remove(final int protocolAddress)
    {
        final int i = indexOf(protocolAddress);
        if (i == NOT_FOUND)
        {
            return false;
        }
        final int last = --count;
        address[i] = address[last];
        announcementsLeft[i] = announcementsLeft[last];
        nextAnnouncementAt[i] = nextAnnouncementAt[last];
        defended[i] = defended[last];
        lastDefendedAt[i] = lastDefendedAt[last];
        return true;
    }

    /** The address the interface's requests come from: the first one added, or 0.0.0.0 when there is none. */
    int primary()
    {
        return count == 0 ? ProtocolAddress.UNSPECIFIED : address[0];
    }

    int address(final int i)
    {
        return address[i];
    }

    int announcementsLeft(final int i)
    {
        return announcementsLeft[i];
    }

    long nextAnnouncementAt(final int i)
    {
        return nextAnnouncementAt[i];
    }

    void scheduleAnnouncements(final int i, final int left, final long at)
    {
        announcementsLeft[i] = left;
        nextAnnouncementAt[i] = at;
    }

    /**
     * RFC 5227 §2.4 (c): whether a defence is allowed now, i.e. none was sent in the last {@code interval}; if so,
     * records {@code nowNanos} as the time of this one.
     */
    boolean tryDefend(final int i, final long nowNanos, final long intervalNanos)
    {
        if (defended[i] && nowNanos - lastDefendedAt[i] < intervalNanos)
        {
            return false;
        }
        defended[i] = true;
        lastDefendedAt[i] = nowNanos;
        return true;
    }
}
