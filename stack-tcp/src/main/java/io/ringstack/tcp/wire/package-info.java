/**
 * TCP wire formats, parsed in place (the segment header's flyweight, {@code io.ringstack.ip.wire.TcpHeader}, is
 * stack-ip's, shared with the decode tool): the option parser and writers {@link io.ringstack.tcp.wire.TcpOptions}, modulo-2^32 comparisons
 * {@link io.ringstack.tcp.wire.SequenceNumber}, and the reasons a segment is dropped,
 * {@link io.ringstack.tcp.wire.TcpDrop}. Nothing here allocates or throws on bad input.
 */
package io.ringstack.tcp.wire;
