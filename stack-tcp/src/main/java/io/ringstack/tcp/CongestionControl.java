package io.ringstack.tcp;

/**
 * A connection's congestion window (cwnd) and slow start threshold (ssthresh) of RFC 5681 §3.1, and the rules that
 * move them: how the window opens as data is acknowledged, and how far it closes on a loss. Loss recovery (which
 * segments to resend: {@link LossRecovery}) is apart; it reports the losses here and, for NewReno's fast recovery
 * (RFC 6582), inflates and deflates the window through {@link #congestionWindow(int)}.
 * <p>
 * One instance per connection, used on the stack thread only; no method may allocate. The algorithms are chosen
 * in {@link TcpConfig#congestionControl()}: {@link NewReno} (RFC 5681) and {@link Cubic} (RFC 9438, the default).
 */
public interface CongestionControl
{
    /**
     * RFC 6928 §2: the initial window, IW = min(10 * MSS, max(2 * MSS, 14600)) bytes.
     */
    static int initialWindow(final int smss)
    {
        return Math.min(10 * smss, Math.max(2 * smss, 14_600));
    }

    /** cwnd in bytes. */
    int congestionWindow();

    /** Sets cwnd (fast recovery's inflation and deflation, RFC 6582 §3.2). */
    void congestionWindow(int bytes);

    /** ssthresh in bytes ({@link Integer#MAX_VALUE} until the first loss: "arbitrarily high", RFC 5681 §3.1). */
    int slowStartThreshold();

    /** The connection is established: cwnd = IW (RFC 6928), ssthresh arbitrarily high. */
    void start(int smss, long nowNanos);

    /**
     * New data was acknowledged outside loss recovery while the sender was using its window (RFC 7661 §4.3: an
     * application-limited sender does not grow it): open the window.
     *
     * @param srttNanos the smoothed round-trip time, or -1 before the first sample
     */
    void onAcknowledged(int ackedBytes, long srttNanos, long nowNanos);

    /**
     * Duplicate ACKs or SACK show a loss (RFC 5681 §3.2 (2), RFC 6675 §5 (4.2)): set ssthresh and cwnd to the
     * reduced window. Called once per recovery.
     */
    void onCongestionEvent(int flightSize, long nowNanos);

    /**
     * The retransmission timer expired (RFC 5681 §3.1 (4)): ssthresh from the flight size the first time (held on
     * further timeouts of the same data), cwnd = the loss window, 1 SMSS.
     */
    void onRetransmissionTimeout(int flightSize, boolean firstTimeout, long nowNanos);

    /** RFC 5681 §4.1: nothing was sent for an RTO: restart from cwnd = min(IW, cwnd). */
    void onIdleRestart(long nowNanos);
}
