package io.ringstack.ethernet.arp;

import java.time.Duration;

/**
 * Settings of an {@link ArpResolver}. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods; every instance is validated, and a bad value is refused with the rule it breaks.
 *
 * @param cacheCapacity            entries the cache holds (default 512); when full the oldest non-INCOMPLETE one
 *                                 is evicted.
 * @param reachableTimeNanos       lifetime of a resolved entry after its last confirmation (default 60 s).
 * @param refreshWindowNanos       an entry used this close to its expiry sends one unicast refresh request
 *                                 (default 5 s; 0 turns refreshing off). Shorter than the reachable time.
 * @param retryIntervalNanos       time between broadcast requests while resolving (default 1 s).
 * @param maxRequests              requests sent before resolution gives up (default 3).
 * @param negativeCacheNanos       how long a failed resolution makes lookups and enqueues fail fast (default 1 s;
 *                                 0 forgets the failure at once).
 * @param maxPendingPerDestination frames parked per unresolved next hop (default 8).
 * @param maxPendingTotal          frames parked over all next hops (default 64).
 * @param vlanId                   802.1Q VLAN identifier of the frames ARP sends, or -1 for untagged (default).
 * @param defendIntervalNanos      RFC 5227 DEFEND_INTERVAL: at most one defending announcement per address within
 *                                 it (default 10 s).
 * @param announcements            RFC 5227 ANNOUNCE_NUM: gratuitous announcements when an address comes up
 *                                 (default 2; 0 sends none).
 * @param announceIntervalNanos    RFC 5227 ANNOUNCE_INTERVAL: time between them (default 2 s).
 */
