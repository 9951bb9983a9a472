package io.ringstack.tcp;

/**
 * The settings of one {@link TcpLayer}; {@link #defaults()} follows the RFCs' recommendations.
 *
 * @param receiveBufferBytes RCV.BUFF: payload bytes held for the application (queued, lent, out of order) that
 *                           the advertised window may promise
 * @param maxReceiveBuffers RX buffers one connection may hold (each segment keeps the buffer it arrived in)
 * @param sendBufferBytes bytes queued for sending or awaiting acknowledgment
 * @param maxSendBuffers TX buffers one connection may hold
 * @param maxOutOfOrderSegments segments the out-of-order queue holds
 * @param windowScaling offer window scaling (RFC 7323 §2)
 * @param timestamps offer timestamps (RFC 7323 §3)
 * @param sackPermitted offer SACK-Permitted (RFC 2018) and, when the peer agrees, recover losses with SACK
 *                      (RFC 6675); without it NewReno's fast recovery (RFC 6582)
 * @param initialRtoNanos RTO before the first RTT sample (RFC 6298 (2.1): 1 s)
 * @param minRtoNanos lower bound of the RTO (RFC 6298 (2.4): 1 s; Linux uses 200 ms)
 * @param maxRtoNanos upper bound of the RTO and of the persist interval (RFC 6298 (2.5): at least 60 s)
 * @param delayedAckNanos longest an ACK is delayed (RFC 9293 §3.8.6.3: under 0.5 s)
 * @param mslNanos Maximum Segment Lifetime; TIME-WAIT lasts 2 MSL (RFC 9293 §3.4.2)
 * @param finWait2TimeoutNanos how long a connection the application closed waits in FIN-WAIT-2 for the peer's FIN
 * @param maxRetransmissions retransmissions of one segment before the connection is given up (RFC 1122 §4.2.3.5 R2)
 * @param maxSynRetransmissions retransmissions of a SYN or SYN-ACK before giving up (R2 for SYN: at least 3 minutes)
 * @param keepaliveIdleNanos idle time before the first keepalive probe (RFC 1122 §4.2.3.6: 2 hours by default)
 * @param keepaliveIntervalNanos time between unanswered keepalive probes
 * @param keepaliveProbes unanswered probes before the connection is given up
 * @param noDelay disable Nagle's algorithm for new connections (RFC 9293 §3.7.4)
 * @param synBacklog connections in SYN-RECEIVED one listener may hold
 * @param congestionControl the congestion control of new connections (RFC 9438 CUBIC by default)
 */
