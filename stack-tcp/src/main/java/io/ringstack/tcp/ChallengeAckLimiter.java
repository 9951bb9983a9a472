package io.ringstack.tcp;

import java.util.SplittableRandom;

/**
 * RFC 5961 §7 "ACK Throttling": at most a budget of challenge ACKs per interval for the whole layer, so that a
 * flood of forged RSTs, SYNs or ACKs cannot turn the stack into an ACK cannon. The RFC's example is 10 per 5
 * seconds and asks for both numbers to be tunable ({@link TcpConfig#challengeAckLimit()},
 * {@link TcpConfig#challengeAckIntervalNanos()}); the default follows Linux (tcp_challenge_ack_limit = 1000 per
 * second, 4.7 to 5.19).
 * <p>
 * A fixed budget shared by all connections is a side channel: an off-path attacker who exhausts it while probing
 * a guessed 4-tuple and sequence number learns from the challenge ACKs left for its own connection whether its
 * guess drew one (CVE-2016-5696, Cao et al., "Off-Path TCP Exploits", USENIX Security 2016). So, as Linux since
 * 4.7, each interval's budget is drawn uniformly from [⌈limit/2⌉, ⌈limit/2⌉ + limit): limit on average, never
 * the same count twice in a row that an attacker could subtract. A limit of {@link Integer#MAX_VALUE} turns
 * throttling off. Intervals are aligned to multiples of the interval on the stack's clock (Linux: jiffies / HZ).
 * Allocates nothing.
 */
final class ChallengeAckLimiter
{
    private final int limit;
    private final long intervalNanos;
    private final SplittableRandom random;
    private long interval = Long.MIN_VALUE;
    private int budget;

    ChallengeAckLimiter(final int limit, final long intervalNanos, final SplittableRandom random)
    {
        if (limit < 1 || intervalNanos <= 0)
        {
            throw new IllegalArgumentException("challenge ACK limit " + limit + " per " + intervalNanos +
                " ns: both must be positive");
        }
        this.limit = limit;
        this.intervalNanos = intervalNanos;
        this.random = random;
    }

    /** Whether a challenge ACK may go out at {@code nowNanos}; takes it from the interval's budget if so. */
    boolean tryAcquire(final long nowNanos)
    {
        if (limit == Integer.MAX_VALUE)
        {
            return true;
        }
        final long current = Math.floorDiv(nowNanos, intervalNanos);
        if (current != interval)
        {
            interval = current;
            final int half = (int)(((long)limit + 1) >> 1);
            budget = (int)Math.min(Integer.MAX_VALUE, (long)half + random.nextInt(limit));
        }
        if (budget > 0)
        {
            budget--;
            return true;
        }
        return false;
    }
}
