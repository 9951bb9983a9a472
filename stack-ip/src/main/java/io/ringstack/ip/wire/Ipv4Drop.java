package io.ringstack.ip.wire;

/** Why the IPv4 layer dropped a datagram or fragment. */
public enum Ipv4Drop
{
    /** Fewer than 20 bytes, or fewer than the header length says. */
    TRUNCATED,
    /** Version field other than 4. */
    BAD_VERSION,
    /** IHL below 5 (20 bytes). */
    BAD_HEADER_LENGTH,
    /** Total length below the header length, or beyond the bytes the frame carries. */
    BAD_TOTAL_LENGTH,
    /** Header checksum does not verify (RFC 791 §3.1, RFC 1122 §3.2.1.2). */
    BAD_CHECKSUM,
    /** An option whose length runs past the header or is below 2 (RFC 791 §3.1, RFC 1122 §3.2.1.8). */
    BAD_OPTIONS,
    /** Source is a multicast, limited-broadcast or class E address (RFC 1122 §3.2.1.3). */
    BAD_SOURCE,
    /** Destination is none of our addresses nor a broadcast we accept (a host does not forward, RFC 1122 §3.3.1). */
    NOT_FOR_US,
    /** Protocol with no handler; answered with protocol unreachable when unicast (RFC 1122 §3.2.2.1). */
    UNKNOWN_PROTOCOL,
    /** A fragment's end beyond 65,535 bytes (RFC 791 §3.2: the "ping of death"). */
    FRAGMENT_TOO_LONG,
    /** A fragment other than the last whose payload is not a multiple of 8 bytes (RFC 791 §3.1). */
    FRAGMENT_MISALIGNED,
    /** A fragment overlapping bytes already received: the whole datagram is dropped (RFC 5722's rule, for IPv4). */
    REASSEMBLY_OVERLAP,
    /** Fragments disagreeing on the datagram's end (two last fragments, data past a last fragment). */
    REASSEMBLY_INCONSISTENT,
    /** A datagram not completed within the reassembly timeout (RFC 791 §3.2, RFC 1122 §3.3.2). */
    REASSEMBLY_TIMEOUT,
    /** Reassembly memory for this source, or in all, is exhausted. */
    REASSEMBLY_MEMORY,
    /** No buffer to build a reply or a reassembled datagram in. */
    NO_BUFFER,
    /** A datagram to send larger than the MTU with DF set. */
    NEEDS_FRAGMENTATION,
    /** No route to the destination. */
    NO_ROUTE,
    /** The next hop's MAC did not resolve, or the ARP queue was full. */
    UNRESOLVED,
    /** A fragment with the offset, length and MF flag of one already held (a duplicated frame): dropped alone. */
    FRAGMENT_DUPLICATE,
    /** A fragment that carries no data (RFC 791 §3.2 never makes one): dropped alone. */
    FRAGMENT_EMPTY,
    /** A datagram cut into more fragments than the reassembly limit allows: the whole datagram is dropped. */
    REASSEMBLY_TOO_MANY_FRAGMENTS,
    /** A fragment of a datagram already dropped (overlap, inconsistency): rejected until the reassembly timeout. */
    REASSEMBLY_DISCARDED
}
