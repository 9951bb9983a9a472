package io.ringstack.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CUBIC's window against RFC 9438's formulas: W_cubic(t) = C (t - K)^3 + W_max with K = cbrt(W_max (1 - beta) / C)
 * after a loss (§4.2), the per-ACK step towards W_cubic(t + RTT), the Reno-friendly region (§4.3), multiplicative
 * decrease (§4.6), fast convergence (§4.7) and timeouts (§4.8). ACKs are simulated one per segment, a window's worth
 * spread over each round trip, on virtual time.
 */
class CubicTest
{
    private static final int SMSS = 1000;
    private static final double C = 0.4;
    private static final double BETA = 0.7;

    private final Cubic cubic = new Cubic();
    private long now;

    /** Grows the window in slow start to {@code segments} and loses there with a full flight. */
    private void lossAt(final int segments)
    {
        cubic.congestionWindow(segments * SMSS);
        cubic.onCongestionEvent(segments * SMSS, now);
    }

    /** One round trip of ACKs: one per segment of the window, evenly spread; returns cwnd in segments after it. */
    private double roundTrip(final long rttNanos)
    {
        final int segments = cubic.congestionWindow() / SMSS;
        for (int i = 1; i <= segments; i++)
        {
            cubic.onAcknowledged(SMSS, rttNanos, now + rttNanos * i / segments);
        }
        now += rttNanos;
        return (double)cubic.congestionWindow() / SMSS;
    }

    private static double wCubic(final double t, final double k, final double wMax)
    {
        return C * Math.pow(t - k, 3) + wMax;
    }

    @Test
    void slowStartThenMultiplicativeDecreaseByBeta()
    {
        cubic.start(SMSS, now);
        assertEquals(10 * SMSS, cubic.congestionWindow(), "RFC 6928 IW");
        cubic.onAcknowledged(SMSS, -1, now);
        cubic.onAcknowledged(3 * SMSS, -1, now);
        assertEquals(12 * SMSS, cubic.congestionWindow(), "slow start: min(N, SMSS) per ACK");
        lossAt(100);
        assertEquals(70 * SMSS, cubic.slowStartThreshold(), "ssthresh = FlightSize * beta");
        assertEquals(70 * SMSS, cubic.congestionWindow());
        assertEquals(100, cubic.wMax(), 1e-9);
        // a tiny flight: at least 2 SMSS
        cubic.onCongestionEvent(SMSS, now);
        assertEquals(2 * SMSS, cubic.slowStartThreshold());
    }

    @Test
    void windowFollowsTheCubicFunctionThroughConcaveAndConvexRegions()
    {
        cubic.start(SMSS, now);
        lossAt(100);
        final long rtt = 100_000_000L;
        final double k = Math.cbrt(100 * (1 - BETA) / C);
        final long epoch = now;
        double previous = 70;
        double maxError = 0;
        for (int round = 0; round < 100; round++)
        {
            final double w = roundTrip(rtt);
            if (round == 0)
            {
                assertEquals(k, cubic.k(), 1e-9, "K = cbrt(W_max (1 - beta) / C)");
            }
            final double t = (now - epoch) / 1e9;
            // each ACK aims at W_cubic one RTT ahead of its own time: after a round trip cwnd lies between
            // W_cubic(t) and W_cubic(t + RTT) (or at W_est in the Reno-friendly region)
            final double low = Math.min(wCubic(t, k, 100), wCubic(t + rtt / 1e9, k, 100));
            // near W_max Reno's estimate, at one SMSS per RTT past cwnd_prior, may lead: then cwnd = W_est
            final double high = Math.max(Math.max(wCubic(t, k, 100), wCubic(t + rtt / 1e9, k, 100)),
                cubic.renoEstimate());
            maxError = Math.max(maxError, (low - w) / low);
            assertTrue(w >= 0.99 * low && w <= 1.01 * high, "round " + round + " t=" + t + " s: " + w + " not in [" +
                low + ", " + high + "]");
            assertTrue(w >= previous, "never shrinks without a loss");
            previous = w;
            if (Math.abs(t - k) < rtt / 1e9)
            {
                assertEquals(100, w, 3, "plateau at W_max around t = K");
            }
        }
        assertTrue(previous > 150, "convex region: beyond W_max, faster and faster: " + previous);
        System.out.printf("CUBIC W_max 100, RTT 100 ms: at most %.2f %% below W_cubic(t)%n",
            100 * Math.max(0, maxError));
    }