public record ArpConfig(
    int cacheCapacity,
    long reachableTimeNanos,
    long refreshWindowNanos,
    long retryIntervalNanos,
    int maxRequests,
    long negativeCacheNanos,
    int maxPendingPerDestination,
    int maxPendingTotal,
    int vlanId,
    long defendIntervalNanos,
    int announcements,
    long announceIntervalNanos)
{
    public static final int MAX_CACHE_CAPACITY = 1 << 16;
    public static final int MAX_PENDING_TOTAL = 1 << 16;
    public static final int MAX_REQUESTS = 100;
    public static final int MAX_ANNOUNCEMENTS = 10;
    public static final int MAX_VLAN_ID = 4094;
    /** No timer may be longer than a day: ARP timers are seconds to minutes. */
    public static final long MAX_TIME_NANOS = Duration.ofDays(1).toNanos();

    private static final long SECOND = 1_000_000_000L;
    private static final ArpConfig DEFAULTS = new ArpConfig(
        512, 60 * SECOND, 5 * SECOND, SECOND, 3, SECOND, 8, 64, -1, 10 * SECOND, 2, 2 * SECOND);

    public ArpConfig
    {
        range("cacheCapacity", cacheCapacity, 1, MAX_CACHE_CAPACITY);
        time("reachableTime", reachableTimeNanos, 1);
        time("refreshWindow", refreshWindowNanos, 0);
        if (refreshWindowNanos >= reachableTimeNanos)
        {
            throw new IllegalArgumentException("refreshWindow (" + refreshWindowNanos + " ns) must be shorter than " +
                "reachableTime (" + reachableTimeNanos + " ns): an entry is refreshed when used within that window " +
                "before it expires. Shorten the refresh window first when you shorten the reachable time.");
        }
        time("retryInterval", retryIntervalNanos, 1);
        range("maxRequests", maxRequests, 1, MAX_REQUESTS);
        time("negativeCacheTime", negativeCacheNanos, 0);
        range("maxPendingPerDestination", maxPendingPerDestination, 1, MAX_PENDING_TOTAL);
        range("maxPendingTotal", maxPendingTotal, 1, MAX_PENDING_TOTAL);
        if (maxPendingPerDestination > maxPendingTotal)
        {
            throw new IllegalArgumentException("maxPendingPerDestination (" + maxPendingPerDestination +
                ") must not exceed maxPendingTotal (" + maxPendingTotal + "): set both with withPendingLimits");
        }
        if (vlanId != -1 && (vlanId < 0 || vlanId > MAX_VLAN_ID))
        {
            throw new IllegalArgumentException("vlanId " + vlanId + " must be -1 (untagged) or a VLAN identifier " +
                "from 0 to " + MAX_VLAN_ID + " (4095 is reserved, IEEE 802.1Q)");
        }
        time("defendInterval", defendIntervalNanos, 0);
        range("announcements", announcements, 0, MAX_ANNOUNCEMENTS);
        time("announceInterval", announceIntervalNanos, 1);
    }

    private static void range(final String name, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " " + value + " must be from " + min + " to " + max);
        }
    }

    private static void time(final String name, final long nanos, final long min)
    {
        if (nanos < min || nanos > MAX_TIME_NANOS)
        {
            throw new IllegalArgumentException(name + " " + nanos + " ns must be " +
                (min == 0 ? "zero or more" : "positive") + " and at most one day (" + MAX_TIME_NANOS + " ns)");
        }
    }

    private static long nanos(final String name, final Duration duration)
    {
        if (duration == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (duration.compareTo(Duration.ofNanos(MAX_TIME_NANOS)) > 0 || duration.isNegative())
        {
            throw new IllegalArgumentException(name + " " + duration + " must be from zero to one day");
        }
        return duration.toNanos();
    }

    /** 512 entries, 60 s reachable, 5 s refresh window, 3 requests 1 s apart, 1 s negative cache, 8/64 pending
     *  frames, untagged, RFC 5227 timers (2 announcements 2 s apart, 10 s defend interval). */
    public static ArpConfig defaults()
    {
        return DEFAULTS;
    }

    public ArpConfig withCacheCapacity(final int entries)
    {
        return new ArpConfig(entries, reachableTimeNanos, refreshWindowNanos, retryIntervalNanos, maxRequests,
            negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, vlanId, defendIntervalNanos,
            announcements, announceIntervalNanos);
    }

    public ArpConfig withReachableTime(final Duration time)
    {
        return new ArpConfig(cacheCapacity, nanos("reachableTime", time), refreshWindowNanos, retryIntervalNanos,
            maxRequests, negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, vlanId, defendIntervalNanos,
            announcements, announceIntervalNanos);
    }

    public ArpConfig withRefreshWindow(final Duration window)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, nanos("refreshWindow", window), retryIntervalNanos,
            maxRequests, negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, vlanId, defendIntervalNanos,
            announcements, announceIntervalNanos);
    }

    /** Resolution: {@code requests} broadcast requests, {@code interval} apart, before giving up. */
    public ArpConfig withRetries(final int requests, final Duration interval)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, refreshWindowNanos, nanos("retryInterval", interval),
            requests, negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, vlanId, defendIntervalNanos,
            announcements, announceIntervalNanos);
    }

    public ArpConfig withNegativeCacheTime(final Duration time)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, refreshWindowNanos, retryIntervalNanos, maxRequests,
            nanos("negativeCacheTime", time), maxPendingPerDestination, maxPendingTotal, vlanId, defendIntervalNanos,
            announcements, announceIntervalNanos);
    }

    public ArpConfig withPendingLimits(final int perDestination, final int total)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, refreshWindowNanos, retryIntervalNanos, maxRequests,
            negativeCacheNanos, perDestination, total, vlanId, defendIntervalNanos, announcements,
            announceIntervalNanos);
    }

    /** The VLAN of the frames ARP sends, or -1 for untagged. */
    public ArpConfig withVlanId(final int id)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, refreshWindowNanos, retryIntervalNanos, maxRequests,
            negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, id, defendIntervalNanos, announcements,
            announceIntervalNanos);
    }

    public ArpConfig withDefendInterval(final Duration interval)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, refreshWindowNanos, retryIntervalNanos, maxRequests,
            negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, vlanId, nanos("defendInterval", interval),
            announcements, announceIntervalNanos);
    }

    /** RFC 5227 §2.3: {@code count} announcements, {@code interval} apart, when an address comes up. */
    public ArpConfig withAnnouncements(final int count, final Duration interval)
    {
        return new ArpConfig(cacheCapacity, reachableTimeNanos, refreshWindowNanos, retryIntervalNanos, maxRequests,
            negativeCacheNanos, maxPendingPerDestination, maxPendingTotal, vlanId, defendIntervalNanos, count,
            nanos("announceInterval", interval));
    }
}
