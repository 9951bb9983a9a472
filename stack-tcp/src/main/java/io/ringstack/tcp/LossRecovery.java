package io.ringstack.tcp;

import static io.ringstack.tcp.wire.SequenceNumber.greaterOrEqual;
import static io.ringstack.tcp.wire.SequenceNumber.greaterThan;

/**
 * Loss recovery driven by duplicate ACKs: with a SACK-permitted peer the conservative SACK-based algorithm of
 * RFC 6675, otherwise fast retransmit and NewReno's fast recovery (RFC 5681 §3.2, RFC 6582); limited transmit
 * (RFC 3042) before either. It decides; {@link TcpConnection} sends.
 * <pre>
 *   ACKs ──▶ DupAcks ≥ DupThresh, or IsLost(SND.UNA) with SACK ──▶ recovery: RecoveryPoint = SND.MAX,
 *            (not before SND.UNA reaches the last RecoveryPoint)      cwnd reduced once, SND.UNA's segment resent
 *
 *   in recovery, SACK:    send while cwnd - pipe ≥ SMSS, what NextSeg chooses (rules 1-4, {@link SackScoreboard})
 *   in recovery, NewReno: cwnd = ssthresh + 3 SMSS, + SMSS per duplicate ACK; a partial ACK resends the next
 *                         hole and deflates cwnd by what it acknowledged (+ SMSS)
 *   ACK ≥ RecoveryPoint:  recovery ends (NewReno: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS))
 *   retransmission timeout: recovery ends, RecoveryPoint = SND.MAX (RFC 6675 §5.1, RFC 6582 §3.2 (4))
 * </pre>
 */
final class LossRecovery
{
    /** RFC 5681 §3.2 / RFC 6675 §2: DupThresh. */
    static final int DUP_THRESH = SackScoreboard.DUP_THRESH;

    private final SackScoreboard scoreboard;
    private CongestionControl congestion;
    private boolean sack;
    private boolean inRecovery;
    /** RecoveryPoint (RFC 6675) or "recover" (RFC 6582): SND.MAX when recovery began or the timer expired. */
    private int recoveryPoint;
    /** No new recovery until SND.UNA reaches RecoveryPoint (RFC 6582 §3.2 (2), RFC 6675 §5.1). */
    private boolean gated;
    private int dupAcks;
    /** HighRxt: the sequence number after the highest octet retransmitted in this recovery. */
    private int highRxt;
    /** RescueRxt, defined once set in this recovery. */
    private int rescueRxt;
    private boolean rescueDefined;
    private boolean partialAckSeen;
    private boolean retransmitFirst;
    private boolean keepTimer;
    private boolean windowMayGrow;
    private long recoveries;
    private long partialAcks;
    private long rescues;

    LossRecovery(final SackScoreboard scoreboard)
    {
        this.scoreboard = scoreboard;
    }

    /** The connection is established; {@code sackPermitted}: both sides agreed to SACK (RFC 2018 §2). */
    void start(final CongestionControl congestionControl, final boolean sackPermitted)
    {
        congestion = congestionControl;
        sack = sackPermitted;
        inRecovery = false;
        gated = false;
        dupAcks = 0;
        retransmitFirst = false;
    }

    /**
     * One acceptable ACK, after SND.UNA moved (by {@code acked} bytes) and the scoreboard took its blocks.
     *
     * @param duplicate a duplicate ACK: RFC 5681 §2's definition, or with SACK one that SACKs new data (RFC 6675
     *                  §2: counted even when it also moves SND.UNA)
     */
    void onAck(final int acked, final boolean duplicate, final int sndUna, final int sndMax, final int smss,
        final long now)
    {
        keepTimer = false;
        windowMayGrow = acked > 0 && !inRecovery;
        if (acked > 0)
        {
            dupAcks = 0; // RFC 6675 §5: "If the incoming ACK is a cumulative acknowledgment, reset DupAcks"
            if (gated && greaterOrEqual(sndUna, recoveryPoint))
            {
                gated = false;
            }
            if (inRecovery)
            {
                if (greaterOrEqual(sndUna, recoveryPoint))
                {
                    exit(sndMax - sndUna, smss);
                }
                else if (!sack)
                {
                    partialAck(acked, smss);
                }
            }
        }
        if (duplicate)
        {
            if (inRecovery)
            {
                if (!sack)
                {
                    // RFC 5681 §3.2 (4), RFC 6582 §3.2 (4): each further duplicate ACK inflates the window
                    congestion.congestionWindow(congestion.congestionWindow() + smss);
                }
            }
            else
            {
                dupAcks++;
            }
        }
        if (!inRecovery && !gated && sndUna != sndMax &&
            (dupAcks >= DUP_THRESH || sack && scoreboard.anySacked() && scoreboard.isLost(sndUna, smss)))
        {
            enter(sndUna, sndMax, smss, now);
        }
    }

