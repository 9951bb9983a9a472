package io.ringstack.ip.wire;

/** Why the ICMP layer dropped a message. */
public enum IcmpDrop
{
    /** Fewer than 8 bytes. */
    TRUNCATED,
    /** Checksum does not verify (RFC 792). */
    BAD_CHECKSUM,
    /** A type ringstack does not act on (timestamps, redirects, router advertisements, ...). */
    UNHANDLED_TYPE,
    /** An echo request to a broadcast or multicast address: not answered (RFC 1122 §3.2.2.6 allows silence). */
    BROADCAST_ECHO,
    /** An error message quoting less than an IP header and 8 bytes of the original (RFC 792). */
    BAD_QUOTED_HEADER
}
