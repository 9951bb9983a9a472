package io.ringstack.tcp;

/**
 * RFC 5681's congestion control, the window of NewReno (RFC 6582): slow start below ssthresh (cwnd += min(N, SMSS)
 * per ACK), congestion avoidance above it (cwnd += SMSS * SMSS / cwnd per ACK, about one SMSS per round trip), and
 * ssthresh = max(FlightSize / 2, 2 * SMSS) on a loss.
 */
public final class NewReno implements CongestionControl
{
    private static final int MAX_WINDOW = 1 << 30;

    private int smss = TcpConnection.DEFAULT_MSS;
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;

    @Override
    public int congestionWindow()
    {
        return cwnd;
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
    }

    @Override
    public void onAcknowledged(final int ackedBytes, final long srttNanos, final long nowNanos)
    {
        if (cwnd < ssthresh)
        {
            cwnd += Math.min(ackedBytes, smss); // RFC 5681 (2)
        }
        else
        {
            cwnd += Math.max(1, (int)((long)smss * smss / cwnd)); // RFC 5681 (3)
        }
        cwnd = Math.min(cwnd, MAX_WINDOW);
    }

    @Override
    public void onCongestionEvent(final int flightSize, final long nowNanos)
    {
        ssthresh = Math.max(flightSize / 2, 2 * smss); // RFC 5681 (4)
        cwnd = ssthresh;
    }

    @Override
    public void onRetransmissionTimeout(final int flightSize, final boolean firstTimeout, final long nowNanos)
    {
        if (firstTimeout)
        {
            ssthresh = Math.max(flightSize / 2, 2 * smss); // RFC 5681 (4)
        }
        cwnd = smss; // the loss window
    }

    @Override
    public void onIdleRestart(final long nowNanos)
    {
        cwnd = Math.min(cwnd, CongestionControl.initialWindow(smss));
    }

    @Override
    public String toString()
    {
        return "NewReno[cwnd=" + cwnd + ", ssthresh=" + ssthresh + "]";
    }
}