    /** RFC 6675 §5 (4), RFC 5681 §3.2 (2)-(3), RFC 6582 §3.2 (2): fast retransmit, and recovery begins. */
    private void enter(final int sndUna, final int sndMax, final int smss, final long now)
    {
        inRecovery = true;
        gated = true;
        recoveries++;
        recoveryPoint = sndMax;
        partialAckSeen = false;
        congestion.onCongestionEvent(sndMax - sndUna, now);
        if (!sack)
        {
            // RFC 6582 §3.2 (3): cwnd = ssthresh + 3 * SMSS, for the three segments that left the network
            congestion.congestionWindow(congestion.slowStartThreshold() + 3 * smss);
        }
        highRxt = sndUna;
        rescueDefined = false;
        retransmitFirst = true;
    }

    /** RFC 6582 §3.2 (5): a partial ACK shows the next hole; resend it and deflate the window. */
    private void partialAck(final int acked, final int smss)
    {
        partialAcks++;
        retransmitFirst = true;
        int window = congestion.congestionWindow() - acked;
        if (acked >= smss)
        {
            window += smss;
        }
        congestion.congestionWindow(window);
        // "For the first partial ACK that arrives during fast recovery, also reset the retransmit timer" (and
        // only then: the Impatient variant, RFC 6582 §4)
        keepTimer = partialAckSeen;
        partialAckSeen = true;
    }

    /** The ACK covers RecoveryPoint: recovery ends (RFC 6675 §5, RFC 6582 §3.2 (3) "Full acknowledgments"). */
    private void exit(final int flightSize, final int smss)
    {
        inRecovery = false;
        retransmitFirst = false;
        if (!sack)
        {
            final int ssthresh = congestion.slowStartThreshold();
            congestion.congestionWindow(Math.min(ssthresh, Math.max(flightSize, smss) + smss));
        }
    }

    /** RFC 6675 §5.1, RFC 6582 §3.2 (4): after a retransmission timeout recovery ends and waits for SND.MAX. */
    void onRetransmissionTimeout(final int sndMax)
    {
        inRecovery = false;
        gated = true;
        recoveryPoint = sndMax;
        dupAcks = 0;
        retransmitFirst = false;
    }

    /**
     * The segment at SND.UNA was resent (at entry or after a partial ACK): RFC 6675 §5 (4.3) sets HighRxt and
     * RescueRxt to its end.
     */
    void onFirstRetransmitted(final int end)
    {
        retransmitFirst = false;
        if (sack && greaterThan(end, highRxt))
        {
            highRxt = end;
            rescueRxt = end;
            rescueDefined = true;
        }
    }

    /** A retransmission chosen by NextSeg (rule 1, 3 or 4) went out. */
    void onRetransmitted(final int rule, final int end)
    {
        if (rule == 4)
        {
            rescues++;
            rescueRxt = recoveryPoint; // "HighRxt MUST NOT be updated"
            rescueDefined = true;
        }
        else if (greaterThan(end, highRxt))
        {
            highRxt = end;
        }
    }

    /** The peer reneged (RFC 2018 §8): what the scoreboard said is void. */
    void onReneged()
    {
        scoreboard.clear();
    }

    boolean inRecovery()
    {
        return inRecovery;
    }

    /** In RFC 6675 recovery: transmissions follow pipe and NextSeg. */
    boolean inSackRecovery()
    {
        return inRecovery && sack;
    }

    /** Whether the segment at SND.UNA is owed a retransmission. */
    boolean retransmitFirst()
    {
        return retransmitFirst;
    }

    /** The last ACK was a partial ACK after the first one: the retransmission timer keeps running (RFC 6582 §4). */
    boolean keepTimer()
    {
        return keepTimer;
    }

    /** The last ACK acknowledged new data outside recovery: cwnd may grow. */
    boolean windowMayGrow()
    {
        return windowMayGrow;
    }

    /**
     * What may be in flight beyond cwnd outside recovery: RFC 3042's limited transmit, one SMSS for each of the
     * first two duplicate ACKs; with SACK the bytes the peer holds above a hole (RFC 6675's pipe leaves them
     * out), which the duplicate ACKs reported.
     */
    int allowanceBeyondWindow(final int smss, final int sackedBytes)
    {
        if (inRecovery)
        {
            return 0;
        }
        return sack ? sackedBytes : Math.min(dupAcks, DUP_THRESH - 1) * smss;
    }

    int highRxt()
    {
        return highRxt;
    }

    int recoveryPoint()
    {
        return recoveryPoint;
    }

    /** RFC 6675 NextSeg (4): "If HighACK is greater than RescueRxt (or RescueRxt is undefined)". */
    boolean rescueAllowed(final int sndUna)
    {
        return !rescueDefined || greaterThan(sndUna, rescueRxt);
    }

    int dupAcks()
    {
        return dupAcks;
    }

    long recoveries()
    {
        return recoveries;
    }

    long partialAcks()
    {
        return partialAcks;
    }

    long rescues()
    {
        return rescues;
    }
}
