package io.ringstack.tcp;

/**
 * Chooses the initial send sequence number (ISS) of a connection (RFC 9293 §3.4.1). The default is the RFC's
 * clock, a counter that moves every 4 microseconds, plus a secret offset; issue 7 plugs in RFC 6528's keyed hash
 * of the 4-tuple. Called on the stack thread.
 */
@FunctionalInterface
public interface InitialSequenceNumbers
{
    int initialSequenceNumber(int localAddress, int localPort, int remoteAddress, int remotePort, long nowNanos);

    /** RFC 9293 §3.4.1: the low 32 bits of a clock ticking every 4 microseconds, plus {@code secret}. */
    static InitialSequenceNumbers clock(final int secret)
    {
        return (localAddress, localPort, remoteAddress, remotePort, nowNanos) -> (int)(nowNanos / 4_000L) + secret;
    }
}
