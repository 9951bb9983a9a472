package io.ringstack.tcp;

/**
 * CUBIC (RFC 9438): after a loss the window grows as a cubic function of the time since the reduction, concave up
 * to the window where the loss happened (W_max), then convex beyond it, never slower than Reno would.
 * <pre>
 *   W_cubic(t) = C * (t - K)^3 + W_max                    (RFC 9438 §4.2, Figure 1; windows in segments)
 *   K = cbrt((W_max - cwnd_epoch) / C)                     (Figure 2; = cbrt(W_max (1 - beta) / C) after a loss)
 *   target = clamp(W_cubic(t + RTT), cwnd, 1.5 cwnd);   cwnd += (target - cwnd) / cwnd per segment acknowledged
 *   W_est += alpha * segments_acked / cwnd, alpha = 3 (1 - beta) / (1 + beta), 1 once W_est >= cwnd_prior (§4.3)
 *   W_cubic(t) < W_est: the Reno-friendly region, cwnd = W_est
 *
 *   on a loss (§4.6, §4.7): W_max = cwnd, or cwnd (1 + beta) / 2 when below the last W_max (fast convergence);
 *                           ssthresh = max(FlightSize * beta, 2 SMSS); cwnd = ssthresh
 *   on a timeout (§4.8):    ssthresh likewise; cwnd = 1 SMSS; the next epoch starts with K = 0, W_max = cwnd_epoch
 * </pre>
 * beta = 0.7, C = 0.4. t is measured from the start of the congestion avoidance stage (the first ACK at or above
 * ssthresh after a reduction); slow start below ssthresh is RFC 5681's. The window is kept in bytes as a double
 * so that increments below one byte per ACK are not lost.
 */
public final class Cubic implements CongestionControl
{
    /** RFC 9438 §4.1: C. */
    static final double C = 0.4;
    /** RFC 9438 §4.1: beta_cubic. */
    static final double BETA = 0.7;
    /** RFC 9438 §4.3: alpha_cubic = 3 (1 - beta) / (1 + beta). */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    private static final double MAX_WINDOW = 1 << 30;

    private int smss = TcpConnection.DEFAULT_MSS;
    private double cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    /** In segments. */
    private double wMax;
    /** cwnd before the last reduction, in segments. */
    private double cwndPrior;
    private boolean epochStarted;
    private long epochStartNanos;
    private double k;
    private double cwndEpoch;
    private double wEst;
    private boolean afterTimeout;

    @Override
    public int congestionWindow()
    {
        return (int)cwnd;
    }

    @Override
    public void congestionWindow(final int bytes)
    {
        cwnd = Math.max(smss, Math.min(MAX_WINDOW, bytes));
    }

    @Override
    public int slowStartThreshold()
    {
        return ssthresh;
    }

    @Override
    public void start(final int smss, final long nowNanos)
    {
        this.smss = smss;
        cwnd = CongestionControl.initialWindow(smss);
        ssthresh = Integer.MAX_VALUE;
        wMax = 0;
        cwndPrior = 0;
        epochStarted = false;
        afterTimeout = false;
    }

    @Override
    public void onAcknowledged(final int ackedBytes, final long srttNanos, final long nowNanos)
    {
        if (cwnd < ssthresh)
        {
            cwnd = Math.min(MAX_WINDOW, cwnd + Math.min(ackedBytes, smss)); // RFC 9438 §4.10: RFC 5681 slow start
            return;
        }
        double w = cwnd / smss;
        if (!epochStarted)
        {
            startEpoch(w, nowNanos);
        }
        final double segmentsAcked = (double)ackedBytes / smss;
        final double t = (nowNanos - epochStartNanos) / 1e9;
        final double rtt = srttNanos > 0 ? srttNanos / 1e9 : 0;
        // §4.3: Reno's window, estimated; alpha becomes 1 once it has reached the window before the reduction
        wEst += (wEst >= cwndPrior ? 1.0 : ALPHA) * segmentsAcked / w;
        if (windowAt(t) < wEst)
        {
            w = Math.max(w, wEst); // the Reno-friendly region
        }
        else
        {
            // §4.4, §4.5: concave and convex regions, towards W_cubic one RTT ahead
            final double target = Math.min(Math.max(windowAt(t + rtt), w), 1.5 * w);
            w += (target - w) / w * segmentsAcked;
        }
        cwnd = Math.min(MAX_WINDOW, w * smss);
    }

    /** The start of a congestion avoidance stage: cwnd_epoch, K and W_est (RFC 9438 §4.2, §4.3, §4.8). */
    private void startEpoch(final double w, final long nowNanos)
    {
        epochStarted = true;
        epochStartNanos = nowNanos;
        cwndEpoch = w;
        if (afterTimeout || wMax <= cwndEpoch)
        {
            wMax = cwndEpoch; // §4.8 after a timeout, or no loss yet: K = 0
            k = 0;
        }
        else
        {
            k = Math.cbrt((wMax - cwndEpoch) / C);
        }
        afterTimeout = false;
        wEst = cwndEpoch;
    }

    /** W_cubic(t) = C (t - K)^3 + W_max, in segments (RFC 9438 §4.2, Figure 1). */
    double windowAt(final double t)
    {
        final double d = t - k;
        return C * d * d * d + wMax;
    }

    @Override
    public void onCongestionEvent(final int flightSize, final long nowNanos)
    {
        final double w = cwnd / smss;
        // §4.7 fast convergence: a window that fell short of the last W_max releases bandwidth to new flows
        wMax = w < wMax ? w * (1 + BETA) / 2 : w;
        cwndPrior = w;
        // §4.6: multiplicative decrease
        ssthresh = Math.max((int)(flightSize * BETA), 2 * smss);
        cwnd = ssthresh;
        epochStarted = false;
        afterTimeout = false;
    }

    @Override
    public void onRetransmissionTimeout(final int flightSize, final boolean firstTimeout, final long nowNanos)
    {
        if (firstTimeout)
        {
            cwndPrior = cwnd / smss;
            ssthresh = Math.max((int)(flightSize * BETA), 2 * smss); // §4.8: ssthresh with beta_cubic
        }
        cwnd = smss;
        epochStarted = false;
        afterTimeout = true;
    }

    @Override
    public void onIdleRestart(final long nowNanos)
    {
        cwnd = Math.min(cwnd, CongestionControl.initialWindow(smss));
        epochStarted = false; // t must not count the idle time
    }

    /** K of the current epoch, in seconds. */
    double k()
    {
        return k;
    }

    /** W_max in segments. */
    double wMax()
    {
        return wMax;
    }

    /** W_est in segments. */
    double renoEstimate()
    {
        return wEst;
    }

    @Override
    public String toString()
    {
        return "Cubic[cwnd=" + (int)cwnd + ", ssthresh=" + ssthresh + ", W_max=" + wMax + ", K=" + k + "]";
    }
}
