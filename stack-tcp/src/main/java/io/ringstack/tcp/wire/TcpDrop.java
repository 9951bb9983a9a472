package io.ringstack.tcp.wire;

/**
 * Why a received TCP segment was dropped (or only partly processed), counted per reason. The RFC 9293 section
 * that says to drop it is named on each reason.
 */
public enum TcpDrop
{
    /** Fewer than 20 bytes: no fixed header (RFC 9293 §3.1). */
    TRUNCATED,
    /** Data offset below 5 words or beyond the segment (RFC 9293 §3.1). */
    BAD_DATA_OFFSET,
    /** The checksum over pseudo-header, header and data fails (RFC 9293 §3.1, RFC 1122 §4.2.2.7). */
    BAD_CHECKSUM,
    /** An option's length is below 2 or runs past the header (RFC 9293 §3.1: handle illegal lengths safely). */
    BAD_OPTION_LENGTH,
    /** Source or destination port 0. */
    BAD_PORT,
    /** Sent to a broadcast or multicast address (RFC 1122 §4.2.3.10). */
    BROADCAST,
    /** No connection and no listener: answered with a reset (RFC 9293 §3.10.7.1). */
    CLOSED_PORT,
    /** A reset for a port with no connection is ignored (RFC 9293 §3.10.7.1). */
    CLOSED_PORT_RESET,
    /** LISTEN: a reset is ignored (RFC 9293 §3.10.7.2). */
    LISTEN_RESET,
    /** LISTEN: an ACK is answered with a reset (RFC 9293 §3.10.7.2). */
    LISTEN_ACK,
    /** LISTEN: neither SYN, ACK nor RST (RFC 9293 §3.10.7.2 "fourth other text or control"). */
    LISTEN_NO_SYN,
    /** LISTEN: the accept queue is full, or the SYN queue is and SYN cookies are off (RFC 4987 §3.6). */
    SYN_QUEUE_FULL,
    /** SYN-RECEIVED: the handshake completed but the listener's accept queue is full (the ACK is ignored). */
    ACCEPT_QUEUE_FULL,
    /** SYN-SENT: the ACK does not acknowledge our SYN; a reset is sent (RFC 9293 §3.10.7.3). */
    SYN_SENT_BAD_ACK,
    /** SYN-SENT: a reset without an acceptable ACK (RFC 9293 §3.10.7.3). */
    SYN_SENT_BAD_RESET,
    /** SYN-SENT: neither SYN nor RST (RFC 9293 §3.10.7.3 "fifth"). */
    SYN_SENT_NO_SYN,
    /** Text carried on a SYN: not queued (the peer retransmits what we do not acknowledge). */
    SYN_DATA_IGNORED,
    /** PAWS: a timestamp older than TS.Recent (RFC 7323 §5.3 R1); answered with an ACK. */
    PAWS,
    /** Timestamps were negotiated but a non-RST segment carries none (RFC 7323 §3.2). */
    MISSING_TIMESTAMP,
    /** Fails the acceptability test (RFC 9293 §3.10.7.4 "first"); answered with an ACK. */
    OUT_OF_WINDOW,
    /** A reset outside the receive window (RFC 9293 §3.10.7.4 "second", RFC 5961 §3.2). */
    RESET_OUT_OF_WINDOW,
    /** A reset in the window but not at RCV.NXT: answered with a challenge ACK (RFC 5961 §3.2). */
    RESET_CHALLENGED,
    /** A SYN in a synchronized state: answered with a challenge ACK (RFC 9293 §3.10.7.4 "fourth", RFC 5961 §4). */
    SYN_CHALLENGED,
    /** No ACK bit in a synchronized state (RFC 9293 §3.10.7.4 "fifth"). */
    NO_ACK,
    /** An ACK of data never sent or too old (RFC 9293 §3.10.7.4, RFC 5961 §5); answered with an ACK. */
    ACK_UNACCEPTABLE,
    /** SYN-RECEIVED: the ACK does not acknowledge our SYN; a reset is sent (RFC 9293 §3.10.7.4). */
    SYN_RECEIVED_BAD_ACK,
    /** Text after the peer's FIN (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT) is ignored (RFC 9293 §3.10.7.4). */
    TEXT_AFTER_FIN,
    /** Text for a connection the application has closed: data is lost, a reset is sent (RFC 1122 §4.2.2.13). */
    DATA_AFTER_CLOSE,
    /** The out-of-order queue is full (segments or bytes). */
    OUT_OF_ORDER_FULL,
    /** The connection already holds its limit of receive buffers. */
    RECEIVE_BUFFERS_FULL,
    /** Entirely duplicate data (already received or already queued out of order). */
    DUPLICATE_DATA,
    /**
     * LISTEN: an ACK while SYN cookies are in use that returns no valid cookie (forged, or older than two
     * minutes); answered with a reset like any ACK in LISTEN (RFC 9293 §3.10.7.2, RFC 4987 §3.6).
     */
    SYN_COOKIE_INVALID,
    /** LISTEN: the layer holds its limit of connections (TcpConfig.maxConnections); the SYN or cookie is dropped. */
    CONNECTION_LIMIT,
    /** The out-of-order queues of all connections hold their share of the pool (TcpConfig.outOfOrderPoolPercent). */
    OUT_OF_ORDER_MEMORY_FULL
}
