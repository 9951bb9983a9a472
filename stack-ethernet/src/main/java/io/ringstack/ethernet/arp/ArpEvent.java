package io.ringstack.ethernet.arp;

/** What the ARP resolver counts besides drops ({@link io.ringstack.ethernet.wire.ArpDrop}). */
public enum ArpEvent
{
    /** Requests handed to {@link ArpResolver#onArp} (after the flyweight accepted them), for any target. */
    REQUESTS_RECEIVED,
    /** Replies handed to {@link ArpResolver#onArp}, for any target. */
    REPLIES_RECEIVED,
    /** Requests handed to the transmitter: broadcast resolution requests, retries, refreshes, explicit requests. */
    REQUESTS_SENT,
    /** The unicast refresh requests among {@link #REQUESTS_SENT}. */
    REFRESH_REQUESTS_SENT,
    /** Replies to requests for one of our addresses (probes included). */
    REPLIES_SENT,
    /** Gratuitous ARP announcements (RFC 5227 §2.3) sent for our addresses, defences included. */
    GRATUITOUS_SENT,
    /** Entries that went from INCOMPLETE to REACHABLE. */
    RESOLVED,
    /** Entries added because their owner asked for one of our addresses (RFC 826 "Packet Reception"). */
    LEARNED,
    /** Existing entries updated by a packet from their owner (RFC 826 merge). */
    MERGED,
    /** Merges that changed the cached hardware address. */
    HARDWARE_ADDRESS_CHANGED,
    /** Frames parked in a pending queue. */
    FRAMES_QUEUED,
    /** Parked frames transmitted when their next hop resolved. */
    FRAMES_RELEASED_ON_RESOLUTION,
    /** Parked frames released unsent: resolution gave up, the address became ours, or the resolver closed. */
    UNRESOLVED_DROPS,
    /** Resolutions that gave up after the last request went unanswered. */
    RESOLUTION_FAILURES,
    /** Enqueues refused because the per-destination or the global pending limit was reached. */
    QUEUE_LIMIT_REFUSALS,
    /** Enqueues refused because the next hop is negatively cached (FAILED). */
    NEGATIVE_CACHE_REFUSALS,
    /** Entries that could not be made because every slot holds a resolution in progress. */
    CACHE_FULL,
    /** Entries evicted, oldest first, to make room. */
    CACHE_EVICTIONS,
    /** Entries removed because their lifetime (or negative-cache time) ran out. */
    CACHE_EXPIRIES,
    /** Packets from another station claiming one of our addresses (RFC 5227 §2.4). */
    CONFLICTS,
    /** Announcements sent to defend an address (at most one per defend interval). */
    CONFLICT_DEFENCES,
    /** Frames ARP wanted to send but the pool had no buffer. */
    NO_BUFFER,
    /** Frames the transmitter refused (buffer released). */
    TRANSMIT_REFUSED
}
