package io.ringstack.ip.icmp;

/**
 * A token bucket for the ICMP error messages we send (RFC 1122 §3.2.2: "a host SHOULD limit the rate"; RFC 1812
 * §4.3.2.8 describes a token bucket). Tokens refill at {@code ratePerSecond}, up to {@code burst}.
 */
public final class IcmpErrorRateLimiter
{
    private final long nanosPerToken;
    private final long burstNanos;
    private long bucketNanos;
    private long lastNanos;
    private boolean started;

    public IcmpErrorRateLimiter(final int ratePerSecond, final int burst)
    {
        if (ratePerSecond <= 0 || burst <= 0)
        {
            throw new IllegalArgumentException("ICMP error rate " + ratePerSecond + "/s and burst " + burst +
                " must both be positive (disable errors with another switch, not a zero rate)");
        }
        nanosPerToken = 1_000_000_000L / ratePerSecond;
        burstNanos = nanosPerToken * burst;
    }

    /** Takes a token if one is there; false means this error must not be sent now. */
    public boolean tryAcquire(final long nowNanos)
    {
        if (!started)
        {
            started = true;
            lastNanos = nowNanos;
            bucketNanos = burstNanos;
        }
        final long elapsed = nowNanos - lastNanos;
        lastNanos = nowNanos;
        if (elapsed > 0)
        {
            bucketNanos = Math.min(burstNanos, bucketNanos + elapsed);
        }
        if (bucketNanos >= nanosPerToken)
        {
            bucketNanos -= nanosPerToken;
            return true;
        }
        return false;
    }
}
