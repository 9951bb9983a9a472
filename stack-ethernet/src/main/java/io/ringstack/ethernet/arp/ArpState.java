package io.ringstack.ethernet.arp;

/**
 * The state of an ARP cache entry. RFC 826 leaves timeouts and states to the implementation ("Related issue");
 * the names follow the neighbour states of RFC 4861 §7.3.2, which describe the same life cycle, plus the
 * negative cache of RFC 1122 §2.3.2.1.
 */
public enum ArpState
{
    /** A broadcast request is outstanding; frames for the address wait in its pending queue. */
    INCOMPLETE,
    /** The hardware address is known and was confirmed less than the reachable time ago. */
    REACHABLE,
    /**
     * Still usable, but it was used inside the refresh window before its expiry, so one unicast request was sent
     * to confirm it; a reply makes it REACHABLE again, silence lets it expire.
     */
    PROBE,
    /** Resolution gave up after the last request went unanswered: lookups and enqueues fail fast until it ages out. */
    FAILED
}
