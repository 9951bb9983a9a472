package io.ringstack.tcp;

/**
 * Chooses the initial send sequence number (ISS) of a connection (RFC 9293 §3.4.1). {@link TcpLayer}'s default is
 * {@link Rfc6528InitialSequenceNumbers}: the RFC's clock, a counter that moves every 4 microseconds, plus RFC 6528's
 * keyed hash of the 4-tuple. Tests plug in fixed values. Called on the stack thread.
 */
@FunctionalInterface
public interface InitialSequenceNumbers
{
    int initialSequenceNumber(int localAddress, int localPort, int remoteAddress, int remotePort, long nowNanos);

    /**
     * RFC 9293 §3.4.1: the low 32 bits of a clock ticking every 4 microseconds, plus {@code secret}: predictable
     * across 4-tuples (RFC 6528 §2), so not the default.
     */
    static InitialSequenceNumbers clock(final int secret)
    {
        return (localAddress, localPort, remoteAddress, remotePort, nowNanos) -> (int)(nowNanos / 4_000L) + secret;
    }
}
