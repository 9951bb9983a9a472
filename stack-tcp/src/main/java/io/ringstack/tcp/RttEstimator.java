package io.ringstack.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples (§2), RTO = SRTT + max(G, 4 RTTVAR)
 * clamped to [min, max] (§2.4, §2.5), doubled on each expiry (§5.5) and kept so until the next sample (Karn). With
 * timestamps there can be a sample per ACK; RFC 7323 Appendix G then scales the gains by the samples expected per
 * RTT so that SRTT and RTTVAR do not forget too fast.
 */
final class RttEstimator
{
    /** The clock granularity G: timestamps tick in milliseconds. */
    static final long GRANULARITY_NANOS = 1_000_000L;

    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto;

    RttEstimator(final long initialRto, final long minRto, final long maxRto)
    {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = initialRto;
    }

    /** RFC 6298 §2.2 and §2.3, with RFC 7323 Appendix G's gains for {@code expectedSamples} samples per RTT. */
    void sample(final long rtt, final int expectedSamples)
    {
        final long r = Math.max(0, rtt);
        if (srtt < 0)
        {
            srtt = r;
            rttvar = r / 2;
        }
        else
        {
            final long k = Math.max(1, expectedSamples);
            rttvar += (Math.abs(srtt - r) - rttvar) / (4 * k); // beta = 1/4
            srtt += (r - srtt) / (8 * k);                       // alpha = 1/8
        }
        rto = clamp(srtt + Math.max(GRANULARITY_NANOS, 4 * rttvar));
    }

    /** RFC 6298 (5.5): back off the timer. */
    void backOff()
    {
        rto = Math.min(maxRto, rto * 2);
    }

    /** RFC 6298 (5.7): after a SYN timed out, data starts with an RTO of 3 s unless a sample says otherwise. */
    void reinitialize(final long nanos)
    {
        if (srtt < 0)
        {
            rto = Math.min(maxRto, nanos);
        }
    }

    private long clamp(final long value)
    {
        return Math.min(maxRto, Math.max(minRto, value));
    }

    boolean hasSample()
    {
        return srtt >= 0;
    }

    long rto()
    {
        return rto;
    }

    long srtt()
    {
        return srtt;
    }

    long rttvar()
    {
        return rttvar;
    }
}
