package io.ringstack.ip.wire;

/** Why {@link TcpHeader#wrap} refused a TCP header (the TCP layer counts these among its own drop reasons). */
public enum TcpHeaderDrop
{
    /** Fewer than the 20 bytes of the fixed header in the segment, or in the capture. */
    TRUNCATED,
    /** Data offset below 5 words, or a header longer than the segment (RFC 9293 §3.1). */
    BAD_DATA_OFFSET
}
