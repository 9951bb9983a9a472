/**
 * TCP (RFC 9293 with RFC 7323, RFC 6298, RFC 5681, RFC 5961, RFC 1122; RFC 2018, RFC 6675, RFC 6582, RFC 9438),
 * issues 6 and 7.
 * <p>
 * {@link io.ringstack.tcp.TcpLayer} registers as IPv4 protocol 6 of an {@code Ipv4Stack}, demultiplexes segments by
 * 4-tuple (a primitive-keyed table, nothing allocated per lookup) to {@link io.ringstack.tcp.TcpConnection}s or by
 * port to {@link io.ringstack.tcp.TcpListener}s, and runs every connection's timers (retransmission, persist,
 * delayed ACK, keepalive, TIME-WAIT, FIN-WAIT-2) on one Agrona {@code DeadlineTimerWheel} polled in the stack's
 * duty cycle ({@code Ipv4ProtocolHandler.poll}).
 * <pre>
 *  Ipv4Stack.doWork ─ receive ─▶ TcpLayer.onDatagram ─ TcpHeader.wrap, checksum, TcpOptions.parse
 *                                  ├─▶ connection table (4-tuple) ─▶ TcpConnection.onSegment (RFC 9293 §3.10.7)
 *                                  │        text ─▶ ReceiveQueue / OutOfOrderQueue (the RX buffers themselves)
 *                                  │                 ─▶ application: read(TcpSlice) ... TcpSlice.release()
 *                                  ├─▶ listener (port) ─▶ LISTEN processing (SYN queue, accept queue)
 *                                  └─▶ closed port ─▶ RST (§3.10.7.1)
 *                 ─ poll ───────▶ TcpLayer.poll: timer wheel, deferred output
 *  application: write (copy) | claim/commit (zero copy) ─▶ SendQueue (TX buffers kept until acknowledged)
 *                 ─▶ headers written in front of the same bytes for every (re)transmission ─▶ Ipv4Output.sendIpv4
 * </pre>
 * Buffer ownership: a received segment's RX buffer stays with its connection (holder STACK) until its data is
 * read through a {@link io.ringstack.tcp.TcpSlice} (APPLICATION) and released, or copied out by
 * {@code read(MutableDirectBuffer, ...)}; what the application holds shrinks the advertised window. A TX buffer
 * holds one segment's payload from {@code write}/{@code commit} until acknowledged (RETRANSMIT); each transmission
 * retains it once more for the TX ring, and a buffer still on the ring is not re-sent until the ring lets go.
 * <p>
 * The wire formats are in {@link io.ringstack.tcp.wire}: {@code TcpHeader}, {@code TcpOptions},
 * {@code SequenceNumber}, {@code TcpDrop}.
 * <p>
 * Loss recovery and congestion control (issue 7): SACK blocks from the {@code OutOfOrderQueue} (RFC 2018), the
 * peer's blocks kept by {@code SackScoreboard} over the {@code SendQueue}, {@code LossRecovery} (RFC 6675 with SACK;
 * RFC 5681 §3.2 fast retransmit, RFC 6582 NewReno and RFC 3042 limited transmit without), and the window from a
 * {@link io.ringstack.tcp.CongestionControl}: {@link io.ringstack.tcp.Cubic} (RFC 9438, the default) or
 * {@link io.ringstack.tcp.NewReno}. Not here yet (issue 7): RFC 6528 ISNs, challenge-ACK rate limits, SYN cookies.
 * <p>
 * The layering rule: this module depends only on the modules below it; see docs/ARCHITECTURE.md.
 */
package io.ringstack.tcp;
