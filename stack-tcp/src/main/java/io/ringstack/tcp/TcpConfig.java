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
 * @param sackPermitted offer SACK-Permitted (RFC 2018; the SACK machinery itself is issue 7)
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
 * @param synBacklog connections in SYN-RECEIVED one listener may hold (its SYN queue)
 * @param maxConnections connections the layer holds at once, in every state from SYN-SENT to TIME-WAIT: beyond
 *                       it a SYN is dropped ({@code TcpDrop.CONNECTION_LIMIT}) and {@code connect} refused
 * @param challengeAckLimit challenge ACKs (RFC 5961 §3.2, §4.2, §5.2) the layer sends per interval, on average
 *                          ({@link ChallengeAckLimiter}); {@link Integer#MAX_VALUE} does not throttle
 * @param challengeAckIntervalNanos the interval of {@code challengeAckLimit} (RFC 5961 §7: both tunable)
 * @param synCookies answer SYNs with SYN cookies when a listener's SYN queue is full (RFC 4987 §3.6), instead of
 *                   dropping them
 * @param outOfOrderPoolPercent the share of the packet pool (in percent) that the out-of-order queues of all
 *                              connections may hold together
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
    int maxConnections,
    int challengeAckLimit,
    long challengeAckIntervalNanos,
    boolean synCookies,
    int outOfOrderPoolPercent,
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
        if (maxConnections < 1)
        {
            throw new IllegalArgumentException("the connection limit must be at least 1, not " + maxConnections);
        }
        if (challengeAckLimit < 1 || challengeAckIntervalNanos <= 0)
        {
            throw new IllegalArgumentException("challenge ACK limit " + challengeAckLimit + " per " +
                challengeAckIntervalNanos + " ns: both must be positive (Integer.MAX_VALUE turns throttling off)");
        }
        if (outOfOrderPoolPercent < 1 || outOfOrderPoolPercent > 100)
        {
            throw new IllegalArgumentException("the out-of-order share of the pool is 1..100 %, not " +
                outOfOrderPoolPercent);
        }
        if (congestionControl == null)
        {
            throw new IllegalArgumentException("choose a congestion control: CongestionAlgorithm.CUBIC or NEW_RENO");
        }
    }

    /**
     * RFC defaults: RTO 1 s initial and minimum, 60 s maximum (RFC 6298); delayed ACK 40 ms; MSL 30 s (TIME-WAIT
     * 60 s, as Linux); keepalive after 2 h idle, 9 probes 75 s apart (RFC 1122 §4.2.3.6); 256 KiB windows with
     * scaling, timestamps and SACK-Permitted offered. Hardening: 16,384 connections; challenge ACKs 1000 per second
     * on average (Linux's tcp_challenge_ack_limit before 6.0; RFC 5961 §7's example is 10 per 5 s); SYN cookies
     * when a SYN queue overflows (Linux's tcp_syncookies = 1); out-of-order queues together at most a quarter of
     * the pool. Congestion control: CUBIC (RFC 9438).
     */
    public static TcpConfig defaults()
    {
        return new TcpConfig(256 * 1024, 256, 256 * 1024, 256, 64, true, true, true, SECONDS, SECONDS, 60 * SECONDS,
            40 * MILLIS, 30 * SECONDS, 60 * SECONDS, 15, 6, 2 * 3600 * SECONDS, 75 * SECONDS, 9, false, 128, 16_384,
            1000, SECONDS, true, 25, CongestionAlgorithm.CUBIC);
    }

    /** TIME-WAIT's length: 2 MSL. */
    public long timeWaitNanos()
    {
        return 2 * mslNanos;
    }

    public TcpConfig withReceiveBuffer(final int bytes, final int buffers)
    {
        final Copy c = new Copy(this);
        c.receiveBufferBytes = bytes;
        c.maxReceiveBuffers = buffers;
        return c.build();
    }

    public TcpConfig withSendBuffer(final int bytes, final int buffers)
    {
        final Copy c = new Copy(this);
        c.sendBufferBytes = bytes;
        c.maxSendBuffers = buffers;
        return c.build();
    }

    public TcpConfig withOutOfOrderSegments(final int segments)
    {
        final Copy c = new Copy(this);
        c.maxOutOfOrderSegments = segments;
        return c.build();
    }

    public TcpConfig withWindowScaling(final boolean on)
    {
        final Copy c = new Copy(this);
        c.windowScaling = on;
        return c.build();
    }

    public TcpConfig withTimestamps(final boolean on)
    {
        final Copy c = new Copy(this);
        c.timestamps = on;
        return c.build();
    }

    public TcpConfig withSackPermitted(final boolean on)
    {
        final Copy c = new Copy(this);
        c.sackPermitted = on;
        return c.build();
    }

    public TcpConfig withRto(final long initialNanos, final long minNanos, final long maxNanos)
    {
        final Copy c = new Copy(this);
        c.initialRtoNanos = initialNanos;
        c.minRtoNanos = minNanos;
        c.maxRtoNanos = maxNanos;
        return c.build();
    }

    public TcpConfig withDelayedAck(final long nanos)
    {
        final Copy c = new Copy(this);
        c.delayedAckNanos = nanos;
        return c.build();
    }

    public TcpConfig withMsl(final long nanos)
    {
        final Copy c = new Copy(this);
        c.mslNanos = nanos;
        return c.build();
    }

    public TcpConfig withFinWait2Timeout(final long nanos)
    {
        final Copy c = new Copy(this);
        c.finWait2TimeoutNanos = nanos;
        return c.build();
    }

    public TcpConfig withRetransmissions(final int data, final int syn)
    {
        final Copy c = new Copy(this);
        c.maxRetransmissions = data;
        c.maxSynRetransmissions = syn;
        return c.build();
    }

    public TcpConfig withKeepalive(final long idleNanos, final long intervalNanos, final int probes)
    {
        final Copy c = new Copy(this);
        c.keepaliveIdleNanos = idleNanos;
        c.keepaliveIntervalNanos = intervalNanos;
        c.keepaliveProbes = probes;
        return c.build();
    }

    public TcpConfig withNoDelay(final boolean on)
    {
        final Copy c = new Copy(this);
        c.noDelay = on;
        return c.build();
    }

    public TcpConfig withSynBacklog(final int connections)
    {
        final Copy c = new Copy(this);
        c.synBacklog = connections;
        return c.build();
    }

    public TcpConfig withMaxConnections(final int connections)
    {
        final Copy c = new Copy(this);
        c.maxConnections = connections;
        return c.build();
    }

    public TcpConfig withChallengeAckLimit(final int limit, final long intervalNanos)
    {
        final Copy c = new Copy(this);
        c.challengeAckLimit = limit;
        c.challengeAckIntervalNanos = intervalNanos;
        return c.build();
    }

    public TcpConfig withSynCookies(final boolean on)
    {
        final Copy c = new Copy(this);
        c.synCookies = on;
        return c.build();
    }

    public TcpConfig withOutOfOrderPoolPercent(final int percent)
    {
        final Copy c = new Copy(this);
        c.outOfOrderPoolPercent = percent;
        return c.build();
    }

    public TcpConfig withCongestionControl(final CongestionAlgorithm algorithm)
    {
        final Copy c = new Copy(this);
        c.congestionControl = algorithm;
        return c.build();
    }

    /** A mutable copy for the with-methods: each changes its fields and builds a new, checked record. */
    private static final class Copy
    {
        private int receiveBufferBytes;
        private int maxReceiveBuffers;
        private int sendBufferBytes;
        private int maxSendBuffers;
        private int maxOutOfOrderSegments;
        private boolean windowScaling;
        private boolean timestamps;
        private boolean sackPermitted;
        private long initialRtoNanos;
        private long minRtoNanos;
        private long maxRtoNanos;
        private long delayedAckNanos;
        private long mslNanos;
        private long finWait2TimeoutNanos;
        private int maxRetransmissions;
        private int maxSynRetransmissions;
        private long keepaliveIdleNanos;
        private long keepaliveIntervalNanos;
        private int keepaliveProbes;
        private boolean noDelay;
        private int synBacklog;
        private int maxConnections;
        private int challengeAckLimit;
        private long challengeAckIntervalNanos;
        private boolean synCookies;
        private int outOfOrderPoolPercent;
        private CongestionAlgorithm congestionControl;

        Copy(final TcpConfig from)
        {
            receiveBufferBytes = from.receiveBufferBytes;
            maxReceiveBuffers = from.maxReceiveBuffers;
            sendBufferBytes = from.sendBufferBytes;
            maxSendBuffers = from.maxSendBuffers;
            maxOutOfOrderSegments = from.maxOutOfOrderSegments;
            windowScaling = from.windowScaling;
            timestamps = from.timestamps;
            sackPermitted = from.sackPermitted;
            initialRtoNanos = from.initialRtoNanos;
            minRtoNanos = from.minRtoNanos;
            maxRtoNanos = from.maxRtoNanos;
            delayedAckNanos = from.delayedAckNanos;
            mslNanos = from.mslNanos;
            finWait2TimeoutNanos = from.finWait2TimeoutNanos;
            maxRetransmissions = from.maxRetransmissions;
            maxSynRetransmissions = from.maxSynRetransmissions;
            keepaliveIdleNanos = from.keepaliveIdleNanos;
            keepaliveIntervalNanos = from.keepaliveIntervalNanos;
            keepaliveProbes = from.keepaliveProbes;
            noDelay = from.noDelay;
            synBacklog = from.synBacklog;
            maxConnections = from.maxConnections;
            challengeAckLimit = from.challengeAckLimit;
            challengeAckIntervalNanos = from.challengeAckIntervalNanos;
            synCookies = from.synCookies;
            outOfOrderPoolPercent = from.outOfOrderPoolPercent;
            congestionControl = from.congestionControl;
        }

        TcpConfig build()
        {
            return new TcpConfig(receiveBufferBytes, maxReceiveBuffers, sendBufferBytes, maxSendBuffers,
                maxOutOfOrderSegments,
                windowScaling, timestamps, sackPermitted, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos,
                mslNanos, finWait2TimeoutNanos, maxRetransmissions, maxSynRetransmissions, keepaliveIdleNanos,
                keepaliveIntervalNanos, keepaliveProbes, noDelay, synBacklog, maxConnections, challengeAckLimit,
                challengeAckIntervalNanos, synCookies, outOfOrderPoolPercent, congestionControl);
        }
    }
}
