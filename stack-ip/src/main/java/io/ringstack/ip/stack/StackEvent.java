package io.ringstack.ip.stack;

/**
 * What the stack did, counted (the drops are counted by reason per layer). Every received frame ends in exactly
 * one of: a drop reason of some layer, {@link #ARP_PROCESSED}, {@link #FRAGMENT_HELD}, {@link #ICMP_PROCESSED},
 * {@link #UDP_QUEUED} or {@link #PROTOCOL_HANDLED}. ({@link #PORT_UNREACHABLE} and {@link #PROTOCOL_UNREACHABLE}
 * come with the drop reasons NO_SOCKET and UNKNOWN_PROTOCOL; datagram-level reassembly drops such as
 * REASSEMBLY_TIMEOUT concern fragments counted as held when they arrived.)
 */
public enum StackEvent
{
    FRAMES_RECEIVED,
    ARP_PROCESSED,
    IPV4_RECEIVED,
    FRAGMENTS_RECEIVED,
    FRAGMENT_HELD,
    DATAGRAMS_REASSEMBLED,
    ICMP_PROCESSED,
    UDP_QUEUED,
    PROTOCOL_HANDLED,
    PORT_UNREACHABLE,
    PROTOCOL_UNREACHABLE,
    ECHO_REQUESTS_RECEIVED,
    ECHO_REPLIES_SENT,
    ECHO_REQUESTS_SENT,
    ECHO_REPLIES_RECEIVED,
    ICMP_ERRORS_RECEIVED,
    ICMP_ERRORS_SENT,
    /** An ICMP error RFC 1122 §3.2.2 forbids: about an ICMP error, a non-initial fragment, a broadcast or multicast. */
    ICMP_ERRORS_SUPPRESSED,
    /** An ICMP error not sent because of the rate limit (RFC 1122 §3.2.2). */
    ICMP_ERRORS_RATE_LIMITED,
    PATH_MTU_REPORTS,
    IPV4_SENT,
    FRAGMENTS_SENT,
    FRAMES_SENT,
    TX_RING_FULL,
    TX_NO_BUFFER
}
