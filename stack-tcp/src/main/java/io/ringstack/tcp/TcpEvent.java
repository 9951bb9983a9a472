package io.ringstack.tcp;

/** What TCP did, counted per layer (like the kernel's {@code netstat -s} TCP section). */
public enum TcpEvent
{
    SEGMENTS_RECEIVED,
    SEGMENTS_SENT,
    /** Segments carrying data or FIN sent, first transmissions and retransmissions. */
    DATA_SEGMENTS_SENT,
    /** Segments (re)sent that carried sequence space sent before. */
    SEGMENTS_RETRANSMITTED,
    RETRANSMISSION_TIMEOUTS,
    ZERO_WINDOW_PROBES,
    /** The SWS-avoidance override timer sent a segment smaller than the MSS (RFC 9293 §3.8.6.2.1). */
    SWS_OVERRIDE_SENDS,
    KEEPALIVE_PROBES,
    DELAYED_ACKS,
    PURE_ACKS_SENT,
    WINDOW_UPDATES,
    CHALLENGE_ACKS,
    RESETS_SENT,
    RESETS_RECEIVED,
    ACTIVE_OPENS,
    PASSIVE_OPENS,
    /** Connections that reached ESTABLISHED. */
    ESTABLISHED,
    /** Connections that closed in order (both FINs acknowledged). */
    CLOSED_IN_ORDER,
    /** Connections ended by a reset received. */
    RESET_BY_PEER,
    /** Connections given up after too many retransmissions or keepalive probes. */
    TIMED_OUT,
    /** Connections aborted by the application (or because it closed with unread data). */
    ABORTED,
    TIME_WAIT_EXPIRED,
    /** A SYN reopened a connection in TIME-WAIT (RFC 6191 / RFC 1122 §4.2.2.13). */
    TIME_WAIT_REUSED,
    SEGMENTS_QUEUED_OUT_OF_ORDER,
    /** No transmit buffer for a segment (the timers recover). */
    SEND_NO_BUFFER,
    /** The IP layer could not send a segment (no route, ring full; counted there by reason). */
    SEND_FAILED,
    /** A buffer was still on the transmit ring: its (re)transmission waited for the next duty cycle. */
    OUTPUT_DEFERRED,
    /** RTT samples taken (RFC 6298, RFC 7323 §4). */
    RTT_SAMPLES,
    ICMP_ERRORS_RECEIVED,
    /** An application callback threw: counted, the connection carries on ({@link TcpLayer#lastHandlerException}). */
    HANDLER_EXCEPTIONS,
    /** A challenge ACK was due but the layer's budget for the interval was spent (RFC 5961 §7). */
    CHALLENGE_ACKS_SUPPRESSED,
    /** A SYN found its listener's SYN queue full and was answered with a SYN cookie (RFC 4987 §3.6). */
    SYN_COOKIES_SENT,
    /** An ACK returned a valid SYN cookie: a connection was created from it. */
    SYN_COOKIES_ACCEPTED,
    /** {@code connect} was refused: the layer holds {@link TcpConfig#maxConnections()} connections. */
    CONNECT_REFUSED_LIMIT,
    /** A write or claim stopped at the connection's send buffer limit (bytes or buffers, {@link TcpConfig}). */
    SEND_BUFFER_FULL,
    /** ACKs sent with SACK blocks (RFC 2018 §4). */
    SACK_ACKS_SENT,
    /** ACKs received whose first SACK block reports data the peer got twice (D-SACK, RFC 2883 §4). */
    DSACKS_RECEIVED,
    /** ACKs sent with a D-SACK block reporting a segment received twice (RFC 2883 §4). */
    DSACKS_SENT,
    /** Loss recoveries entered on duplicate ACKs or SACK: fast retransmits (RFC 5681 §3.2, RFC 6675 §5). */
    FAST_RETRANSMITS,
    /** RFC 6675 NextSeg (4): rescue retransmissions. */
    RESCUE_RETRANSMISSIONS,
    /** The peer's cumulative ACK stopped at data it had SACKed (it reneged, RFC 2018 §8): the scoreboard cleared. */
    SACK_RENEGED,
    /** cwnd restarted after an idle period (RFC 5681 §4.1). */
    IDLE_RESTARTS
}
