package io.ringstack.tcp;

/** Why a connection ended other than by the orderly exchange of FINs. */
public enum TcpCloseReason
{
    /** The peer reset an established connection (RFC 9293 §3.10.7.4 "second"). */
    RESET,
    /** The peer answered our SYN with a reset: nobody listens there (RFC 9293 §3.10.7.3). */
    REFUSED,
    /** Retransmissions went unanswered (RFC 1122 §4.2.3.5, R2). */
    TIMEOUT,
    /** Keepalive probes went unanswered (RFC 1122 §4.2.3.6). */
    KEEPALIVE_TIMEOUT,
    /** An ICMP destination unreachable (protocol or port) answered our SYN (RFC 1122 §4.2.3.9). */
    UNREACHABLE,
    /** The application aborted (or closed with data unread, RFC 1122 §4.2.2.13), or the layer closed. */
    ABORTED
}
