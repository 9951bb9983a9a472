package io.ringstack.tcp;

import io.ringstack.ip.Ipv4Output;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.tcp.wire.TcpDrop;
import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ringstack.tcp.wire.SequenceNumber.greaterOrEqual;
import static io.ringstack.tcp.wire.SequenceNumber.greaterThan;
import static io.ringstack.tcp.wire.SequenceNumber.inWindow;
import static io.ringstack.tcp.wire.SequenceNumber.lessOrEqual;
import static io.ringstack.tcp.wire.SequenceNumber.lessThan;

/**
 * One TCP connection: the Transmission Control Block of RFC 9293 §3.3.1 and the event processing of §3.10.
 * <pre>
 *   Send Sequence Space (RFC 9293 §3.3.1)
 *
 *                1         2          3          4
 *           ----------|----------|----------|----------
 *                  SND.UNA    SND.NXT    SND.UNA
 *                                       +SND.WND
 *
 *     1 - old sequence numbers that have been acknowledged
 *     2 - sequence numbers of unacknowledged data
 *     3 - sequence numbers allowed for new data transmission
 *     4 - future sequence numbers that are not yet allowed
 *
 *   Receive Sequence Space
 *
 *                    1          2          3
 *                ----------|----------|----------
 *                       RCV.NXT    RCV.NXT
 *                                 +RCV.WND
 * </pre>
 * Zero copy both ways: sent data sits in TX pool buffers ({@link SendQueue}) until acknowledged, and every
 * (re)transmission writes fresh headers in front of the same bytes; received data stays in the RX buffers it
 * arrived in ({@link ReceiveQueue}, {@link OutOfOrderQueue}) and reaches the application as {@link TcpSlice}s.
 * <p>
 * Beyond the TCB: SND.MAX (the highest sequence number sent, as in BSD) lets a retransmission timeout go back to
 * SND.UNA and a zero-window probe send past SND.NXT. Only the stack thread uses a connection.
 */
public final class TcpConnection
{
    private static final long NONE = Long.MAX_VALUE;
    private static final long TWENTY_FOUR_DAYS_NANOS = 24L * 24 * 3600 * 1_000_000_000L;
    /** Linux's floor on the effective send MSS, so that a tiny MSS option cannot make segments absurdly small. */
    private static final int MIN_SEND_MSS = 48;
    /** RFC 6298 (5.7). */
    private static final long RTO_AFTER_SYN_TIMEOUT = 3_000_000_000L;

    // pending application callbacks, dispatched after the segment or timer that caused them
    private static final int EVENT_CONNECTED = 1;
    private static final int EVENT_DATA = 2;
    private static final int EVENT_PEER_CLOSED = 4;
    private static final int EVENT_WRITABLE = 8;
    private static final int EVENT_CLOSED = 16;
    private static final int EVENT_RESET = 32;
    private static final int EVENT_ACCEPTABLE = 64;

    private final TcpLayer layer;
    private final TcpConfig config;
    private final Ipv4Output output;
    private final PacketBufferPool pool;
    private final UnsafeBuffer memory;
    private final long key;
    private final int localAddress;
    private final int localPort;
    private final int remoteAddress;
    private final int remotePort;

    private TcpState state = TcpState.CLOSED;
    private TcpHandler handler;
    private TcpListener listener;
    private boolean passiveOpen;
    private boolean inAcceptQueue;
    private boolean removedFromTable;
    private boolean lingering;

    // ---- send sequence variables (RFC 9293 §3.3.1)
    private int iss;
    private int sndUna;
    private int sndNxt;
    private int sndMax;
    private int sndWnd;
    private int sndWl1;
    private int sndWl2;
    private int maxSndWnd;
    private int sndShift;
    /** Sequence number after the last byte queued for sending. */
    private int sendEnd;
    private boolean finQueued;
    private int finSeq;

    // ---- receive sequence variables
    private int irs;
    private int rcvNxt;
    /** RCV.NXT + RCV.WND as last advertised: the right edge, which never moves left (RFC 9293 §3.8.6.2.1). */
    private int rcvEdge;
    private int rcvShift;
    private boolean finReceived;

    // ---- options
    private final int rcvMss;
    /** RFC 9293 §3.7.1: the MSS assumed when the peer sends no MSS option. */
    static final int DEFAULT_MSS = 536;

    private int sendMss = DEFAULT_MSS;
    private int effSndMss;
    private int dataHeaderLength = TcpHeader.MIN_HEADER_LENGTH;
    /** We sent a Window Scale option in our SYN. */
    private boolean offeredWindowScale;
    /** Both sides sent Window Scale: the shifts apply (RFC 7323 §2.2). */
    private boolean windowScaleOn;
    private boolean timestampsOn;
    private boolean sackPermitted;
    private int tsRecent;
    private long tsRecentNanos;
    private int lastAckSent;
    private int tsOffset;

    // ---- reliability
    private final RttEstimator rtt;
    private boolean timing;
    private int timedSeq;
    private long timedAtNanos;
    private int retransmissions;
    private boolean synRetransmitted;
    /** cwnd and ssthresh, and how they move (RFC 5681; RFC 9438). */
    private final CongestionControl congestion;
    /** The peer's SACK blocks over the send queue (RFC 6675 §3). */
    private final SackScoreboard scoreboard;
    /** Fast retransmit and recovery: RFC 6675 with SACK, RFC 6582 without. */
    private final LossRecovery recovery;
    /** When data was last sent, for the restart after idle (RFC 5681 §4.1); NONE before the first. */
    private long lastDataSentNanos = NONE;
    private boolean noDelay;

    // ---- queues
    private final SendQueue send;
    private int sendBytes;
    private final ReceiveQueue received;
    private final OutOfOrderQueue outOfOrder;
    private int lentBytes;
    private int lentBuffers;