public record TcpConfig(
    int receiveBufferBytes,
    int maxReceiveBuffers,
    int sendBufferBytes,
    int maxSendBuffers,
    int maxOutOfOrderSegments,
    boolean windowScaling,
    boolean timestamps,
    boolean sackPermitted,
    long initialRtoNanos,
    long minRtoNanos,
    long maxRtoNanos,
    long delayedAckNanos,
    long mslNanos,
    long finWait2TimeoutNanos,
    int maxRetransmissions,
    int maxSynRetransmissions,
    long keepaliveIdleNanos,
    long keepaliveIntervalNanos,
    int keepaliveProbes,
    boolean noDelay,
    int synBacklog,
    CongestionAlgorithm congestionControl)
{
    private static final long MILLIS = 1_000_000L;
    private static final long SECONDS = 1_000_000_000L;

    public TcpConfig
    {
        if (receiveBufferBytes < 1 || maxReceiveBuffers < 1 || sendBufferBytes < 1 || maxSendBuffers < 1)
        {
            throw new IllegalArgumentException("receive and send buffers (bytes and buffer counts) must be positive");
        }
        if (receiveBufferBytes > (65_535 << 14))
        {
            throw new IllegalArgumentException("receive buffer of " + receiveBufferBytes +
                " B exceeds the largest window, 65535 << 14 (RFC 7323 §2.3)");
        }
        if (maxOutOfOrderSegments < 0 || synBacklog < 1)
        {
            throw new IllegalArgumentException("out-of-order queue must be >= 0 and the SYN backlog >= 1");
        }
        if (initialRtoNanos <= 0 || minRtoNanos <= 0 || maxRtoNanos < minRtoNanos || initialRtoNanos > maxRtoNanos)
        {
            throw new IllegalArgumentException("RTO bounds must satisfy 0 < min <= max and 0 < initial <= max");
        }
        if (delayedAckNanos < 0 || delayedAckNanos >= 500 * MILLIS)
        {
            throw new IllegalArgumentException("delayed ACK of " + delayedAckNanos +
                " ns: RFC 9293 §3.8.6.3 requires less than 0.5 s (0 disables delaying)");
        }
        if (mslNanos < 0 || finWait2TimeoutNanos <= 0)
        {
            throw new IllegalArgumentException("MSL must be >= 0 and the FIN-WAIT-2 timeout positive");
        }
        if (maxRetransmissions < 1 || maxSynRetransmissions < 1)
        {
            throw new IllegalArgumentException("retransmission limits must be at least 1");
        }
        if (keepaliveIdleNanos <= 0 || keepaliveIntervalNanos <= 0 || keepaliveProbes < 1)
        {
            throw new IllegalArgumentException("keepalive idle time, interval and probe count must be positive");
        }
        if (congestionControl == null)
        {
            throw new IllegalArgumentException("choose a congestion control: CongestionAlgorithm.CUBIC or NEW_RENO");
        }
    }

    /**
     * RFC defaults: RTO 1 s initial and minimum, 60 s maximum (RFC 6298); delayed ACK 40 ms; MSL 30 s (TIME-WAIT
     * 60 s, as Linux); keepalive after 2 h idle, 9 probes 75 s apart (RFC 1122 §4.2.3.6); 256 KiB windows with
     * scaling, timestamps and SACK-Permitted offered; CUBIC.
     */
    public static TcpConfig defaults()
    {
        return new TcpConfig(256 * 1024, 256, 256 * 1024, 256, 64, true, true, true,
            SECONDS, SECONDS, 60 * SECONDS, 40 * MILLIS, 30 * SECONDS, 60 * SECONDS, 15, 6,
            2 * 3600 * SECONDS, 75 * SECONDS, 9, false, 128, CongestionAlgorithm.CUBIC);
    }

    /** TIME-WAIT's length: 2 MSL. */
    public long timeWaitNanos()
    {
        return 2 * mslNanos;
    }

    public TcpConfig withReceiveBuffer(final int bytes, final int buffers)
    {
        return new TcpConfig(bytes, buffers, sendBufferBytes, maxSendBuffers, maxOutOfOrderSegments, windowScaling,
            timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos,
            finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos, keepaliveIntervalNanos,
            keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withSendBuffer(final int bytes, final int buffers)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, bytes, buffers, maxOutOfOrderSegments,
            windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos,
            mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos,
            keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withOutOfOrderSegments(final int segments)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers, segments,
            windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos,
            mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos,
            keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withWindowScaling(final boolean on)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, on, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withTimestamps(final boolean on)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, on, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withSackPermitted(final boolean on)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, on, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withRto(final long initialNanos, final long minNanos, final long maxNanos)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialNanos, minNanos, maxNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withDelayedAck(final long nanos)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            nanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos,
            keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withMsl(final long nanos)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, nanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos,
            keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withFinWait2Timeout(final long nanos)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, nanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos,
            keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withRetransmissions(final int data, final int syn)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, data, syn, keepaliveIdleNanos, keepaliveIntervalNanos,
            keepaliveProbes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withKeepalive(final long idleNanos, final long intervalNanos, final int probes)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, idleNanos,
            intervalNanos, probes, noDelay, synBacklog, congestionControl);
    }

    public TcpConfig withNoDelay(final boolean on)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, on, synBacklog, congestionControl);
    }

    public TcpConfig withSynBacklog(final int connections)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, noDelay, connections, congestionControl);
    }

    public TcpConfig withCongestionControl(final CongestionAlgorithm algorithm)
    {
        return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
            maxOutOfOrderSegments, windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos,
            delayedAckNanos, mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions,
            keepaliveIdleNanos, keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, algorithm);
    }
}
