package io.ringstack.tcp;

import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link LossRecovery}'s decisions with {@link NewReno}'s window, ACK by ACK: RFC 5681 §3.2 fast retransmit,
 * RFC 6582's partial and full ACKs, RFC 3042's allowance, RFC 6675's entry on IsLost(SND.UNA), and the timeouts'
 * RecoveryPoint (RFC 6675 §5.1, RFC 6582 §3.2 (4)). SMSS 1000; 20 segments outstanding from 0.
 */
class LossRecoveryStateTest
{
    private static final int SMSS = 1000;
    private static final long NOW = 0;

    private final SendQueue queue = new SendQueue(64);
    private final SackScoreboard board = new SackScoreboard(queue);
    private final LossRecovery recovery = new LossRecovery(board);
    private final NewReno window = new NewReno();
    private int sndUna;
    private final int sndMax = 20 * SMSS;

    @BeforeEach
    void outstanding()
    {
        for (int i = 0; i < 20; i++)
        {
            queue.add(i, i * SMSS, SMSS);
        }
        window.start(SMSS, NOW);
        window.congestionWindow(20 * SMSS);
    }

    private void duplicate()
    {
        recovery.onAck(0, true, sndUna, sndMax, SMSS, NOW);
    }

    private void ack(final int upTo)
    {
        final int acked = upTo - sndUna;
        sndUna = upTo;
        while (queue.size() > 0 && queue.end(0) - sndUna <= 0)
        {
            queue.removeFirst();
        }
        recovery.onAck(acked, false, sndUna, sndMax, SMSS, NOW);
    }

    @Test
    void newRenoFastRetransmitInflationPartialAndFullAcks()
    {
        recovery.start(window, false);
        assertEquals(10 * SMSS, CongestionControl.initialWindow(SMSS), "RFC 6928");
        duplicate();
        assertEquals(SMSS, recovery.allowanceBeyondWindow(SMSS, 0), "RFC 3042: one SMSS per duplicate ACK");
        duplicate();
        assertEquals(2 * SMSS, recovery.allowanceBeyondWindow(SMSS, 0));
        assertFalse(recovery.inRecovery());
        duplicate();
        assertTrue(recovery.inRecovery(), "the third duplicate ACK");
        assertTrue(recovery.retransmitFirst(), "fast retransmit of SND.UNA's segment");
        assertEquals(10 * SMSS, window.slowStartThreshold(), "ssthresh = FlightSize / 2");
        assertEquals(13 * SMSS, window.congestionWindow(), "cwnd = ssthresh + 3 SMSS");
        assertEquals(0, recovery.allowanceBeyondWindow(SMSS, 0));
        recovery.onFirstRetransmitted(SMSS);
        assertFalse(recovery.retransmitFirst());
        duplicate();
        duplicate();
        assertEquals(15 * SMSS, window.congestionWindow(), "+ SMSS per further duplicate ACK");
        // RFC 6582 §3.2 (5): first partial ACK, 4 segments: resend, deflate by 4000, add back 1000, reset timer
        ack(4 * SMSS);
        assertTrue(recovery.inRecovery());
        assertTrue(recovery.retransmitFirst());
        assertEquals(12 * SMSS, window.congestionWindow());
        assertFalse(recovery.keepTimer(), "the first partial ACK restarts the timer");
        assertFalse(recovery.windowMayGrow());
        recovery.onFirstRetransmitted(5 * SMSS);
        // a second partial ACK of less than an SMSS: deflate only, and the timer keeps running (Impatient)
        ack(4 * SMSS + 500);
        assertEquals(12 * SMSS - 500, window.congestionWindow());
        assertTrue(recovery.keepTimer());
        assertEquals(1, recovery.recoveries());
        assertEquals(2, recovery.partialAcks());
        // the full ACK (RecoveryPoint = 20000): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
        ack(20 * SMSS);
        assertFalse(recovery.inRecovery());
        assertEquals(2 * SMSS, window.congestionWindow());
        assertFalse(recovery.windowMayGrow(), "not on the ACK that ends recovery");
    }

    @Test
    void fullAckWithDataStillInFlightTakesSsthresh()
    {
        recovery.start(window, false);
        duplicate();
        duplicate();
        duplicate();
        recovery.onFirstRetransmitted(SMSS);
        // RecoveryPoint is 20000; pretend more was sent meanwhile by acknowledging up to it with SND.MAX higher
        final int acked = 20 * SMSS;
        recovery.onAck(acked, false, 20 * SMSS, 40 * SMSS, SMSS, NOW);
        assertFalse(recovery.inRecovery());
        assertEquals(window.slowStartThreshold(), window.congestionWindow(), "min(ssthresh, FlightSize + SMSS)");
    }

    @Test
    void afterATimeoutNoRecoveryBeginsBeforeTheOldSndMaxIsAcknowledged()
    {
        recovery.start(window, false);
        duplicate();
        duplicate();
        duplicate();
        assertTrue(recovery.inRecovery());
        recovery.onRetransmissionTimeout(sndMax);
        window.onRetransmissionTimeout(sndMax - sndUna, true, NOW);
        assertFalse(recovery.inRecovery(), "RFC 6675 §5.1: the timeout ends recovery");
        assertEquals(SMSS, window.congestionWindow(), "the loss window");
        ack(2 * SMSS);
        duplicate();
        duplicate();
        duplicate();
        duplicate();
        assertFalse(recovery.inRecovery(), "RFC 6582 §3.2 (2): SND.UNA has not reached recover");
        ack(20 * SMSS);
        assertFalse(recovery.inRecovery());
        assertEquals(1, recovery.recoveries());
    }

    @Test
    void withSackRecoveryBeginsWhenSndUnaIsLostEvenBeforeThreeDuplicateAcks()
    {
        recovery.start(window, true);
        // one ACK SACKs three segments above a hole at 0: IsLost(SND.UNA) (RFC 6675 §5 (2))
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[40]);
        final TcpOptions options = new TcpOptions();
        options.parse(wire, 0, TcpOptions.writeSack(wire, 0, new int[] { SMSS }, new int[] { 4 * SMSS }, 1));
        assertTrue(board.update(options, 0, sndMax));
        duplicate();
        assertEquals(1, recovery.dupAcks());
        assertTrue(recovery.inRecovery());
        assertTrue(recovery.inSackRecovery());
        assertEquals(10 * SMSS, window.congestionWindow(), "cwnd = ssthresh = FlightSize / 2, no inflation");
        recovery.onFirstRetransmitted(SMSS);
        assertEquals(SMSS, recovery.highRxt(), "RFC 6675 (4.3): HighRxt = the resent segment's end");
        assertFalse(recovery.rescueAllowed(0), "RescueRxt too");
        assertTrue(recovery.rescueAllowed(2 * SMSS));
        recovery.onRetransmitted(4, 19 * SMSS);
        assertFalse(recovery.rescueAllowed(2 * SMSS), "one rescue per recovery: RescueRxt = RecoveryPoint");
        assertEquals(SMSS, recovery.highRxt(), "a rescue leaves HighRxt");
        recovery.onRetransmitted(1, 5 * SMSS);
        assertEquals(5 * SMSS, recovery.highRxt());
        // partial ACKs change nothing in RFC 6675 recovery; the ACK of RecoveryPoint ends it
        ack(4 * SMSS);
        assertTrue(recovery.inRecovery());
        assertFalse(recovery.retransmitFirst());
        ack(20 * SMSS);
        assertFalse(recovery.inRecovery());
        assertEquals(10 * SMSS, window.congestionWindow());
    }
}