    // ---- acknowledgment state
    private boolean ackNow;
    private int bytesSinceAck;
    /** Data is held out of order and the peer has not yet been told in a SACK option (RFC 2018 §4). */
    private boolean sackPending;
    /** A duplicate segment to report in the next ACK as a D-SACK block (RFC 2883). */
    private boolean dsackPending;
    private int dsackLeft;
    private int dsackRight;
    private final int[] sackLeft = new int[TcpOptions.MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[TcpOptions.MAX_SACK_BLOCKS];

    // ---- timers (deadlines in nanoseconds, NONE when off); one wheel timer per connection covers the earliest
    private long retransmitDeadline = NONE;
    private long persistDeadline = NONE;
    private long delayedAckDeadline = NONE;
    private long keepaliveDeadline = NONE;
    private long closeDeadline = NONE;
    private int persistBackoff;
    private boolean keepalive;
    /** The largest in-order segment the peer has sent: the "full-sized" segment for delayed ACKs. */
    private int largestSegmentReceived;
    private int keepaliveProbesSent;
    private long lastReceivedNanos;
    long wheelTimerId = TcpLayer.NO_TIMER;
    long wheelDeadline = NONE;

    // ---- application side
    private boolean outputShutdown;
    private boolean applicationClosed;
    private boolean writeBlocked;
    private boolean peerClosedNotified;
    private int events;
    private boolean dispatching;
    private TcpCloseReason resetReason;
    boolean pendingWork;

    // ---- per-connection counters
    private long bytesSent;
    private long bytesRetransmitted;
    private long bytesReceived;
    private long segmentsRetransmitted;

    TcpConnection(
        final TcpLayer layer, final long key, final int localAddress, final int localPort, final int remoteAddress,
        final int remotePort)
    {
        this.layer = layer;
        this.config = layer.config();
        this.output = layer.output();
        this.pool = output.transmitPool();
        this.memory = pool.memory();
        this.key = key;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.rcvMss = output.mtu() - 40; // RFC 9293 §3.7.1: MSS = MTU - 20 (IP) - 20 (TCP), clamped to the MTU
        this.rtt = new RttEstimator(config.initialRtoNanos(), config.minRtoNanos(), config.maxRtoNanos());
        this.send = new SendQueue(config.maxSendBuffers());
        this.congestion = config.congestionControl().create();
        this.scoreboard = new SackScoreboard(send);
        this.recovery = new LossRecovery(scoreboard);
        this.received = new ReceiveQueue(config.maxReceiveBuffers());
        this.outOfOrder = new OutOfOrderQueue(Math.max(1, config.maxOutOfOrderSegments()), layer.outOfOrderBuffers());
        this.noDelay = config.noDelay();
    }

    // ================================================================ opening

    /** RFC 9293 §3.10.1 OPEN, active: send SYN, enter SYN-SENT. */
    void openActive(final TcpHandler connectionHandler, final int initialSequence, final long now)
    {
        handler = connectionHandler;
        iss = initialSequence;
        sndUna = iss;
        sndNxt = iss + 1;
        sndMax = sndNxt;
        sendEnd = sndNxt;
        tsOffset = initialSequence * 31;
        lastReceivedNanos = now;
        timedAtNanos = now;
        state = TcpState.SYN_SENT;
        sendSyn(false, now);
        retransmitDeadline = now + rtt.rto();
        armTimer();
    }

    /**
     * RFC 9293 §3.10.7.2, LISTEN "third check for a SYN": take the peer's sequence number and options, choose our
     * ISS, send SYN,ACK and enter SYN-RECEIVED.
     */
    void openPassive(
        final TcpListener from, final TcpHeader segment, final TcpOptions options, final int initialSequence,
        final long now)
    {
        listener = from;
        passiveOpen = true;
        irs = segment.sequenceNumber();
        rcvNxt = irs + 1;
        iss = initialSequence;
        sndUna = iss;
        sndNxt = iss + 1;
        sndMax = sndNxt;
        sendEnd = sndNxt;
        tsOffset = initialSequence * 31;
        lastReceivedNanos = now;
        timedAtNanos = now;
        negotiate(options, true);
        // RFC 7323 §2.2: the window field of a SYN is never scaled
        sndWnd = segment.window();
        maxSndWnd = sndWnd;
        sndWl1 = irs;
        sndWl2 = iss;
        state = TcpState.SYN_RECEIVED;
        from.onSynReceived();
        sendSyn(true, now);
        retransmitDeadline = now + rtt.rto();
        armTimer();
    }

    /**
     * RFC 4987 §3.6: the ACK that returns a valid SYN cookie ({@link SynCookieHandshake}) creates the connection
     * in ESTABLISHED: the SYN as the cookie kept it ({@code synOptions}) is negotiated as in {@link #openPassive},
     * our SYN counts as acknowledged, and the connection joins the accept queue; then the ACK itself is processed
     * like any segment (its window, text, FIN).
     *
     * @return true if the connection kept {@code handle} (the ACK carried data).
     */
    boolean openFromCookie(
        final TcpListener from, final TcpOptions synOptions, final TcpHeader ack, final TcpOptions ackOptions,
        final int handle, final long now)
    {
        listener = from;
        passiveOpen = true;
        irs = ack.sequenceNumber() - 1;
        rcvNxt = irs + 1;
        iss = ack.acknowledgmentNumber() - 1;
        sndUna = iss + 1;
        sndNxt = sndUna;
        sndMax = sndUna;
        sendEnd = sndUna;
        tsOffset = timestampOffset(iss); // the clock the cookie's TSval came from: later TSvals never go below it
        lastReceivedNanos = now;
        timedAtNanos = now;
        negotiate(synOptions, true);
        rcvEdge = rcvNxt + Math.min(receiveSpace(), 0xFFFF); // the cookie's SYN,ACK offered this (unscaled) window
        lastAckSent = rcvNxt;
        sndWl1 = irs; // the ACK's window is taken below (SND.WL1 < SEG.SEQ)
        sndWl2 = sndUna;
        from.onSynReceived(); // enterEstablished moves it from the SYN queue to the accept queue
        enterEstablished(now);
        return onSegment(ack, ackOptions, handle, now);
    }

    /** The TSval offset of a connection whose ISS is {@code iss}. */
    static int timestampOffset(final int iss)
    {
        return iss * 31;
    }

    /** The TSval that a connection opened with ISS {@code iss} (see {@link #openFromCookie}) sends at {@code now}. */
    static int timestampFor(final int iss, final long now)
    {
        return (int)(now / 1_000_000L) + timestampOffset(iss);
    }

    /**
     * Options from the peer's SYN (RFC 9293 §3.7.1, RFC 7323 §2.2 and §3.2, RFC 2018 §2). For a SYN we answer,
     * we offer only what the peer offered; for a SYN-ACK, what we offered and the peer took.
     */
    private void negotiate(final TcpOptions options, final boolean answering)
    {
        sendMss = options.hasMss() ? options.mss() : DEFAULT_MSS;
        windowScaleOn = config.windowScaling() && options.hasWindowScale() && (answering || offeredWindowScale);
        if (windowScaleOn)
        {
            sndShift = Math.min(options.windowScale(), TcpOptions.MAX_WINDOW_SCALE);
            rcvShift = windowScaleFor(config.receiveBufferBytes());
        }
        else
        {
            sndShift = 0;
            rcvShift = 0;
        }
        timestampsOn = config.timestamps() && options.hasTimestamps();
        if (timestampsOn)
        {
            tsRecent = options.timestampValue();
            tsRecentNanos = layer.now();
        }
        sackPermitted = config.sackPermitted() && options.sackPermitted();
        dataHeaderLength = TcpHeader.MIN_HEADER_LENGTH + (timestampsOn ? TcpOptions.ALIGNED_TIMESTAMPS_LENGTH : 0);
        // RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS + 20, MMS_S) - TCPhdrsize - IPoptionsize
        final int mmsS = output.mtu() - 20;
        final int bufferRoom = pool.bufferSize() - output.headroom(pool) - 20 - dataHeaderLength;
        effSndMss = Math.max(MIN_SEND_MSS, Math.min(Math.min(sendMss + 20, mmsS) - dataHeaderLength, bufferRoom));
    }

    /** The smallest shift that lets {@code bytes} be advertised in 16 bits (RFC 7323 §2.3). */
    static int windowScaleFor(final int bytes)
    {
        int shift = 0;
        while (shift < TcpOptions.MAX_WINDOW_SCALE && (bytes >> shift) > 0xFFFF)
        {
            shift++;
        }
        return shift;
    }

    /** RFC 6928: IW = min(10 * SMSS, max(2 * SMSS, 14600)); loss recovery per what the handshake agreed. */
    private void initCongestionWindow(final long now)
    {
        congestion.start(effSndMss, now);
        recovery.start(congestion, sackPermitted);
    }

    /** The handshake completed: common set-up of both opens. */
    private void enterEstablished(final long now)
    {
        state = TcpState.ESTABLISHED;
        layer.events().increment(TcpEvent.ESTABLISHED);
        initCongestionWindow(now);
        if (synRetransmitted)
        {
            rtt.reinitialize(RTO_AFTER_SYN_TIMEOUT);
        }
        retransmissions = 0;
        retransmitDeadline = NONE;
        if (passiveOpen)
        {
            inAcceptQueue = true;
            listener.onEstablished(this);
            events |= EVENT_ACCEPTABLE;
        }
        else
        {
            events |= EVENT_CONNECTED;
        }
        if (keepalive)
        {
            keepaliveDeadline = now + config.keepaliveIdleNanos();
        }
        if (finQueued)
        {
            // a CLOSE queued in SYN-RECEIVED (RFC 9293 §3.10.4) goes out now
            state = TcpState.FIN_WAIT_1;
        }
    }

    void onAccepted(final TcpHandler connectionHandler)
    {
        handler = connectionHandler;
        inAcceptQueue = false;
        listener = null;
        events &= ~(EVENT_CONNECTED | EVENT_ACCEPTABLE);
        if (received.size() > 0)
        {
            events |= EVENT_DATA;
        }
        if (finReceived)
        {
            events |= EVENT_PEER_CLOSED;
        }
        if (events != 0)
        {
            layer.schedulePendingWork(this);
        }
    }

    // ================================================================ segment arrival (RFC 9293 §3.10.7)

    /**
     * A segment for this connection (checksum verified, options parsed).
     *
     * @return true if the connection kept {@code handle} (its data is queued).
     */
    boolean onSegment(final TcpHeader segment, final TcpOptions options, final int handle, final long now)
    {
        final boolean kept;
        if (state == TcpState.SYN_SENT)
        {
            kept = synSent(segment, options, handle, now);
        }
        else
        {
            kept = otherStates(segment, options, handle, now);
        }
        afterEvent(now);
        return kept;
    }

    /** RFC 9293 §3.10.7.3: SYN-SENT. */
    private boolean synSent(final TcpHeader segment, final TcpOptions options, final int handle, final long now)
    {
        final int flags = segment.flags();
        final boolean ack = (flags & TcpHeader.ACK) != 0;
        final boolean rst = (flags & TcpHeader.RST) != 0;
        final int segAck = segment.acknowledgmentNumber();
        // first check the ACK bit: SEG.ACK =< ISS or SEG.ACK > SND.NXT is unacceptable
        if (ack && (lessOrEqual(segAck, iss) || greaterThan(segAck, sndMax)))
        {
            if (!rst)
            {
                layer.sendReset(remoteAddress, localPort, remotePort, segAck, 0, false);
                layer.drops().increment(TcpDrop.SYN_SENT_BAD_ACK);
            }
            else
            {
                layer.drops().increment(TcpDrop.SYN_SENT_BAD_RESET);
            }
            return false;
        }
        // second check the RST bit: with an acceptable ACK the connection is refused; without one, drop
        if (rst)
        {
            if (ack)
            {
                layer.events().increment(TcpEvent.RESETS_RECEIVED);
                terminate(TcpCloseReason.REFUSED);
            }
            else
            {
                layer.drops().increment(TcpDrop.SYN_SENT_BAD_RESET);
            }
            return false;
        }
        // fourth check the SYN bit
        if ((flags & TcpHeader.SYN) == 0)
        {
            layer.drops().increment(TcpDrop.SYN_SENT_NO_SYN);
            return false;
        }
        irs = segment.sequenceNumber();
        rcvNxt = irs + 1;
        negotiate(options, false);
        rcvEdge = rcvNxt + Math.min(receiveSpace(), 0xFFFF); // what our SYN's (unscaled) window allowed
        lastReceivedNanos = now;
        if (ack)
        {
            sndUna = segAck;
            sampleRttOnSyn(options, now);
        }
        if (greaterThan(sndUna, iss))
        {
            // our SYN is acknowledged: ESTABLISHED, ACK the SYN (RFC 7323 §2.2: SEG.WND of a SYN is not scaled)
            sndWnd = segment.window();
            maxSndWnd = sndWnd;
            sndWl1 = irs;
            sndWl2 = segAck;
            enterEstablished(now);
            ackNow = true;
            if (segment.payloadLength() > 0 || (flags & TcpHeader.FIN) != 0)
            {
                // "continue processing at the sixth step" with the SYN stripped: text and FIN
                return receiveText(irs + 1, handle, segment.payloadOffset(), segment.payloadLength(),
                    (flags & TcpHeader.FIN) != 0, now);
            }
            return false;
        }
        // simultaneous open (RFC 9293 §3.5 Figure 7): SYN-RECEIVED, answer with SYN,ACK
        sndWnd = segment.window();
        maxSndWnd = sndWnd;
        sndWl1 = irs;
        sndWl2 = segAck;
        state = TcpState.SYN_RECEIVED;
        if (segment.payloadLength() > 0)
        {
            layer.drops().increment(TcpDrop.SYN_DATA_IGNORED);
        }
        sendSyn(true, now);
        retransmitDeadline = now + rtt.rto();
        return false;
    }

    private void sampleRttOnSyn(final TcpOptions options, final long now)
    {
        if (timestampsOn && options.timestampEchoReply() != 0)
        {
            sampleRtt(timestampRtt(options.timestampEchoReply(), now), 1);
        }
        else if (!synRetransmitted)
        {
            sampleRtt(now - timedAtNanos, 1); // Karn: only a SYN sent once gives a sample
        }
    }

    /** RFC 9293 §3.10.7.4: SYN-RECEIVED and the synchronized states. */
    private boolean otherStates(final TcpHeader segment, final TcpOptions options, final int handle, final long now)
    {
        final int flags = segment.flags();
        final boolean rst = (flags & TcpHeader.RST) != 0;
        boolean syn = (flags & TcpHeader.SYN) != 0;
        int seq = segment.sequenceNumber();
        int segLen = segment.sequenceLength();

        // SYN-RECEIVED: the peer's SYN again (our SYN,ACK was lost): answer it at once
        if (state == TcpState.SYN_RECEIVED && syn && !rst && (flags & TcpHeader.ACK) == 0 && seq == irs)
        {
            sendSyn(true, now);
            return false;
        }
        // A SYN we have already received is an old part of the segment: "only the new parts are processed", so
        // trim it (the SYN,ACK of a simultaneous open, RFC 9293 §3.5 Figure 7; a retransmitted SYN,ACK), and
        // acknowledge the duplicate at once
        if (syn && lessThan(seq, rcvNxt))
        {
            syn = false;
            seq += 1;
            segLen -= 1;
            ackNow = true;
        }
        // RFC 7323 §3.2: once timestamps are on, a non-RST segment without them SHOULD be dropped
        if (timestampsOn && !rst && !options.hasTimestamps())
        {
            layer.drops().increment(TcpDrop.MISSING_TIMESTAMP);
            return false;
        }
        // RFC 7323 §5.3 R1 (PAWS): a timestamp older than TS.Recent marks an old duplicate
        if (timestampsOn && !rst && options.hasTimestamps() && lessThan(options.timestampValue(), tsRecent) &&
            now - tsRecentNanos <= TWENTY_FOUR_DAYS_NANOS)
        {
            layer.drops().increment(TcpDrop.PAWS);
            ackNow = true;
            return false;
        }

        // first: check the sequence number (the acceptability test)
        final int rcvWnd = Math.max(0, rcvEdge - rcvNxt);
        final boolean acceptable;
        if (segLen == 0)
        {
            acceptable = rcvWnd == 0 ? seq == rcvNxt : inWindow(seq, rcvNxt, rcvNxt + rcvWnd);
        }
        else
        {
            acceptable = rcvWnd != 0 &&
                (inWindow(seq, rcvNxt, rcvNxt + rcvWnd) || inWindow(seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd));
        }
        // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made to accept
        // valid ACKs, URGs, and RSTs": a segment at RCV.NXT has its ACK processed, its text not
        final boolean zeroWindowAllowance = !acceptable && rcvWnd == 0 && seq == rcvNxt;
        if (!acceptable && !zeroWindowAllowance)
        {
            if (rst)
            {
                layer.drops().increment(TcpDrop.RESET_OUT_OF_WINDOW);
                return false;
            }
            if (state == TcpState.TIME_WAIT && (flags & TcpHeader.FIN) != 0)
            {
                // "TIME-WAIT: the only thing that can arrive is a retransmission of the remote FIN. Acknowledge
                // it, and restart the 2 MSL timeout."
                closeDeadline = now + config.timeWaitNanos();
            }
            final int dataLength = segment.payloadLength();
            if (dataLength > 0 && lessOrEqual(seq + dataLength, rcvNxt) && !rst)
            {
                noteDuplicate(seq, seq + dataLength); // all of it received before (RFC 2883 §4.1.1)
            }
            layer.drops().increment(TcpDrop.OUT_OF_WINDOW);
            ackNow = true;
            return false;
        }
        lastReceivedNanos = now;
        keepaliveProbesSent = 0;
        // RFC 7323 §4.3 (R3): TS.Recent from a segment that covers Last.ACK.sent
        if (timestampsOn && options.hasTimestamps() && greaterOrEqual(options.timestampValue(), tsRecent) &&
            lessOrEqual(seq, lastAckSent))
        {
            tsRecent = options.timestampValue();
            tsRecentNanos = now;
        }

        // second: check the RST bit (RFC 9293 with RFC 5961 §3.2)
        if (rst)
        {
            if (seq != rcvNxt)
            {
                layer.drops().increment(TcpDrop.RESET_CHALLENGED);
                challengeAck();
                return false;
            }
            layer.events().increment(TcpEvent.RESETS_RECEIVED);
            if (state == TcpState.SYN_RECEIVED)
            {
                // a passive open returns to LISTEN (the listener stays); an active one is refused
                terminate(passiveOpen ? null : TcpCloseReason.REFUSED);
            }
            else if (state == TcpState.TIME_WAIT)
            {
                terminate(null);
            }
            else
            {
                terminate(TcpCloseReason.RESET);
            }
            return false;
        }

        // fourth: check the SYN bit (RFC 9293 with RFC 5961 §4: challenge ACK in the synchronized states)
        if (syn)
        {
            if (state == TcpState.SYN_RECEIVED && passiveOpen)
            {
                terminate(null); // "return this connection to the LISTEN state"
                return false;
            }
            layer.drops().increment(TcpDrop.SYN_CHALLENGED);
            challengeAck();
            return false;
        }

        // fifth: check the ACK field
        if ((flags & TcpHeader.ACK) == 0)
        {
            layer.drops().increment(TcpDrop.NO_ACK);
            return false;
        }
        final int segAck = segment.acknowledgmentNumber();
        if (state == TcpState.SYN_RECEIVED)
        {
            if (!(lessThan(sndUna, segAck) && lessOrEqual(segAck, sndMax)))
            {
                layer.sendReset(remoteAddress, localPort, remotePort, segAck, 0, false);
                layer.drops().increment(TcpDrop.SYN_RECEIVED_BAD_ACK);
                return false;
            }
            if (passiveOpen && listener.acceptQueueFull())
            {
                layer.drops().increment(TcpDrop.ACCEPT_QUEUE_FULL); // stay in SYN-RECEIVED; the SYN,ACK repeats
                return false;
            }
            // RFC 9293: SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK, then ESTABLISHED
            sndWnd = segmentWindow(segment);
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            sndWl1 = seq;
            sndWl2 = segAck;
            if (!synRetransmitted && !timestampsOn)
            {
                sampleRtt(now - timedAtNanos, 1);
            }
            enterEstablished(now);
        }
        if (!processAck(segment, options, seq, segAck, now))
        {
            return false;
        }
        if (state == TcpState.CLOSED)
        {
            return false; // LAST-ACK ended
        }

        // sixth: the URG bit is ignored (RFC 9293 §3.8.5: the urgent mechanism is discouraged)
        // seventh: process the segment text; eighth: check the FIN bit
        boolean kept = false;
        final int payload = segment.payloadLength();
        final boolean fin = (flags & TcpHeader.FIN) != 0;
        if (payload > 0 || fin)
        {
            switch (state)
            {
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 ->
                {
                    if (zeroWindowAllowance)
                    {
                        layer.drops().increment(TcpDrop.OUT_OF_WINDOW);
                        ackNow = true;
                    }
                    else if (applicationClosed && payload > 0 && greaterThan(seq + payload, rcvNxt))
                    {
                        // RFC 1122 §4.2.2.13: new data after CLOSE is lost, so say so with a reset
                        layer.drops().increment(TcpDrop.DATA_AFTER_CLOSE);
                        layer.sendReset(remoteAddress, localPort, remotePort, sndMax, 0, false);
                        layer.events().increment(TcpEvent.ABORTED);
                        terminate(TcpCloseReason.ABORTED);
                        return false;
                    }
                    else
                    {
                        kept = receiveText(seq, handle, segment.payloadOffset(), payload, fin, now);
                    }
                }
                default ->
                {
                    // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer's FIN came before; nothing can follow it
                    if (payload > 0)
                    {
                        layer.drops().increment(TcpDrop.TEXT_AFTER_FIN);
                    }
                    if (fin)
                    {
                        ackNow = true;
                        if (state == TcpState.TIME_WAIT)
                        {
                            closeDeadline = now + config.timeWaitNanos();
                        }
                    }
                }
            }
        }
        return kept;
    }

    /**
     * SEG.WND in bytes. RFC 7323 §2.2: "The window field in a segment where the SYN bit is set (i.e., a <SYN> or
     * <SYN,ACK>) MUST NOT be scaled", also when the SYN is an old one trimmed off (the peer's SYN,ACK in a
     * simultaneous open, a retransmitted SYN,ACK after ours was acknowledged).
     */
    private int segmentWindow(final TcpHeader segment)
    {
        return (segment.flags() & TcpHeader.SYN) != 0 ? segment.window() : segment.window() << sndShift;
    }

    /** RFC 5961 §3.2, §4.2, §5.2: answer with an ACK, as far as the layer's throttle allows (§7). */
    private void challengeAck()
    {
        if (layer.allowChallengeAck())
        {
            ackNow = true;
        }
    }

    /**
     * RFC 9293 §3.10.7.4 "fifth, check the ACK field" for the synchronized states.
     *
     * @return false if the segment is to be dropped here.
     */
    private boolean processAck(
        final TcpHeader segment, final TcpOptions options, final int seq, final int segAck, final long now)
    {
        // RFC 9293 (RFC 5961 §5.2): acceptable if SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT
        if (greaterThan(segAck, sndMax) || lessThan(segAck, sndUna - Math.max(maxSndWnd, 1)))
        {
            // RFC 5961 §5.2: "MUST be discarded and an ACK sent back" (a challenge ACK, throttled per §7)
            layer.drops().increment(TcpDrop.ACK_UNACCEPTABLE);
            challengeAck();
            return false;
        }
        // RFC 5681 §2: a duplicate ACK (judged before this ACK's window update); the answers to zero-window
        // probes are not (the probe's octet lies beyond the window: nothing was lost)
        final boolean outstanding = sndUna != sndMax;
        final boolean plainDuplicate = segAck == sndUna && outstanding && segment.payloadLength() == 0 &&
            (segment.flags() & (TcpHeader.SYN | TcpHeader.FIN)) == 0 && (segment.window() << sndShift) == sndWnd &&
            sndWnd != 0;
        final int flightBefore = sndMax - sndUna;
        final long timerBefore = retransmitDeadline;
        int acked = 0;
        if (greaterThan(segAck, sndUna))
        {
            acked = segAck - sndUna;
            acknowledge(segAck, options, now);
        }
        final boolean withSack = sackPermitted && options.sackBlockCount() > 0;
        boolean sackedNew = false;
        if (withSack)
        {
            if (SackScoreboard.isDuplicateSack(options, segAck))
            {
                layer.events().increment(TcpEvent.DSACKS_RECEIVED); // RFC 2883 §4: the peer got a segment twice
            }
            sackedNew = scoreboard.update(options, sndUna, sndMax);
        }
        if (state.isSynchronized() && (acked > 0 || outstanding))
        {
            // RFC 6675 §2: with SACK, an ACK is a duplicate when it SACKs new data
            final boolean duplicate = withSack ? sackedNew && outstanding : plainDuplicate;
            final boolean wasInRecovery = recovery.inRecovery();
            recovery.onAck(acked, duplicate, sndUna, sndMax, effSndMss, now);
            if (!wasInRecovery && recovery.inRecovery())
            {
                layer.events().increment(TcpEvent.FAST_RETRANSMITS);
            }
            if (recovery.windowMayGrow() && isCongestionWindowLimited(flightBefore))
            {
                congestion.onAcknowledged(acked, rtt.srtt(), now);
            }
            if (recovery.keepTimer() && timerBefore != NONE && retransmitDeadline != NONE)
            {
                retransmitDeadline = timerBefore; // RFC 6582 §4: only the first partial ACK restarts the timer
            }
        }
        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated" when the segment is newer:
        // SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)
        if (lessOrEqual(sndUna, segAck) &&
            (lessThan(sndWl1, seq) || (sndWl1 == seq && lessOrEqual(sndWl2, segAck))))
        {
            final int before = sndWnd;
            sndWnd = segmentWindow(segment);
            sndWl1 = seq;
            sndWl2 = segAck;
            if (sndWnd > maxSndWnd)
            {
                maxSndWnd = sndWnd;
            }
            if (sndWnd > before && sndWnd > 0)
            {
                persistBackoff = 0;
                if (persistDeadline != NONE && sndWnd - (sndNxt - sndUna) >= Math.min(effSndMss, maxSndWnd / 2))
                {
                    persistDeadline = NONE;
                }
            }
        }
        final boolean finAcked = finQueued && greaterThan(sndUna, finSeq);
        switch (state)
        {
            case FIN_WAIT_1 ->
            {
                if (finAcked)
                {
                    state = TcpState.FIN_WAIT_2;
                    if (applicationClosed)
                    {
                        closeDeadline = now + config.finWait2TimeoutNanos();
                    }
                }
            }
            case CLOSING ->
            {
                if (finAcked)
                {
                    enterTimeWait(now);
                }
                else
                {
                    return false; // "otherwise ignore the segment"
                }
            }
            case LAST_ACK ->
            {
                if (finAcked)
                {
                    layer.events().increment(TcpEvent.CLOSED_IN_ORDER);
                    terminate(null);
                    events |= EVENT_CLOSED;
                    return false;
                }
            }
            default ->
            {
            }
        }
        return true;
    }

    /** New data acknowledged: SND.UNA moves, acknowledged buffers go back, RTT and congestion window update. */
    private void acknowledge(final int segAck, final TcpOptions options, final long now)
    {
        final int flight = sndMax - sndUna;
        // RTT: RFC 7323 §4.2 takes TSecr when the ACK advances SND.UNA; otherwise the one timed segment (Karn)
        if (timestampsOn && options.hasTimestamps() && options.timestampEchoReply() != 0)
        {
            sampleRtt(timestampRtt(options.timestampEchoReply(), now), (flight + 2 * effSndMss - 1) / (2 * effSndMss));
        }
        else if (timing && greaterOrEqual(segAck, timedSeq))
        {
            sampleRtt(now - timedAtNanos, 1);
        }
        if (timing && greaterOrEqual(segAck, timedSeq))
        {
            timing = false;
        }
        sndUna = segAck;
        if (lessThan(sndNxt, sndUna))
        {
            sndNxt = sndUna;
        }
        retransmissions = 0;
        // release every buffer wholly acknowledged
        final int freedBefore = sendBytes;
        while (send.size() > 0 && lessOrEqual(send.end(0), sndUna))
        {
            sendBytes -= send.length(0);
            pool.release(send.removeFirst());
        }
        if (writeBlocked && sendBytes < freedBefore && !outputShutdown)
        {
            writeBlocked = false;
            events |= EVENT_WRITABLE;
        }
        if (send.size() > 0 && send.isSacked(0))
        {
            // the cumulative ACK stops at data the peer SACKed: it dropped what it held (RFC 2018 §8 "reneging")
            layer.events().increment(TcpEvent.SACK_RENEGED);
            recovery.onReneged();
        }
        // RFC 6298 (5.2) all acknowledged: stop the timer; (5.3) otherwise restart it
        if (sndUna == sndMax)
        {
            retransmitDeadline = NONE;
        }
        else if (retransmitDeadline != NONE)
        {
            retransmitDeadline = now + rtt.rto();
        }
    }

    /**
     * Whether the sender was using its window when this ACK came (RFC 7661 §4.3: a window the application leaves
     * unused must not grow): in flight within an SMSS of cwnd, or, in slow start, at least half of it.
     */
    private boolean isCongestionWindowLimited(final int flightBefore)
    {
        final int cwnd = congestion.congestionWindow();
        return flightBefore + effSndMss >= cwnd ||
            cwnd < congestion.slowStartThreshold() && 2 * (long)flightBefore >= cwnd;
    }

    private int timestampRtt(final int echoReply, final long now)
    {
        return timestampNow(now) - echoReply;
    }

    private void sampleRtt(final long sample, final int expectedSamples)
    {
        if (sample < 0)
        {
            return;
        }
        layer.events().increment(TcpEvent.RTT_SAMPLES);
        rtt.sample(sample, expectedSamples);
    }

    private void sampleRtt(final int timestampMillis, final int expectedSamples)
    {
        if (timestampMillis < 0 || timestampMillis > 3_600_000)
        {
            return; // a TSecr we never sent
        }
        sampleRtt(timestampMillis * 1_000_000L, expectedSamples);
    }

    /**
     * RFC 9293 §3.10.7.4 "seventh, process the segment text" and "eighth, check the FIN bit": in-order data joins
     * the receive queue in its buffer, data ahead of RCV.NXT waits in the out-of-order queue (with its FIN); both
     * are trimmed to the window.
     *
     * @return true if {@code handle} was kept.
     */
    private boolean receiveText(
        final int seq, final int handle, final int dataOffset, final int dataLength, final boolean withFin,
        final long now)
    {
        int start = seq;
        int offset = dataOffset;
        int length = dataLength;
        boolean fin = withFin;
        // "only the new parts are processed": drop what we already have
        if (lessThan(start, rcvNxt))
        {
            final int old = rcvNxt - start;
            if (old >= length)
            {
                ackNow = true;
                if (fin && start + length == rcvNxt && !finReceived)
                {
                    processFin(now); // the FIN after data we already had
                }
                else if (length > 0)
                {
                    layer.drops().increment(TcpDrop.DUPLICATE_DATA);
                    noteDuplicate(start, start + length);
                }
                return false;
            }
            noteDuplicate(start, rcvNxt); // RFC 2883 §4.1.3: the part received before
            start = rcvNxt;
            offset += old;
            length -= old;
        }
        // and what lies beyond the window (a FIN after trimmed data goes too)
        final int room = rcvEdge - start;
        if (length > room)
        {
            length = room;
            fin = false;
        }
        if (length <= 0)
        {
            if (fin)
            {
                if (start == rcvNxt)
                {
                    processFin(now);
                }
                else
                {
                    queueOutOfOrderFin(start);
                }
                return false;
            }
            layer.drops().increment(TcpDrop.OUT_OF_WINDOW);
            ackNow = true;
            return false;
        }
        if (heldBuffers() >= config.maxReceiveBuffers())
        {
            layer.drops().increment(TcpDrop.RECEIVE_BUFFERS_FULL);
            ackNow = true;
            return false;
        }
        if (start == rcvNxt)
        {
            received.add(handle, offset, length);
            pool.handOver(handle, BufferHolder.STACK);
            rcvNxt += length;
            bytesReceived += length;
            events |= EVENT_DATA;
            if (fin)
            {
                processFin(now);
            }
            else if (outOfOrder.size() > 0)
            {
                drainOutOfOrder(now);
                ackNow = true; // RFC 5681 §4.2: ACK at once when a segment fills (part of) a gap
                sackPending = sackPermitted && outOfOrder.size() > 0;
            }
            else
            {
                // RFC 9293 §3.8.6.3 / RFC 5681 §4.2: ACK at least every second full-sized segment, else within the
                // delayed-ACK time. "Full-sized" is what the peer sends: a peer with a smaller MSS than ours never
                // fills our MSS, so, like Linux's rcv_mss, the estimate is the largest segment seen so far (at
                // least 536 B, the default MSS, at most ours).
                bytesSinceAck += length;
                if (length > largestSegmentReceived)
                {
                    largestSegmentReceived = Math.min(length, fullSegment());
                }
                final int fullSized = Math.max(largestSegmentReceived, Math.min(fullSegment(), DEFAULT_MSS));
                if (bytesSinceAck >= 2 * fullSized || config.delayedAckNanos() == 0)
                {
                    ackNow = true;
                }
                else if (delayedAckDeadline == NONE)
                {
                    delayedAckDeadline = now + config.delayedAckNanos();
                }
            }
            return true;
        }
        // ahead of RCV.NXT: hold it; RFC 5681 §4.2: an out-of-order segment is acknowledged at once (RFC 2018
        // §4: with SACK blocks, the one holding this segment first)
        ackNow = true;
        sackPending = sackPermitted;
        if (outOfOrder.covers(start, length, fin))
        {
            outOfOrder.noteArrival(start);
            if (length > 0)
            {
                noteDuplicate(start, start + length); // RFC 2883 §4.1.2: held already, out of order
            }
            layer.drops().increment(TcpDrop.DUPLICATE_DATA);
            return false;
        }
        if (layer.outOfOrderBuffers().exhausted())
        {
            layer.drops().increment(TcpDrop.OUT_OF_ORDER_MEMORY_FULL); // every connection's together (TcpConfig)
            return false;
        }
        if (config.maxOutOfOrderSegments() == 0 || !outOfOrder.insert(pool, handle, start, offset, length, fin))
        {
            layer.drops().increment(TcpDrop.OUT_OF_ORDER_FULL);
            return false;
        }
        pool.handOver(handle, BufferHolder.STACK);
        layer.events().increment(TcpEvent.SEGMENTS_QUEUED_OUT_OF_ORDER);
        return true;
    }

    /** The payload of a full-sized segment from the peer: our MSS less the options every segment carries. */
    private int fullSegment()
    {
        return rcvMss - (timestampsOn ? TcpOptions.ALIGNED_TIMESTAMPS_LENGTH : 0);
    }

    /** A FIN without data ahead of RCV.NXT: remembered until the gap before it fills. */
    private void queueOutOfOrderFin(final int seq)
    {
        ackNow = true;
        if (!outOfOrder.covers(seq, 0, true) && config.maxOutOfOrderSegments() > 0)
        {
            outOfOrder.insert(pool, PacketBufferPool.NO_BUFFER, seq, 0, 0, true);
        }
    }

    /** Moves held segments that RCV.NXT has reached into the receive queue, trimming overlaps. */
    private void drainOutOfOrder(final long now)
    {
        while (outOfOrder.size() > 0 && lessOrEqual(outOfOrder.firstSequence(), rcvNxt))
        {
            final int start = outOfOrder.firstSequence();
            final int length = outOfOrder.firstLength();
            final int handle = outOfOrder.firstHandle();
            final int offset = outOfOrder.firstOffset();
            final boolean fin = outOfOrder.firstFin();
            final int end = start + length;
            outOfOrder.removeFirst();
            if (length > 0 && greaterThan(end, rcvNxt))
            {
                final int old = rcvNxt - start;
                received.add(handle, offset + old, length - old);
                rcvNxt = end;
                bytesReceived += length - old;
                events |= EVENT_DATA;
            }
            else if (handle != PacketBufferPool.NO_BUFFER)
            {
                pool.release(handle);
            }
            if (fin && end == rcvNxt)
            {
                processFin(now);
                return;
            }
        }
    }

    /** RFC 9293 §3.10.7.4 "eighth, check the FIN bit". */
    private void processFin(final long now)
    {
        finReceived = true;
        rcvNxt += 1;
        ackNow = true; // the FIN is acknowledged at once
        events |= EVENT_PEER_CLOSED;
        outOfOrder.clear(pool); // nothing after the FIN can be data
        switch (state)
        {
            case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 ->
            {
                // our FIN would have moved us to FIN-WAIT-2 in the ACK step had it been acknowledged
                state = TcpState.CLOSING;
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            case TIME_WAIT -> closeDeadline = now + config.timeWaitNanos();
            default ->
            {
                // CLOSE-WAIT, CLOSING, LAST-ACK: remain
            }
        }
    }

    private void enterTimeWait(final long now)
    {
        state = TcpState.TIME_WAIT;
        layer.events().increment(TcpEvent.CLOSED_IN_ORDER);
        retransmitDeadline = NONE;
        persistDeadline = NONE;
        keepaliveDeadline = NONE;
        closeDeadline = now + config.timeWaitNanos();
        releaseSendQueue();
        events |= EVENT_CLOSED;
    }

    /** Whether a SYN may reopen this connection in TIME-WAIT (RFC 6191; RFC 1122 §4.2.2.13 without timestamps). */
    boolean acceptsNewSyn(final TcpHeader segment, final TcpOptions options)
    {
        if (state != TcpState.TIME_WAIT)
        {
            return false;
        }
        if (timestampsOn && options.hasTimestamps())
        {
            return greaterThan(options.timestampValue(), tsRecent);
        }
        return greaterThan(segment.sequenceNumber(), rcvNxt);
    }

    /** A SYN reopens the 4-tuple: this TIME-WAIT incarnation ends now. */
    void endTimeWait()
    {
        terminate(null);
    }

    boolean isSynReceivedFor(final TcpListener of)
    {
        return state == TcpState.SYN_RECEIVED && listener == of;
    }

    /**
     * RFC 1122 §4.2.3.9: an ICMP error about a segment we sent. Only a protocol or port unreachable answering
     * our SYN ends the connection (the RFC's "hard" errors); the rest are soft and only counted (RFC 5461). The
     * quoted sequence number must be one we have outstanding (RFC 5927 §4.1), or the message is ignored.
     */
    void onIcmpError(final int type, final int code, final int quotedSequence, final long now)
    {
        if (type == 3 && (code == 2 || code == 3) && state == TcpState.SYN_SENT && quotedSequence == iss)
        {
            terminate(TcpCloseReason.UNREACHABLE);
            afterEvent(now);
        }
    }

    /** RFC 1122 §4.2.2.13 (a): a reopened connection's ISS lies beyond the old one's sequence numbers. */
    int sequenceAfterTimeWait()
    {
        return sndMax + 65_536 * 2;
    }

    // ================================================================ output

    /** After a segment, timer or application call: callbacks, then whatever is to be sent, then the timer. */
    void afterEvent(final long now)
    {
        dispatchEvents();
        if (state != TcpState.CLOSED)
        {
            transmit(now, false);
        }
        armTimer();
    }

    /**
     * Sends what the windows, Nagle and SWS avoidance allow, then a pure ACK if one is owed and no segment carried
     * it (RFC 9293 §3.7.4, §3.8.6.2.1; RFC 5681 §3.1).
     */
    private void transmit(final long now, final boolean force)
    {
        boolean sentAck = false;
        if (canSendData())
        {
            if (recovery.retransmitFirst())
            {
                sentAck = retransmitFirst(now);
            }
            sentAck |= sendData(now, force);
        }
        // data segments carry no SACK option (their payload sits behind a header of fixed length): SACK blocks owed
        // go in a pure ACK of their own (RFC 2018 §4: "SHOULD be included in all ACKs which do not ACK the highest
        // sequence number in the data receiver's queue")
        if ((ackNow && !sentAck || sackPending && outOfOrder.size() > 0) && state != TcpState.SYN_SENT &&
            state != TcpState.CLOSED)
        {
            if (state == TcpState.SYN_RECEIVED)
            {
                sendSyn(true, now);
            }
            else
            {
                // a pure ACK carries SND.MAX, not a SND.NXT that a timeout moved back: the peer's RCV.NXT may
                // already be past SND.NXT, and an ACK it finds unacceptable would only draw another ACK (as BSD)
                sendControl(sndMax, TcpHeader.ACK, now);
                layer.events().increment(TcpEvent.PURE_ACKS_SENT);
            }
        }
        // the persist timer runs while data waits and nothing is in flight (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17)
        if (canSendData() && retransmitDeadline == NONE && persistDeadline == NONE && hasDataToSend() &&
            sndUna == sndMax)
        {
            persistDeadline = now + persistInterval();
        }
    }

    private boolean canSendData()
    {
        return switch (state)
        {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    private boolean hasDataToSend()
    {
        return lessThan(sndNxt, sendEnd) || (finQueued && lessOrEqual(sndNxt, finSeq));
    }

    private static final int SENT = 0;
    private static final int STOPPED = 1;
    private static final int SKIPPED = 2;

    /** @return true if a segment carrying our ACK went out. */
    private boolean sendData(final long now, final boolean force)
    {
        if (recovery.inSackRecovery() && !force)
        {
            return sendInSackRecovery(now);
        }
        if (sndUna == sndMax && lastDataSentNanos != NONE && now - lastDataSentNanos > rtt.rto() &&
            hasDataToSend())
        {
            // RFC 5681 §4.1: after an idle period longer than an RTO, cwnd restarts from min(IW, cwnd)
            congestion.onIdleRestart(now);
            lastDataSentNanos = now;
            layer.events().increment(TcpEvent.IDLE_RESTARTS);
        }
        boolean sent = false;
        while (true)
        {
            final int allowance = congestion.congestionWindow() +
                recovery.allowanceBeyondWindow(effSndMss, send.sackedBytes());
            final int result = sendNext(now, force, sndUna + Math.min(sndWnd, allowance));
            if (result == STOPPED)
            {
                break;
            }
            if (result == SENT)
            {
                sent = true;
                if (force)
                {
                    break; // one segment per override
                }
            }
        }
        return sent;
    }

    /**
     * RFC 6675 §5 (C): while cwnd - pipe >= 1 SMSS, send what NextSeg chooses: lost segments, new data, other
     * holes below HighSACK, a rescue retransmission.
     */
    private boolean sendInSackRecovery(final long now)
    {
        int pipe = scoreboard.pipe(sndMax, recovery.highRxt(), effSndMss);
        boolean sent = false;
        boolean newData = true;
        while (congestion.congestionWindow() - pipe >= effSndMss)
        {
            final int next = scoreboard.nextSeg(sndMax, recovery.highRxt(), newData && hasDataToSend(),
                recovery.rescueAllowed(sndUna), effSndMss);
            if (next == SackScoreboard.NONE)
            {
                break;
            }
            if (next == SackScoreboard.NEW_DATA)
            {
                final int before = sndNxt;
                final int result = sendNext(now, false, sndUna + sndWnd);
                if (result == STOPPED)
                {
                    newData = false; // the window, Nagle or SWS avoidance holds it: try the other rules
                }
                else if (result == SENT)
                {
                    sent = true;
                    pipe += sndNxt - before;
                }
                continue;
            }
            final int rule = scoreboard.rule();
            final int start = send.sequence(next);
            final int end = lessThan(send.end(next), sndMax) ? send.end(next) : sndMax;
            final boolean fin = finQueued && next == send.size() - 1 && greaterThan(sndMax, finSeq) &&
                end == send.end(next);
            if (!sendSegment(next, start, end - start, fin, now))
            {
                break;
            }
            sent = true;
            pipe += end - start;
            recovery.onRetransmitted(rule, end);
            if (rule == 4)
            {
                layer.events().increment(TcpEvent.RESCUE_RETRANSMISSIONS);
            }
        }
        return sent;
    }

    /**
     * Fast retransmit (RFC 5681 §3.2 (2), RFC 6675 §5 (4.3)) and NewReno's partial ACK (RFC 6582 §3.2 (5)):
     * resend the segment at SND.UNA from its buffer.
     *
     * @return true if it went out.
     */
    private boolean retransmitFirst(final long now)
    {
        if (send.size() > 0 && lessThan(send.sequence(0), sndMax))
        {
            final int start = send.sequence(0);
            final int end = lessThan(send.end(0), sndMax) ? send.end(0) : sndMax;
            final boolean fin = finQueued && send.size() == 1 && greaterThan(sndMax, finSeq) && end == send.end(0);
            if (!sendSegment(0, start, end - start, fin, now))
            {
                return false; // still on the TX ring: the next duty cycle tries again
            }
            recovery.onFirstRetransmitted(end);
            return true;
        }
        if (send.size() == 0 && finQueued && greaterThan(sndMax, finSeq))
        {
            if (sendControl(finSeq, TcpHeader.ACK | TcpHeader.FIN, now))
            {
                countRetransmission(0);
                recovery.onFirstRetransmitted(finSeq + 1);
                return true;
            }
            return false;
        }
        recovery.onFirstRetransmitted(sndUna);
        return false;
    }

    /**
     * The next segment of new data (or the FIN) if {@code windowEdge}, Nagle and SWS avoidance allow it; a buffer
     * the peer has SACKed is passed over (after a timeout moved SND.NXT back: RFC 6675 §5.1 keeps the scoreboard).
     *
     * @return {@link #SENT}, {@link #STOPPED} or {@link #SKIPPED}.
     */
    private int sendNext(final long now, final boolean force, final int windowEdge)
    {
        final int position = send.firstEndingAfter(sndNxt);
        if (position < 0)
        {
            // all data sent: the FIN, if queued, when the window has room for it
            if (finQueued && lessOrEqual(sndNxt, finSeq) && (lessThan(finSeq, windowEdge) || force))
            {
                if (sendControl(finSeq, TcpHeader.ACK | TcpHeader.FIN, now))
                {
                    layer.events().increment(TcpEvent.DATA_SEGMENTS_SENT);
                    if (lessThan(finSeq, sndMax))
                    {
                        countRetransmission(0);
                    }
                    sndNxt = finSeq + 1;
                    sndMax = greaterThan(sndNxt, sndMax) ? sndNxt : sndMax;
                    startRetransmitTimer(now);
                    return SENT;
                }
            }
            return STOPPED;
        }
        if (send.isSacked(position) && lessOrEqual(send.end(position), sndMax))
        {
            sndNxt = send.end(position);
            return SKIPPED;
        }
        if (!greaterThan(windowEdge, sndNxt) && !force)
        {
            return STOPPED; // the window is full (or zero)
        }
        final int start = send.sequence(position);
        final int end = send.end(position);
        final int limit = force ? Math.max(windowEdge - sndNxt, 1) + sndNxt : windowEdge;
        final int stop = lessThan(end, limit) ? end : limit;
        final int newBytes = stop - sndNxt;
        final boolean cut = stop != end;
        final boolean last = position == send.size() - 1;
        if (cut)
        {
            // RFC 9293 §3.8.6.2.1 (sender SWS avoidance): send a part only if it is a full segment or at least
            // half the largest window the peer offered; otherwise wait (the persist timer overrides)
            if (newBytes < effSndMss && newBytes < maxSndWnd / 2 && !force)
            {
                return STOPPED;
            }
        }
        else if (last && end - start < effSndMss && !noDelay && !finQueued && sndUna != sndMax && !force)
        {
            return STOPPED; // RFC 9293 §3.7.4 (Nagle): a small segment waits while data is unacknowledged
        }
        final boolean fin = finQueued && last && !cut && lessThan(finSeq, limit);
        if (!sendSegment(position, start, stop - start, fin, now))
        {
            return STOPPED;
        }
        return SENT;
    }

    /** Transmits bytes [start, start + length) of send buffer {@code position}, with FIN if {@code fin}. */
    private boolean sendSegment(final int position, final int start, final int length, final boolean fin,
        final long now)
    {
        if (!transmitBuffer(position, start, length, fin, now))
        {
            return false;
        }
        final int end = start + length + (fin ? 1 : 0);
        if (lessThan(start, sndMax))
        {
            countRetransmission(Math.min(length, sndMax - start));
        }
        else if (!timing)
        {
            // time this segment (RFC 6298 §3: one at a time, never a retransmitted one)
            timing = true;
            timedSeq = end;
            timedAtNanos = now;
        }
        bytesSent += length;
        lastDataSentNanos = now;
        if (greaterThan(end, sndNxt))
        {
            sndNxt = end;
        }
        if (greaterThan(sndNxt, sndMax))
        {
            sndMax = sndNxt;
        }
        persistDeadline = NONE;
        startRetransmitTimer(now);
        return true;
    }

    private void countRetransmission(final int bytes)
    {
        layer.events().increment(TcpEvent.SEGMENTS_RETRANSMITTED);
        segmentsRetransmitted++;
        bytesRetransmitted += bytes;
        timing = false; // Karn
    }

    /** RFC 6298 (5.1): start the timer when data is sent and it is not running. */
    private void startRetransmitTimer(final long now)
    {
        if (retransmitDeadline == NONE)
        {
            retransmitDeadline = now + rtt.rto();
        }
    }

    /**
     * Writes the header in front of a send buffer's bytes and hands the buffer to IP, keeping our reference
     * (retained first: the TX ring releases its own when the device is done).
     */
    private boolean transmitBuffer(final int position, final int start, final int length, final boolean fin,
        final long now)
    {
        final int handle = send.handle(position);
        if (pool.referenceCount(handle) > 1)
        {
            // still on the TX ring (or waiting for ARP) from an earlier send: its headers must not change yet
            layer.events().increment(TcpEvent.OUTPUT_DEFERRED);
            layer.schedulePendingWork(this);
            return false;
        }
        final int tcpOffset = pool.offset(handle) + output.headroom(pool) + 20;
        int flags = TcpHeader.ACK;
        if (start + length == sendEnd)
        {
            flags |= TcpHeader.PSH; // RFC 9293 §3.9.1: the last segment of what the application wrote
        }
        if (fin)
        {
            flags |= TcpHeader.FIN;
        }
        writeHeader(memory, tcpOffset, start, flags, dataHeaderLength, now);
        final int segmentLength = dataHeaderLength + length;
        output.writeTransportChecksum(pool, handle, tcpOffset, segmentLength, TcpHeader.CHECKSUM_OFFSET, IpProtocol.TCP,
            remoteAddress);
        pool.retain(handle, BufferHolder.RETRANSMIT);
        layer.events().increment(TcpEvent.SEGMENTS_SENT);
        layer.events().increment(TcpEvent.DATA_SEGMENTS_SENT);
        if (!output.sendIpv4(pool, handle, segmentLength, IpProtocol.TCP, remoteAddress, false))
        {
            layer.events().increment(TcpEvent.SEND_FAILED); // lost like on the wire: the timer recovers
        }
        return true;
    }

    /** Header fields common to every segment we send with ACK: ACK = RCV.NXT, the window, timestamps. */
    private void writeHeader(final MutableDirectBuffer buffer, final int tcpOffset, final int seq, final int flags,
        final int headerLength, final long now)
    {
        final int window = advertisedWindow();
        TcpHeader.write(buffer, tcpOffset, localPort, remotePort, seq, rcvNxt, headerLength, flags, window);
        if (timestampsOn)
        {
            TcpOptions.writeTimestamps(buffer, tcpOffset + TcpHeader.MIN_HEADER_LENGTH, timestampNow(now), tsRecent);
        }
        lastAckSent = rcvNxt;
        ackNow = false;
        bytesSinceAck = 0;
        delayedAckDeadline = NONE;
    }

    /** Remembers a duplicate segment for the next ACK's D-SACK block (RFC 2883), where SACK was negotiated. */
    private void noteDuplicate(final int left, final int right)
    {
        if (sackPermitted)
        {
            dsackPending = true;
            dsackLeft = left;
            dsackRight = right;
        }
    }

    /**
     * A segment without data from a fresh buffer: ACK, FIN, keepalive probe; with SACK blocks while data is held
     * out of order (RFC 2018 §4: as many as fit, 3 beside timestamps, else 4).
     */
    private boolean sendControl(final int seq, final int flags, final long now)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            layer.events().increment(TcpEvent.SEND_NO_BUFFER);
            return false;
        }
        final int tcpOffset = pool.offset(handle) + output.headroom(pool) + 20;
        final int room = timestampsOn ? TcpOptions.MAX_SACK_BLOCKS_WITH_TIMESTAMPS : TcpOptions.MAX_SACK_BLOCKS;
        int blocks = 0;
        if (sackPermitted && dsackPending)
        {
            // RFC 2883 §4: a duplicate segment is reported as the first block, below the cumulative ACK or inside
            // the second block; the SACK blocks follow as RFC 2018 orders them
            sackLeft[0] = dsackLeft;
            sackRight[0] = dsackRight;
            blocks = 1;
            layer.events().increment(TcpEvent.DSACKS_SENT);
        }
        dsackPending = false;
        if (sackPermitted && outOfOrder.size() > 0)
        {
            blocks += outOfOrder.sackBlocks(sackLeft, sackRight, blocks, room - blocks);
        }
        final int headerLength = dataHeaderLength + TcpOptions.sackLength(blocks);
        writeHeader(memory, tcpOffset, seq, flags, headerLength, now);
        if (blocks > 0)
        {
            TcpOptions.writeSack(memory, tcpOffset + dataHeaderLength, sackLeft, sackRight, blocks);
            layer.events().increment(TcpEvent.SACK_ACKS_SENT);
        }
        sackPending = false;
        output.writeTransportChecksum(pool, handle, tcpOffset, headerLength, TcpHeader.CHECKSUM_OFFSET, IpProtocol.TCP,
            remoteAddress);
        layer.events().increment(TcpEvent.SEGMENTS_SENT);
        if (!output.sendIpv4(pool, handle, headerLength, IpProtocol.TCP, remoteAddress, false))
        {
            layer.events().increment(TcpEvent.SEND_FAILED);
        }
        return true;
    }

    /** SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) with our options. */
    private void sendSyn(final boolean withAck, final long now)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            layer.events().increment(TcpEvent.SEND_NO_BUFFER);
            return;
        }
        final int tcpOffset = pool.offset(handle) + output.headroom(pool) + 20;
        final boolean offerScale = withAck ? windowScaleOn : config.windowScaling();
        final boolean offerTimestamps = withAck ? timestampsOn : config.timestamps();
        final boolean offerSack = withAck ? sackPermitted : config.sackPermitted();
        if (!withAck)
        {
            offeredWindowScale = offerScale;
        }
        final int scale = offerScale ? windowScaleFor(config.receiveBufferBytes()) : -1;
        final int optionsLength = TcpOptions.synLength(scale, offerSack, offerTimestamps);
        final int headerLength = TcpHeader.MIN_HEADER_LENGTH + optionsLength;
        // RFC 7323 §2.2: the window in a SYN is never scaled
        final int window = Math.min(receiveSpace(), 0xFFFF);
        TcpHeader.write(memory, tcpOffset, localPort, remotePort, iss,
            withAck ? rcvNxt : 0, headerLength, withAck ? TcpHeader.SYN | TcpHeader.ACK : TcpHeader.SYN, window);
        TcpOptions.writeSyn(memory, tcpOffset + TcpHeader.MIN_HEADER_LENGTH, rcvMss, scale, offerSack,
            offerTimestamps, timestampNow(now), withAck ? tsRecent : 0);
        TcpHeader.writeChecksum(memory, tcpOffset, headerLength, localAddress, remoteAddress);
        if (withAck)
        {
            rcvEdge = rcvNxt + window;
            lastAckSent = rcvNxt;
            ackNow = false;
        }
        layer.events().increment(TcpEvent.SEGMENTS_SENT);
        if (!output.sendIpv4(pool, handle, headerLength, IpProtocol.TCP, remoteAddress, false))
        {
            layer.events().increment(TcpEvent.SEND_FAILED);
        }
    }

