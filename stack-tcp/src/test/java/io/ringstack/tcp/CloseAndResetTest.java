package io.ringstack.tcp;

import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Closing (both orders, half-close, simultaneous), simultaneous open, resets, TIME-WAIT. */
class CloseAndResetTest
{
    private static final TcpConfig CONFIG = TcpConfig.defaults().withRto(1_000_000_000L, 200_000_000L, 60_000_000_000L);

    private static final class Connected
    {
        final TcpPair pair;
        final Collector client = new Collector();
        final TcpConnection c;
        final TcpConnection s;
        final Collector server;

        Connected(final TcpPair pair)
        {
            this.pair = pair;
            pair.serveOnB(80, 8);
            c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            s = pair.accepted.get(0);
            server = pair.acceptedCollectors.get(0);
        }
    }

    private static UnsafeBuffer bytes(final int n, final int seed)
    {
        final byte[] data = new byte[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (byte)(i * 31 + seed);
        }
        return new UnsafeBuffer(data);
    }

    @Test
    void serverClosesFirst()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.s.close();
            assertTrue(pair.runUntil(() -> x.client.peerClosed, 100));
            assertEquals(TcpState.CLOSE_WAIT, x.c.state());
            assertTrue(x.c.isEndOfStream());
            assertEquals(TcpState.FIN_WAIT_2, x.s.state());
            x.c.close();
            assertTrue(pair.runUntil(() -> x.c.state() == TcpState.CLOSED, 100));
            assertEquals(TcpState.TIME_WAIT, x.s.state());
            assertTrue(x.client.closed, "the passive closer hears onClosed when its FIN is acknowledged");
            assertEquals(List.of("connected", "peer-closed", "closed"), x.client.events);
        }
    }

    @Test
    void halfCloseKeepsTheOtherDirectionOpen()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.write(bytes(3000, 1), 0, 3000);
            x.c.shutdownOutput();
            assertEquals(TcpState.FIN_WAIT_1, x.c.state());
            assertThrows(IllegalStateException.class, () -> x.c.write(bytes(1, 1), 0, 1));
            assertTrue(pair.runUntil(() -> x.server.peerClosed, 100));
            assertEquals(3000, x.server.data.size(), "the FIN came after all the data");
            assertEquals(TcpState.FIN_WAIT_2, x.c.state());
            // the server keeps sending into the half-closed connection
            assertEquals(50_000, x.s.write(bytes(50_000, 2), 0, 50_000));
            assertTrue(pair.runUntil(() -> x.client.data.size() == 50_000, 2000));
            assertArrayEquals(bytes(50_000, 2).byteArray(), x.client.bytes());
            x.s.shutdownOutput();
            assertTrue(pair.runUntil(() -> x.s.state() == TcpState.CLOSED, 200));
            assertEquals(TcpState.TIME_WAIT, x.c.state());
            assertTrue(x.client.peerClosed && x.client.closed);
        }
    }

    @Test
    void simultaneousCloseGoesThroughClosing()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.close();
            x.s.close();
            assertEquals(TcpState.FIN_WAIT_1, x.c.state());
            assertEquals(TcpState.FIN_WAIT_1, x.s.state());
            pair.a.doWork(); // A's FIN reaches B's ring
            pair.b.doWork(); // B, in FIN-WAIT-1 with its own FIN unacknowledged, sees A's FIN
            assertEquals(TcpState.CLOSING, x.s.state());
            assertTrue(pair.runUntil(() -> x.c.state() == TcpState.TIME_WAIT && x.s.state() == TcpState.TIME_WAIT,
                100), x.c.state() + " " + x.s.state() + "\n" + pair.tap.dump());
            pair.advance(60_001);
            assertEquals(0, pair.tcpA.connectionCount() + pair.tcpB.connectionCount());
        }
    }

    @Test
    void simultaneousOpen()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Collector onA = new Collector();
            final Collector onB = new Collector();
            final TcpConnection ca = pair.tcpA.connect(5000, TcpPair.IP_B, 6000, onA);
            final TcpConnection cb = pair.tcpB.connect(6000, TcpPair.IP_A, 5000, onB);
            assertTrue(pair.runUntil(() -> onA.connected && onB.connected, 100), pair.tap.dump());
            final List<Segment> segments = pair.tap.segments();
            assertEquals(2, segments.stream().filter(s -> s.flags() == TcpHeader.SYN).count(), pair.tap.dump());
            assertEquals(2, segments.stream().filter(s -> s.flags() == (TcpHeader.SYN | TcpHeader.ACK)).count(),
                pair.tap.dump());
            assertTrue(ca.timestampsOn() && cb.timestampsOn() && ca.windowScalingOn() && cb.windowScalingOn());
            ca.write(bytes(5000, 3), 0, 5000);
            cb.write(bytes(7000, 4), 0, 7000);
            assertTrue(pair.runUntil(() -> onA.data.size() == 7000 && onB.data.size() == 5000, 500));
            assertArrayEquals(bytes(7000, 4).byteArray(), onA.bytes());
        }
    }

    @Test
    void connectToAClosedPortIsRefused()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 81, client);
            assertTrue(pair.runUntil(() -> client.reset != null, 100));
            assertEquals(TcpCloseReason.REFUSED, client.reset);
            assertEquals(TcpState.CLOSED, c.state());
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.CLOSED_PORT));
            final Segment rst = pair.tap.fromB().get(0);
            assertEquals(TcpHeader.RST | TcpHeader.ACK, rst.flags(), "RFC 9293 §3.10.7.1: SYN without ACK");
            assertEquals(0, rst.seq());
            assertEquals(1_000_001, rst.ack());
            assertThrows(IllegalStateException.class, () -> c.write(bytes(1, 0), 0, 1));
        }
    }

    @Test
    void abortResetsThePeer()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.write(bytes(100, 0), 0, 100);
            pair.settle();
            x.c.abort();
            assertTrue(pair.runUntil(() -> x.server.reset != null, 100));
            assertEquals(TcpCloseReason.RESET, x.server.reset);
            assertEquals(TcpState.CLOSED, x.s.state());
            assertEquals(TcpState.CLOSED, x.c.state());
            assertEquals(List.of("connected"), x.client.events, "no callback for the application's own abort");
            assertEquals(0, pair.tcpA.connectionCount() + pair.tcpB.connectionCount());
        }
    }

    @Test
    void closeWithUnreadDataSendsReset()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.server.reading = false;
            x.c.write(bytes(500, 0), 0, 500);
            assertTrue(pair.runUntil(() -> x.s.readable() == 500, 100));
            x.s.close(); // RFC 1122 §4.2.2.13
            assertTrue(pair.runUntil(() -> x.client.reset != null, 100));
            assertEquals(TcpCloseReason.RESET, x.client.reset);
        }
    }

    @Test
    void resetWithAnInexactSequenceNumberIsChallenged()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            // a forged RST in the window but not at RCV.NXT, "from" A: B answers with a challenge ACK (RFC 5961)
            final Segment last = pair.tap.fromA().getLast();
            pair.tcpA.sendReset(TcpPair.IP_B, x.c.localPort(), 80, last.seq() + 100, 0, false);
            pair.settle();
            assertEquals(TcpState.ESTABLISHED, x.s.state());
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.RESET_CHALLENGED));
            assertEquals(1, pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS));
            // outside the window: ignored silently
            pair.tcpA.sendReset(TcpPair.IP_B, x.c.localPort(), 80, last.seq() - 100_000, 0, false);
            pair.settle();
            assertEquals(TcpState.ESTABLISHED, x.s.state());
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.RESET_OUT_OF_WINDOW));
            // exactly at RCV.NXT: the connection resets
            pair.tcpA.sendReset(TcpPair.IP_B, x.c.localPort(), 80, last.seq(), 0, false);
            pair.settle();
            assertEquals(TcpState.CLOSED, x.s.state());
            assertEquals(TcpCloseReason.RESET, x.server.reset);
        }
    }

    @Test
    void synInASynchronizedStateIsChallenged()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            final long acksBefore = pair.tap.fromB().stream().filter(Segment::isPureAck).count();
            // a second SYN on the same 4-tuple: the challenge ACK tells the peer where we are
            pair.tcpA.connection(TcpPair.IP_B, 80, x.c.localPort()).abort(); // A forgets, silently for the test
            pair.tap.dropIf = s -> s.has(TcpHeader.RST) && s.fromA();
            pair.settle();
            pair.tap.dropIf = s -> false;
            final Collector again = new Collector();
            pair.tcpA.initialSequenceNumbers((la, lp, ra, rp, now) -> 1_000_011); // inside B's receive window
            pair.tcpA.connect(x.c.localPort(), TcpPair.IP_B, 80, again);
            pair.settle();
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.SYN_CHALLENGED), pair.tap.dump());
            assertTrue(pair.tap.fromB().stream().filter(Segment::isPureAck).count() > acksBefore);
            // A, in SYN-SENT, answers the challenge ACK (it does not ack its SYN) with a reset, which B accepts
            // (its sequence number is the ACK's, RCV.NXT); the new SYN, retransmitted, then opens a new connection
            assertTrue(pair.runUntil(() -> again.connected, 5_000), pair.tap.dump());
            assertEquals(TcpCloseReason.RESET, x.server.reset);
        }
    }

    @Test
    void timeWaitIsReopenedByANewSyn()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            final int port = x.c.localPort();
            // B closes first, so B holds TIME-WAIT and A can reuse the same 4-tuple
            x.s.close();
            assertTrue(pair.runUntil(() -> x.client.peerClosed, 100));
            x.c.close();
            assertTrue(pair.runUntil(() -> x.c.state() == TcpState.CLOSED, 100));
            assertEquals(TcpState.TIME_WAIT, x.s.state());
            pair.clock.advanceMillis(5); // timestamps move on
            final Collector again = new Collector();
            pair.tcpA.connect(port, TcpPair.IP_B, 80, again);
            assertTrue(pair.runUntil(() -> again.connected && pair.accepted.size() == 2, 100), pair.tap.dump());
            assertEquals(1, pair.tcpB.events().get(TcpEvent.TIME_WAIT_REUSED));
            assertTrue(io.ringstack.tcp.wire.SequenceNumber.greaterThan(
                pair.tap.fromB().stream().filter(s -> s.has(TcpHeader.SYN)).toList().getLast().seq(), 0x7fff_0000),
                "RFC 1122 §4.2.2.13: the new ISS lies beyond the old connection's");
        }
    }

    @Test
    void timeWaitAnswersARetransmittedFinAndRestarts()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.close();
            assertTrue(pair.runUntil(() -> x.server.peerClosed, 100));
            // B's FIN arrives, A's ACK of it is lost: B retransmits its FIN into A's TIME-WAIT
            pair.tap.dropIf = s -> s.fromA() && s.isPureAck();
            x.s.close();
            assertTrue(pair.runUntil(() -> x.c.state() == TcpState.TIME_WAIT, 100));
            pair.advance(30_000);
            pair.tap.dropIf = s -> false;
            assertTrue(pair.runUntil(() -> x.s.state() == TcpState.CLOSED, 60_000), pair.tap.dump());
            final long finAt = pair.tap.fromB().stream().filter(s -> s.has(TcpHeader.FIN)).toList().getLast()
                .atNanos();
            assertTrue(pair.runUntil(() -> x.c.state() == TcpState.CLOSED, 120_000));
            final long closedAt = pair.clock.nanoTime();
            assertTrue(closedAt - finAt >= 60_000_000_000L && closedAt - finAt < 60_010_000_000L,
                "2 MSL restarted by the retransmitted FIN: " + (closedAt - finAt) / 1e6 + " ms");
        }
    }
}