    @Test
    void oneAckStepsTowardsWCubicOneRoundTripAhead()
    {
        cubic.start(SMSS, now);
        lossAt(50);
        final long rtt = 50_000_000L;
        cubic.onAcknowledged(SMSS, rtt, now); // starts the epoch: cwnd_epoch = 35
        final double k = Math.cbrt(50 * (1 - BETA) / C);
        final double before = cubic.congestionWindow() / (double)SMSS;
        final long at = now + 1_000_000_000L;
        cubic.onAcknowledged(SMSS, rtt, at);
        final double target = Math.min(Math.max(wCubic(1.05, k, 50), before), 1.5 * before);
        final double expected = before + (target - before) / before;
        assertEquals(expected, cubic.congestionWindow() / (double)SMSS, 1.0 / SMSS,
            "cwnd += (target - cwnd) / cwnd with target = W_cubic(t + RTT)");
    }

    @Test
    void renoFriendlyRegionOnShortRoundTripsAndSmallWindows()
    {
        cubic.start(SMSS, now);
        lossAt(10);
        final long rtt = 10_000_000L;
        final double alpha = 3 * (1 - BETA) / (1 + BETA);
        final double k = Math.cbrt(10 * (1 - BETA) / C);
        final long epoch = now;
        // RFC 9438 §4.3 ACK by ACK: W_est += alpha * segments_acked / cwnd (alpha = 1 once W_est >= cwnd_prior),
        // and while W_cubic(t) < W_est, cwnd = W_est
        double wEst = 7;
        double cwnd = 7;
        for (int round = 0; round < 30; round++)
        {
            final int segments = cubic.congestionWindow() / SMSS;
            for (int i = 1; i <= segments; i++)
            {
                final long at = now + rtt * i / segments;
                cubic.onAcknowledged(SMSS, rtt, at);
                wEst += (wEst >= 10 ? 1 : alpha) / cwnd;
                assertTrue(wCubic((at - epoch) / 1e9, k, 10) < wEst, "the Reno-friendly region");
                cwnd = Math.max(cwnd, wEst);
                assertEquals(cwnd, cubic.congestionWindow() / (double)SMSS, 2.0 / SMSS, "cwnd = W_est");
            }
            now += rtt;
        }
        assertEquals(cubic.renoEstimate(), wEst, 1e-9);
        assertTrue(cwnd > 10 + (30 - 10 * (1 - alpha) / alpha) * 0.8, "about one SMSS per RTT past 10: " + cwnd);
    }

    @Test
    void fastConvergenceLowersWMaxWhenALossComesBelowIt()
    {
        cubic.start(SMSS, now);
        lossAt(100);
        lossAt(80);
        assertEquals(80 * (1 + BETA) / 2, cubic.wMax(), 1e-9, "W_max = cwnd (1 + beta) / 2");
        assertEquals(56 * SMSS, cubic.slowStartThreshold());
        lossAt(90);
        assertEquals(90, cubic.wMax(), 1e-9, "above the last W_max: W_max = cwnd");
    }

    @Test
    void timeoutRestartsFromOneSegmentAndTheNextEpochHasKZero()
    {
        cubic.start(SMSS, now);
        cubic.congestionWindow(40 * SMSS);
        cubic.onRetransmissionTimeout(40 * SMSS, true, now);
        assertEquals(SMSS, cubic.congestionWindow(), "the loss window");
        assertEquals(28 * SMSS, cubic.slowStartThreshold(), "ssthresh = FlightSize * beta");
        cubic.onRetransmissionTimeout(SMSS, false, now);
        assertEquals(28 * SMSS, cubic.slowStartThreshold(), "held on a repeated timeout");
        while (cubic.congestionWindow() < cubic.slowStartThreshold())
        {
            cubic.onAcknowledged(SMSS, 10_000_000L, now);
        }
        cubic.onAcknowledged(SMSS, 10_000_000L, now);
        assertEquals(0, cubic.k(), 1e-9, "RFC 9438 §4.8: K = 0");
        assertEquals(28, cubic.wMax(), 0.1, "W_max = cwnd at the start of the stage");
    }

    @Test
    void idleRestartCapsTheWindowAtIw()
    {
        cubic.start(SMSS, now);
        cubic.congestionWindow(50 * SMSS);
        cubic.onIdleRestart(now);
        assertEquals(10 * SMSS, cubic.congestionWindow());
        final NewReno reno = new NewReno();
        reno.start(SMSS, now);
        reno.congestionWindow(50 * SMSS);
        reno.onIdleRestart(now);
        assertEquals(10 * SMSS, reno.congestionWindow());
        reno.congestionWindow(3 * SMSS);
        reno.onIdleRestart(now);
        assertEquals(3 * SMSS, reno.congestionWindow(), "min(IW, cwnd)");
    }
}