    /** TSval: milliseconds since an arbitrary per-connection origin (RFC 7323 §5.4: 1 ms to 1 s per tick). */
    private int timestampNow(final long now)
    {
        return (int)(now / 1_000_000L) + tsOffset;
    }

    // ================================================================ the receive window

    private int heldBuffers()
    {
        return received.size() + lentBuffers + outOfOrder.size();
    }

    /** What the application's buffers leave for new data: bytes and buffers both (RCV.BUFF - RCV.USER). */
    private int receiveSpace()
    {
        final int bytes = config.receiveBufferBytes() - received.bytes() - lentBytes - outOfOrder.bytes();
        final long buffers = (long)(config.maxReceiveBuffers() - heldBuffers()) * rcvMss;
        final long space = Math.min(bytes, buffers);
        return (int)Math.max(0, Math.min(space, (long)0xFFFF << rcvShift));
    }

    /**
     * The window field to send, and RCV.WND with it: the right edge moves right only by at least
     * min(RCV.BUFF / 2, MSS) (receiver SWS avoidance, RFC 9293 §3.8.6.2.2) and never moves left (§3.8.6.2.1).
     */
    private int advertisedWindow()
    {
        final int current = Math.max(0, rcvEdge - rcvNxt);
        final int space = receiveSpace();
        int window = current;
        if (space - current >= Math.min(config.receiveBufferBytes() / 2, rcvMss))
        {
            window = space;
        }
        int field = window >> rcvShift;
        final int unit = 1 << rcvShift;
        if ((field << rcvShift) < current)
        {
            field = (current + unit - 1) >> rcvShift; // rounding must not pull the edge left
        }
        field = Math.min(field, 0xFFFF);
        rcvEdge = rcvNxt + (field << rcvShift);
        return field;
    }

