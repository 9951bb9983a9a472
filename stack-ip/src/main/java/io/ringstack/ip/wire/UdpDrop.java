package io.ringstack.ip.wire;

/** Why the UDP layer dropped a datagram. */
public enum UdpDrop
{
    /** Fewer than 8 bytes. */
    TRUNCATED,
    /** Length field below 8 or beyond the IP payload (RFC 768). */
    BAD_LENGTH,
    /** A non-zero checksum that does not verify (RFC 768, RFC 1122 §4.1.3.4). */
    BAD_CHECKSUM,
    /** No socket bound to the destination port; answered with port unreachable when unicast (RFC 1122 §4.1.3.1). */
    NO_SOCKET,
    /** The socket's receive queue is full. */
    SOCKET_QUEUE_FULL,
    /** Addressed to a broadcast or multicast group and nobody bound: no ICMP error for those (RFC 1122 §3.2.2). */
    NO_SOCKET_BROADCAST
}