    /**
     * After the application gave buffers back: announce the opened window at once when the window the peer sees
     * is below a full segment (its sender SWS avoidance keeps it waiting) and it can now grow by the receiver's
     * SWS threshold, min(RCV.BUFF / 2, MSS) (RFC 9293 §3.8.6.2.2); otherwise the next ACK carries it.
     */
    private void maybeUpdateWindow(final long now)
    {
        if (state != TcpState.ESTABLISHED && state != TcpState.FIN_WAIT_1 && state != TcpState.FIN_WAIT_2)
        {
            return;
        }
        final int current = Math.max(0, rcvEdge - rcvNxt);
        final int threshold = Math.min(config.receiveBufferBytes() / 2, rcvMss);
        if (current < fullSegment() && receiveSpace() - current >= threshold)
        {
            layer.events().increment(TcpEvent.WINDOW_UPDATES);
            ackNow = true;
            afterEvent(now);
        }
    }

    // ================================================================ timers

    /** The wheel timer fired (at or after the earliest deadline). */
    void onTimer(final long now)
    {
        wheelTimerId = TcpLayer.NO_TIMER;
        wheelDeadline = NONE;
        if (state == TcpState.CLOSED)
        {
            return;
        }
        if (closeDeadline <= now)
        {
            closeDeadline = NONE;
            if (state == TcpState.TIME_WAIT)
            {
                layer.events().increment(TcpEvent.TIME_WAIT_EXPIRED);
                terminate(null);
            }
            else if (state == TcpState.FIN_WAIT_2)
            {
                layer.events().increment(TcpEvent.TIMED_OUT);
                terminate(null);
            }
            afterEvent(now);
            return;
        }
        if (delayedAckDeadline <= now)
        {
            delayedAckDeadline = NONE;
            if (state.isSynchronized() && (lastAckSent != rcvNxt || bytesSinceAck > 0))
            {
                layer.events().increment(TcpEvent.DELAYED_ACKS);
                ackNow = true;
            }
        }
        if (retransmitDeadline <= now)
        {
            retransmitDeadline = NONE;
            onRetransmissionTimeout(now);
            if (state == TcpState.CLOSED)
            {
                afterEvent(now);
                return;
            }
        }
        if (persistDeadline <= now)
        {
            persistDeadline = NONE;
            onPersistTimeout(now);
        }
        if (keepaliveDeadline <= now)
        {
            keepaliveDeadline = NONE;
            onKeepaliveTimeout(now);
            if (state == TcpState.CLOSED)
            {
                afterEvent(now);
                return;
            }
        }
        afterEvent(now);
    }

    /** RFC 6298 (5.4)-(5.6): retransmit the earliest unacknowledged segment, back off, restart the timer. */
    private void onRetransmissionTimeout(final long now)
    {
        layer.events().increment(TcpEvent.RETRANSMISSION_TIMEOUTS);
        retransmissions++;
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED)
        {
            if (retransmissions > config.maxSynRetransmissions())
            {
                layer.events().increment(TcpEvent.TIMED_OUT);
                terminate(state == TcpState.SYN_RECEIVED && passiveOpen ? null : TcpCloseReason.TIMEOUT);
                return;
            }
            synRetransmitted = true;
            rtt.backOff();
            layer.events().increment(TcpEvent.SEGMENTS_RETRANSMITTED);
            sendSyn(state == TcpState.SYN_RECEIVED, now);
            retransmitDeadline = now + rtt.rto();
            return;
        }
        if (sndUna == sndMax)
        {
            return; // nothing outstanding
        }
        if (retransmissions > config.maxRetransmissions())
        {
            layer.events().increment(TcpEvent.TIMED_OUT);
            terminate(TcpCloseReason.TIMEOUT);
            return;
        }
        // RFC 5681 §3.1 (4): ssthresh from the flight size (on the first timeout of this data); cwnd = 1 SMSS (the
        // loss window); RFC 6675 §5.1 and RFC 6582 §3.2 (4): recovery ends, none begins before SND.MAX is reached
        congestion.onRetransmissionTimeout(sndMax - sndUna, retransmissions == 1, now);
        recovery.onRetransmissionTimeout(sndMax);
        rtt.backOff();
        timing = false;
        // go back to SND.UNA: the earliest segment now, the rest as the window reopens
        sndNxt = sndUna;
        final int position = send.firstEndingAfter(sndUna);
        if (position >= 0)
        {
            final int start = send.sequence(position);
            final int end = send.end(position);
            final boolean fin = finQueued && position == send.size() - 1 && greaterThan(sndMax, finSeq);
            sendSegment(position, start, end - start, fin, now);
        }
        else if (finQueued && greaterThan(sndMax, finSeq))
        {
            if (sendControl(finSeq, TcpHeader.ACK | TcpHeader.FIN, now))
            {
                countRetransmission(0);
                sndNxt = finSeq + 1;
            }
        }
        retransmitDeadline = now + rtt.rto();
    }

    /**
     * The persist timer (RFC 9293 §3.8.6.1): probe a zero window with one byte beyond it, or, when the window is
     * open but too small for SWS avoidance to send, send what fits (the "override timeout" of §3.8.6.2.1).
     */
    private void onPersistTimeout(final long now)
    {
        if (!canSendData() || !hasDataToSend() || sndUna != sndMax && retransmitDeadline != NONE)
        {
            return;
        }
        persistBackoff++;
        final int usable = sndUna + Math.min(sndWnd, congestion.congestionWindow()) - sndNxt;
        if (usable > 0)
        {
            layer.events().increment(TcpEvent.SWS_OVERRIDE_SENDS);
            sendData(now, true);
        }
        else
        {
            layer.events().increment(TcpEvent.ZERO_WINDOW_PROBES);
            sendZeroWindowProbe(now);
        }
        if (hasDataToSend() && retransmitDeadline == NONE)
        {
            persistDeadline = now + persistInterval();
        }
    }

    /** One octet of new data past the window (SND.MAX moves so that its ACK is acceptable, SND.NXT does not). */
    private void sendZeroWindowProbe(final long now)
    {
        final int position = send.firstEndingAfter(sndNxt);
        if (position >= 0)
        {
            final int start = send.sequence(position);
            final int stop = sndNxt + 1;
            if (transmitBuffer(position, start, stop - start, false, now))
            {
                if (greaterThan(stop, sndMax))
                {
                    sndMax = stop;
                }
            }
        }
        else if (finQueued && lessOrEqual(sndNxt, finSeq))
        {
            if (sendControl(finSeq, TcpHeader.ACK | TcpHeader.FIN, now) && greaterThan(finSeq + 1, sndMax))
            {
                sndMax = finSeq + 1;
            }
        }
    }

    private long persistInterval()
    {
        final long base = Math.max(rtt.rto(), config.minRtoNanos());
        final int shift = Math.min(persistBackoff, 16);
        return Math.min(config.maxRtoNanos(), base << shift);
    }

    /** RFC 1122 §4.2.3.6: probe an idle connection; give it up after the configured unanswered probes. */
    private void onKeepaliveTimeout(final long now)
    {
        if (!keepalive || (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT))
        {
            return;
        }
        final long idleSince = lastReceivedNanos;
        if (keepaliveProbesSent == 0 && now - idleSince < config.keepaliveIdleNanos())
        {
            keepaliveDeadline = idleSince + config.keepaliveIdleNanos();
            return;
        }
        if (sndUna != sndMax || hasDataToSend())
        {
            keepaliveDeadline = now + config.keepaliveIdleNanos(); // the retransmission timer watches the peer
            return;
        }
        if (keepaliveProbesSent >= config.keepaliveProbes())
        {
            layer.events().increment(TcpEvent.TIMED_OUT);
            terminate(TcpCloseReason.KEEPALIVE_TIMEOUT);
            return;
        }
        keepaliveProbesSent++;
        layer.events().increment(TcpEvent.KEEPALIVE_PROBES);
        // <SEQ=SND.NXT-1><ACK=RCV.NXT>: an old sequence number that the peer must acknowledge
        sendControl(sndNxt - 1, TcpHeader.ACK, now);
        keepaliveDeadline = now + config.keepaliveIntervalNanos();
    }

    private long earliestDeadline()
    {
        return Math.min(Math.min(Math.min(retransmitDeadline, persistDeadline), Math.min(delayedAckDeadline,
            keepaliveDeadline)), closeDeadline);
    }

    private void armTimer()
    {
        if (state == TcpState.CLOSED)
        {
            return;
        }
        final long earliest = earliestDeadline();
        if (earliest < wheelDeadline)
        {
            layer.schedule(this, earliest);
        }
    }

    // ================================================================ ending

    /**
     * Deletes the TCB: releases the send queue, out-of-order segments and timers, leaves the connection table.
     * With a reason the application hears {@link TcpHandler#onReset} and queued data goes; without, queued data
     * stays readable until {@link #close()} (an orderly end).
     */
    private void terminate(final TcpCloseReason reason)
    {
        final TcpState was = state;
        state = TcpState.CLOSED;
        if (was == TcpState.SYN_RECEIVED && listener != null)
        {
            listener.onSynReceivedGone();
            listener = null;
        }
        else if (inAcceptQueue && listener != null)
        {
            listener.onQueuedConnectionGone(this);
            inAcceptQueue = false;
            listener = null;
        }
        retransmitDeadline = NONE;
        persistDeadline = NONE;
        delayedAckDeadline = NONE;
        keepaliveDeadline = NONE;
        closeDeadline = NONE;
        ackNow = false;
        releaseSendQueue();
        outOfOrder.clear(pool);
        layer.remove(this);
        removedFromTable = true;
        if (reason != null)
        {
            if (reason == TcpCloseReason.RESET || reason == TcpCloseReason.REFUSED)
            {
                layer.events().increment(TcpEvent.RESET_BY_PEER);
            }
            releaseReceiveQueue();
            resetReason = reason;
            events = (events & EVENT_ACCEPTABLE) | EVENT_RESET;
        }
        else if (received.size() > 0 && !applicationClosed)
        {
            lingering = true;
            layer.linger(this);
        }
        else
        {
            releaseReceiveQueue();
        }
        if (handler == null)
        {
            events = 0;
        }
    }

    private void releaseSendQueue()
    {
        while (send.size() > 0)
        {
            pool.release(send.removeFirst());
        }
        sendBytes = 0;
    }

    private void releaseReceiveQueue()
    {
        while (received.size() > 0)
        {
            pool.release(received.removeFirst());
        }
        if (lingering)
        {
            lingering = false;
            layer.unlinger(this);
        }
    }

    private void dispatchEvents()
    {
        if (dispatching)
        {
            return;
        }
        dispatching = true;
        try
        {
            while (events != 0)
            {
                final int pending = events;
                events = 0;
                try
                {
                    dispatch(pending);
                }
                catch (final RuntimeException ex)
                {
                    // the application's bug must not break the receive path: counted, kept for inspection
                    layer.onHandlerException(this, ex);
                }
            }
        }
        finally
        {
            dispatching = false;
        }
    }

    private void dispatch(final int pending)
    {
        if ((pending & EVENT_ACCEPTABLE) != 0 && listener != null)
        {
            listener.notifyAcceptable();
        }
        final TcpHandler h = handler;
        if (h == null)
        {
            return;
        }
        if ((pending & EVENT_CONNECTED) != 0 && (pending & EVENT_RESET) == 0)
        {
            h.onConnected(this);
        }
        if ((pending & EVENT_DATA) != 0 && received.size() > 0)
        {
            h.onData(this);
        }
        if ((pending & EVENT_PEER_CLOSED) != 0 && !peerClosedNotified && (pending & EVENT_RESET) == 0)
        {
            peerClosedNotified = true;
            h.onPeerClosed(this);
        }
        if ((pending & EVENT_WRITABLE) != 0 && isWritableState())
        {
            h.onWritable(this);
        }
        if ((pending & EVENT_RESET) != 0)
        {
            h.onReset(this, resetReason);
        }
        else if ((pending & EVENT_CLOSED) != 0)
        {
            h.onClosed(this);
        }
    }

    /** Pending callbacks and output from {@link TcpLayer#poll}. */
    void onPendingWork(final long now)
    {
        pendingWork = false;
        afterEvent(now);
    }

    /** Releases everything when the layer closes (no callbacks). */
    void closeByLayer()
    {
        handler = null;
        events = 0;
        if (state != TcpState.CLOSED)
        {
            terminate(null);
        }
        releaseReceiveQueue();
        events = 0;
    }

    // ================================================================ application interface

    private void checkUsable(final String what)
    {
        if (state == TcpState.CLOSED && resetReason != null)
        {
            throw new IllegalStateException("cannot " + what + ": the connection was " + resetReason +
                "; open a new one");
        }
    }

    private boolean isWritableState()
    {
        return (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT) && !outputShutdown;
    }

    /** Bytes that {@link #write} would accept now. */
    public int writableBytes()
    {
        if (!isWritableState())
        {
            return 0;
        }
        final int bytes = config.sendBufferBytes() - sendBytes;
        final int tailRoom = appendableRoom();
        final long buffers = (long)(config.maxSendBuffers() - send.size()) * effSndMss + tailRoom;
        return (int)Math.max(0, Math.min(bytes, buffers));
    }

    /** Room in the last send buffer, if no byte of it has gone out yet (it is not on the wire: it can grow). */
    private int appendableRoom()
    {
        if (send.size() == 0)
        {
            return 0;
        }
        final int last = send.size() - 1;
        if (greaterThan(sndMax, send.sequence(last)) || pool.referenceCount(send.handle(last)) > 1)
        {
            return 0;
        }
        return effSndMss - send.length(last);
    }

    /**
     * SEND (RFC 9293 §3.10.2): copies up to {@code length} bytes into TX buffers (appending to the last one while
     * it has not been sent) and sends what the windows allow.
     *
     * @return the bytes accepted (0 before the connection is established or when the send buffer is full; then
     * {@link TcpHandler#onWritable} follows when space frees).
     * @throws IllegalStateException after {@link #shutdownOutput()}, {@link #close()} or a reset.
     */
    public int write(final DirectBuffer source, final int offset, final int length)
    {
        checkUsable("write");
        if (outputShutdown || applicationClosed)
        {
            throw new IllegalStateException("cannot write after shutdownOutput() or close(): the FIN is queued");
        }
        if (state == TcpState.CLOSED)
        {
            throw new IllegalStateException("cannot write: the connection is closed");
        }
        if (!isWritableState())
        {
            writeBlocked = true;
            return 0;
        }
        int written = 0;
        // fill the last buffer first (it has not been sent yet)
        final int room = Math.min(appendableRoom(), config.sendBufferBytes() - sendBytes);
        if (room > 0 && length > 0)
        {
            final int n = Math.min(room, length);
            final int last = send.size() - 1;
            final int at = payloadOffset(send.handle(last)) + send.length(last);
            memory.putBytes(at, source, offset, n);
            send.grow(last, n);
            sendEnd += n;
            sendBytes += n;
            written += n;
        }
        while (written < length && !send.isFull() && sendBytes < config.sendBufferBytes())
        {
            final int handle = pool.claim(BufferHolder.TX_BUILD);
            if (handle == PacketBufferPool.NO_BUFFER)
            {
                layer.events().increment(TcpEvent.SEND_NO_BUFFER);
                break;
            }
            final int n = Math.min(Math.min(effSndMss, length - written), config.sendBufferBytes() - sendBytes);
            memory.putBytes(payloadOffset(handle), source, offset + written, n);
            pool.handOver(handle, BufferHolder.RETRANSMIT);
            send.add(handle, sendEnd, n);
            sendEnd += n;
            sendBytes += n;
            written += n;
        }
        if (written < length)
        {
            writeBlocked = true;
            if (send.isFull() || sendBytes >= config.sendBufferBytes())
            {
                layer.events().increment(TcpEvent.SEND_BUFFER_FULL);
            }
        }
        if (written > 0)
        {
            afterEvent(layer.now());
        }
        return written;
    }

    private int payloadOffset(final int handle)
    {
        return pool.offset(handle) + output.headroom(pool) + 20 + dataHeaderLength;
    }

    /**
     * Claims a TX buffer to write one segment's payload into directly (zero copy).
     *
     * @return false when the send buffer is full or no buffer is free ({@link TcpHandler#onWritable} follows).
     */
    public boolean claim(final TcpWriteBuffer into)
    {
        checkUsable("claim");
        if (into.isClaimed())
        {
            throw new IllegalStateException("this TcpWriteBuffer is already claimed: commit or abandon it first");
        }
        if (outputShutdown || applicationClosed || state == TcpState.CLOSED)
        {
            throw new IllegalStateException("cannot claim after shutdownOutput(), close() or the end of the " +
                "connection");
        }
        if (!isWritableState() || send.isFull() || sendBytes >= config.sendBufferBytes())
        {
            if (isWritableState())
            {
                layer.events().increment(TcpEvent.SEND_BUFFER_FULL);
            }
            writeBlocked = true;
            return false;
        }
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            layer.events().increment(TcpEvent.SEND_NO_BUFFER);
            writeBlocked = true;
            return false;
        }
        into.connection = this;
        into.pool = pool;
        into.handle = handle;
        into.offset = payloadOffset(handle);
        into.capacity = Math.min(effSndMss, config.sendBufferBytes() - sendBytes);
        return true;
    }

    /** Queues the first {@code length} bytes written into a claimed buffer as one segment, and sends. */
    public void commit(final TcpWriteBuffer buffer, final int length)
    {
        buffer.checkClaimed(this);
        if (length < 0 || length > buffer.capacity)
        {
            throw new IllegalArgumentException("commit of " + length + " B: the claim holds 0.." + buffer.capacity);
        }
        final int handle = buffer.handle;
        buffer.handle = PacketBufferPool.NO_BUFFER;
        buffer.connection = null;
        if (length == 0 || state == TcpState.CLOSED || outputShutdown)
        {
            pool.release(handle);
            if (length > 0)
            {
                throw new IllegalStateException("cannot commit: the connection's output closed since the claim");
            }
            return;
        }
        pool.handOver(handle, BufferHolder.RETRANSMIT);
        send.add(handle, sendEnd, length);
        sendEnd += length;
        sendBytes += length;
        afterEvent(layer.now());
    }

    /** Gives a claimed buffer back unsent. */
    public void abandon(final TcpWriteBuffer buffer)
    {
        buffer.checkClaimed(this);
        final int handle = buffer.handle;
        buffer.handle = PacketBufferPool.NO_BUFFER;
        buffer.connection = null;
        pool.release(handle);
    }

    /** Bytes of in-order data ready to read. */
    public int readable()
    {
        return received.bytes();
    }

    /**
     * RECEIVE: lends the oldest in-order slice of data to the application (zero copy) until
     * {@link TcpSlice#release()}.
     *
     * @return false when no data is queued.
     */
    public boolean read(final TcpSlice into)
    {
        if (received.size() == 0)
        {
            return false;
        }
        final int length = received.firstLength();
        final int offset = received.firstOffset();
        final int handle = received.firstHandle();
        into.lend(this, pool, handle, offset, length);
        received.removeFirst();
        pool.handOver(handle, BufferHolder.APPLICATION);
        lentBytes += length;
        lentBuffers++;
        if (lingering && received.size() == 0)
        {
            lingering = false;
            layer.unlinger(this);
        }
        return true;
    }

    /** RECEIVE with a copy: up to {@code length} bytes into {@code destination}; returns the bytes copied. */
    public int read(final MutableDirectBuffer destination, final int offset, final int length)
    {
        int copied = 0;
        while (copied < length && received.size() > 0)
        {
            final int n = Math.min(length - copied, received.firstLength());
            destination.putBytes(offset + copied, memory, received.firstOffset(), n);
            copied += n;
            if (n == received.firstLength())
            {
                pool.release(received.removeFirst());
            }
            else
            {
                received.consumeFirst(n);
            }
        }
        if (copied > 0)
        {
            if (lingering && received.size() == 0)
            {
                lingering = false;
                layer.unlinger(this);
            }
            maybeUpdateWindow(layer.now());
        }
        return copied;
    }

    void onSliceReleased(final PacketBufferPool from, final int handle, final int length)
    {
        lentBytes -= length;
        lentBuffers--;
        from.release(handle);
        if (state != TcpState.CLOSED)
        {
            maybeUpdateWindow(layer.now());
        }
    }

    /** Whether the peer's FIN arrived and every byte before it has been read: end of stream. */
    public boolean isEndOfStream()
    {
        return finReceived && received.size() == 0;
    }

    /**
     * CLOSE of the sending direction (half-close, RFC 9293 §3.10.4): the FIN follows the queued data; reading
     * goes on until the peer's FIN. In SYN-SENT the connection is simply deleted.
     */
    public void shutdownOutput()
    {
        if (outputShutdown || state == TcpState.CLOSED)
        {
            outputShutdown = true;
            return;
        }
        outputShutdown = true;
        switch (state)
        {
            case SYN_SENT ->
            {
                terminate(null); // "delete the TCB"
                return;
            }
            case SYN_RECEIVED -> queueFin(); // sent once ESTABLISHED (enterEstablished)
            case ESTABLISHED ->
            {
                queueFin();
                state = TcpState.FIN_WAIT_1;
            }
            case CLOSE_WAIT ->
            {
                queueFin();
                state = TcpState.LAST_ACK;
            }
            default ->
            {
            }
        }
        afterEvent(layer.now());
    }

    private void queueFin()
    {
        finQueued = true;
        finSeq = sendEnd;
    }

    /**
     * CLOSE (RFC 9293 §3.10.4): no more sending or reading. Queued data still goes out before the FIN; with data
     * unread (or arriving later) the connection is reset instead, so the peer knows it was lost (RFC 1122
     * §4.2.2.13). No callbacks follow except {@link TcpHandler#onClosed} when the close completes in order.
     */
    public void close()
    {
        if (applicationClosed)
        {
            return;
        }
        applicationClosed = true;
        if (state == TcpState.CLOSED)
        {
            releaseReceiveQueue();
            return;
        }
        if (received.size() > 0)
        {
            abort();
            return;
        }
        if (state == TcpState.FIN_WAIT_2)
        {
            closeDeadline = layer.now() + config.finWait2TimeoutNanos();
        }
        shutdownOutput();
        afterEvent(layer.now());
    }

    /**
     * ABORT (RFC 9293 §3.10.5): sends a reset in the synchronized states and SYN-RECEIVED, then deletes the
     * connection; queued data in both directions is dropped. No callback follows.
     */
    public void abort()
    {
        applicationClosed = true;
        outputShutdown = true;
        switch (state)
        {
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT ->
                // <SEQ=SND.NXT><CTL=RST>, with SND.MAX standing for a SND.NXT a timeout moved back
                layer.sendReset(remoteAddress, localPort, remotePort, sndMax, 0, false);
            default ->
            {
            }
        }
        if (state != TcpState.CLOSED)
        {
            layer.events().increment(TcpEvent.ABORTED);
            final TcpHandler h = handler;
            handler = null;
            terminate(TcpCloseReason.ABORTED);
            handler = h;
        }
        releaseReceiveQueue();
        events = 0;
    }

    /** Turns keepalive probes on or off (RFC 1122 §4.2.3.6: off unless asked for). */
    public void keepalive(final boolean on)
    {
        keepalive = on;
        if (on && state.isSynchronized() && state != TcpState.TIME_WAIT)
        {
            keepaliveDeadline = lastReceivedNanos + config.keepaliveIdleNanos();
            armTimer();
        }
        else if (!on)
        {
            keepaliveDeadline = NONE;
        }
    }

    /** Disables (true) or enables Nagle's algorithm for this connection. */
    public void noDelay(final boolean on)
    {
        noDelay = on;
        if (on && state != TcpState.CLOSED)
        {
            afterEvent(layer.now());
        }
    }

    // ================================================================ views

    public TcpState state()
    {
        return state;
    }

    public int localAddress()
    {
        return localAddress;
    }

    public int localPort()
    {
        return localPort;
    }

    public int remoteAddress()
    {
        return remoteAddress;
    }

    public int remotePort()
    {
        return remotePort;
    }

    long key()
    {
        return key;
    }

    public TcpCloseReason resetReason()
    {
        return resetReason;
    }

    /** The effective send MSS: payload bytes per full segment (RFC 9293 §3.7.1). */
    public int effectiveSendMss()
    {
        return effSndMss;
    }

    /** The peer's MSS option (536 when it sent none). */
    public int peerMss()
    {
        return sendMss;
    }

    /** The MSS we announce: the interface MTU minus 40. */
    public int announcedMss()
    {
        return rcvMss;
    }

    public boolean windowScalingOn()
    {
        return windowScaleOn;
    }

    /** Snd.Wind.Shift: the peer's window scale (RFC 7323 §2.3). */
    public int sendWindowShift()
    {
        return sndShift;
    }

    /** Rcv.Wind.Shift: ours. */
    public int receiveWindowShift()
    {
        return rcvShift;
    }

    public boolean timestampsOn()
    {
        return timestampsOn;
    }

    public boolean sackPermitted()
    {
        return sackPermitted;
    }

    public int sendWindow()
    {
        return sndWnd;
    }

    /** The window we last advertised (RCV.WND, in bytes). */
    public int receiveWindow()
    {
        return Math.max(0, rcvEdge - rcvNxt);
    }

    public int congestionWindow()
    {
        return congestion.congestionWindow();
    }

    /** The congestion control of this connection ({@link TcpConfig#congestionControl()}). */
    public CongestionControl congestionControl()
    {
        return congestion;
    }

    /** ssthresh ({@link Integer#MAX_VALUE} until the first loss). */
    public int slowStartThreshold()
    {
        return congestion.slowStartThreshold();
    }

    /** Whether fast recovery (RFC 6675 with SACK, RFC 6582 without) is under way. */
    public boolean inLossRecovery()
    {
        return recovery.inRecovery();
    }

    /** Loss recoveries entered on duplicate ACKs or SACK (fast retransmits). */
    public long lossRecoveries()
    {
        return recovery.recoveries();
    }

    /** The current retransmission timeout in nanoseconds. */
    public long retransmissionTimeoutNanos()
    {
        return rtt.rto();
    }

    /** SRTT in nanoseconds, or -1 before the first sample. */
    public long smoothedRttNanos()
    {
        return rtt.srtt();
    }

    /** Bytes written and not yet acknowledged. */
    public int unacknowledgedBytes()
    {
        return sendBytes;
    }

    public long bytesSent()
    {
        return bytesSent;
    }

    public long bytesRetransmitted()
    {
        return bytesRetransmitted;
    }

    public long bytesReceived()
    {
        return bytesReceived;
    }

    public long segmentsRetransmitted()
    {
        return segmentsRetransmitted;
    }

    /** Segments held out of order. */
    public int outOfOrderSegments()
    {
        return outOfOrder.size();
    }

    /** Receive buffers the application holds as slices. */
    public int lentBuffers()
    {
        return lentBuffers;
    }

    @Override
    public String toString()
    {
        return "TcpConnection[" + Ipv4Address.toString(localAddress) + ":" + localPort + " -> " +
            Ipv4Address.toString(remoteAddress) + ":" + remotePort + " " + state + "]";
    }
}
