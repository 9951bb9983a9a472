package io.ringstack.tcp;

import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Retransmission and its timing, persist, delayed ACK, Nagle, keepalive, PAWS, out-of-order arrival. */
class ReliabilityTest
{
    private static final long MS = 1_000_000L;
    private static final TcpConfig CONFIG = TcpConfig.defaults().withRto(1_000 * MS, 200 * MS, 60_000 * MS);

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
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 10_000));
            s = pair.accepted.get(0);
            server = pair.acceptedCollectors.get(0);
            pair.tap.clear();
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

    private static long millis(final long nanos)
    {
        return Math.round(nanos / 1e6);
    }

    @Test
    void retransmissionBacksOffExponentially()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            assertEquals(200 * MS, x.c.retransmissionTimeoutNanos(), "a 0 ms RTT sample gives the minimum RTO");
            final int[] drops = { 3 };
            final java.util.List<Long> claimsAtSend = new java.util.ArrayList<>();
            pair.tap.dropIf = s ->
            {
                if (s.fromA() && s.payloadLength() > 0)
                {
                    claimsAtSend.add(pair.nicA.pool().claims());
                }
                return s.fromA() && s.payloadLength() > 0 && drops[0]-- > 0;
            };
            x.c.write(bytes(100, 1), 0, 100);
            assertTrue(pair.runUntil(() -> x.c.unacknowledgedBytes() == 0, 5_000), pair.tap.dump());
            assertEquals(100, x.server.data.size());
            final List<Segment> data = pair.tap.fromA().stream().filter(s -> s.payloadLength() > 0).toList();
            assertEquals(4, data.size(), pair.tap.dump());
            final long t0 = data.get(0).atNanos();
            assertEquals(200, millis(data.get(1).atNanos() - t0), "RFC 6298 (5.4): first retransmission after RTO");
            assertEquals(600, millis(data.get(2).atNanos() - t0), "(5.5): doubled");
            assertEquals(1400, millis(data.get(3).atNanos() - t0), "(5.5): doubled again");
            data.forEach(s -> assertEquals(data.get(0).seq(), s.seq(), "the same bytes"));
            assertEquals(1, claimsAtSend.stream().distinct().count(),
                "no buffer claimed for a retransmission: each resends the retained one " + claimsAtSend);
            assertEquals(3, pair.tcpA.events().get(TcpEvent.RETRANSMISSION_TIMEOUTS));
            assertEquals(200 * MS, x.c.retransmissionTimeoutNanos(), "a timestamp sample restores the RTO");
            assertEquals(100, x.c.bytesSent() - 300, "100 bytes sent once and retransmitted 3 times");
        }
    }

    @Test
    void synRetransmissionAndRtoOfThreeSecondsAfterwards()
    {
        // without timestamps Karn's rule leaves no sample from a retransmitted SYN: RFC 6298 (5.7) applies
        final TcpConfig noTimestamps = CONFIG.withTimestamps(false);
        try (TcpPair pair = new TcpPair(noTimestamps))
        {
            pair.serveOnB(80, 8);
            final int[] drops = { 2 };
            pair.tap.dropIf = s -> s.fromA() && s.flags() == TcpHeader.SYN && drops[0]-- > 0;
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected, 10_000));
            final List<Segment> syns = pair.tap.fromA().stream().filter(s -> s.has(TcpHeader.SYN)).toList();
            assertEquals(3, syns.size());
            assertEquals(1000, millis(syns.get(1).atNanos() - syns.get(0).atNanos()), "initial RTO 1 s");
            assertEquals(3000, millis(syns.get(2).atNanos() - syns.get(0).atNanos()), "then 2 s");
            assertEquals(3000 * MS, c.retransmissionTimeoutNanos());
            assertFalse(c.timestampsOn());
            assertEquals(1460, c.effectiveSendMss());
        }
    }

    @Test
    void connectionGivesUpAfterTooManyRetransmissions()
    {
        try (TcpPair pair = new TcpPair(CONFIG.withRetransmissions(3, 2)))
        {
            final Connected x = new Connected(pair);
            pair.tap.dropIf = s -> s.fromA();
            x.c.write(bytes(10, 1), 0, 10);
            assertTrue(pair.runUntil(() -> x.client.reset != null, 10_000));
            assertEquals(TcpCloseReason.TIMEOUT, x.client.reset);
            assertEquals(4, pair.tap.fromA().stream().filter(s -> s.payloadLength() > 0).count());
        }
    }

    @Test
    void zeroWindowIsProbedByThePersistTimer()
    {
        final TcpConfig small = CONFIG.withReceiveBuffer(8192, 64);
        try (TcpPair pair = new TcpPair(CONFIG, small, io.ringstack.nic.wire.FaultPlan.NONE, 1, 1500))
        {
            final Connected x = new Connected(pair);
            x.server.reading = false;
            final UnsafeBuffer payload = bytes(20_000, 5);
            int written = x.c.write(payload, 0, 20_000);
            assertEquals(20_000, written);
            assertTrue(pair.runUntil(() -> x.c.sendWindow() == 0, 1_000), pair.tap.dump());
            assertEquals(8192, x.s.readable());
            final int edge = pair.tap.fromB().getLast().ack();
            pair.tap.clear();
            final long probesBefore = pair.tcpA.events().get(TcpEvent.ZERO_WINDOW_PROBES);
            pair.advance(5_000);
            final List<Segment> probes = pair.tap.fromA();
            // each probe carries the first octet past the zero window (after the rest of its segment), and is
            // answered with window 0; the persist timer backs off like the RTO
            assertTrue(probes.size() >= 3, pair.tap.dump());
            probes.forEach(p -> assertEquals(edge + 1, p.seq() + p.payloadLength(), pair.tap.dump()));
            assertEquals(probes.size(), pair.tcpA.events().get(TcpEvent.ZERO_WINDOW_PROBES) - probesBefore);
            pair.tap.fromB().forEach(s -> assertEquals(0, s.window()));
            for (int i = 0; i + 2 < probes.size(); i++)
            {
                final long gap = millis(probes.get(i + 1).atNanos() - probes.get(i).atNanos());
                final long next = millis(probes.get(i + 2).atNanos() - probes.get(i + 1).atNanos());
                assertEquals(2 * gap, next, "the persist interval doubles: " + pair.tap.dump());
            }
            assertTrue(pair.tcpB.drops().get(TcpDrop.OUT_OF_WINDOW) >= probes.size(), "probe text is not taken");
            // the application reads: the window update restarts the transfer
            x.server.reading = true;
            x.server.drain(x.s);
            assertTrue(pair.runUntil(() -> x.server.data.size() == 20_000, 2_000), pair.tap.dump());
            assertArrayEquals(payload.byteArray(), x.server.bytes());
            assertTrue(pair.tcpB.events().get(TcpEvent.WINDOW_UPDATES) > 0);
        }
    }

    @Test
    void delayedAckWaitsForTheSecondFullSegmentOrTheTimer()
    {
        try (TcpPair pair = new TcpPair(CONFIG.withNoDelay(true)))
        {
            final Connected x = new Connected(pair);
            x.c.write(bytes(100, 1), 0, 100);
            pair.advance(100);
            final Segment data = pair.tap.fromA().get(0);
            final Segment ack = pair.tap.fromB().get(0);
            assertTrue(ack.isPureAck());
            assertEquals(40, millis(ack.atNanos() - data.atNanos()), "RFC 9293 §3.8.6.3: delayed, under 0.5 s");
            assertEquals(1, pair.tcpB.events().get(TcpEvent.DELAYED_ACKS));
            pair.tap.clear();
            x.c.write(bytes(2 * 1448, 2), 0, 2 * 1448);
            pair.settle();
            final List<Segment> fromB = pair.tap.fromB();
            assertEquals(1, fromB.size(), "two full segments are acknowledged at once: " + pair.tap.dump());
            assertEquals(pair.tap.fromA().getLast().seq() + 1448, fromB.get(0).ack());
            assertEquals(1, pair.tcpB.events().get(TcpEvent.DELAYED_ACKS));
        }
    }

    @Test
    void nagleCoalescesSmallWritesWhileDataIsUnacknowledged()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.write(bytes(10, 1), 0, 10);
            x.c.write(bytes(10, 2), 0, 10);
            x.c.write(bytes(10, 3), 0, 10);
            pair.advance(100);
            final List<Segment> data = pair.tap.fromA().stream().filter(s -> s.payloadLength() > 0).toList();
            assertEquals(2, data.size(), pair.tap.dump());
            assertEquals(10, data.get(0).payloadLength());
            assertEquals(20, data.get(1).payloadLength(), "the second and third write wait for the ACK together");
            assertEquals(40, millis(data.get(1).atNanos() - data.get(0).atNanos()),
                "they go when the delayed ACK comes");
            assertEquals(30, x.server.data.size());
        }
    }

    @Test
    void noDelaySendsEachWriteAtOnce()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.noDelay(true);
            x.c.write(bytes(10, 1), 0, 10);
            x.c.write(bytes(10, 2), 0, 10);
            x.c.write(bytes(10, 3), 0, 10);
            pair.settle();
            final List<Segment> data = pair.tap.fromA().stream().filter(s -> s.payloadLength() > 0).toList();
            assertEquals(3, data.size(), pair.tap.dump());
            data.forEach(s -> assertTrue(s.has(TcpHeader.PSH)));
        }
    }

    @Test
    void keepaliveProbesAnIdlePeerAndGivesUp()
    {
        final TcpConfig keepalive = CONFIG.withKeepalive(1_000 * MS, 100 * MS, 3);
        try (TcpPair pair = new TcpPair(keepalive))
        {
            final Connected x = new Connected(pair);
            x.c.keepalive(true);
            final long start = pair.clock.nanoTime();
            pair.advance(1_050);
            assertEquals(1, pair.tcpA.events().get(TcpEvent.KEEPALIVE_PROBES));
            final Segment probe = pair.tap.fromA().get(0);
            assertEquals(0, probe.payloadLength());
            final Segment answer = pair.tap.fromB().get(0);
            assertEquals(probe.seq() + 1, answer.ack(), "the probe's old sequence number draws an ACK");
            assertEquals(1000, millis(probe.atNanos() - start), "after the idle time");
            // the peer goes silent: three more probes 100 ms apart, then the connection is given up
            pair.tap.dropIf = s -> !s.fromA();
            assertTrue(pair.runUntil(() -> x.client.reset != null, 5_000));
            assertEquals(TcpCloseReason.KEEPALIVE_TIMEOUT, x.client.reset);
            assertEquals(4, pair.tcpA.events().get(TcpEvent.KEEPALIVE_PROBES));
            final List<Segment> probes = pair.tap.fromA();
            assertEquals(100, millis(probes.get(3).atNanos() - probes.get(2).atNanos()));
        }
    }

    @Test
    void pawsDropsAnOldDuplicate()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Connected x = new Connected(pair);
            x.c.write(bytes(100, 1), 0, 100);
            pair.advance(50);
            final byte[] old = pair.tap.framesToB.get(0);
            x.c.write(bytes(100, 2), 0, 100);
            pair.advance(50);
            assertEquals(200, x.server.data.size());
            pair.tap.injectToB(old);
            pair.settle();
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.PAWS), "RFC 7323 §5.3 R1");
            assertEquals(200, x.server.data.size());
            final Segment reply = pair.tap.fromB().getLast();
            assertTrue(reply.isPureAck(), "R1: the duplicate is acknowledged");
        }
    }

    @Test
    void outOfOrderSegmentsWaitInTheirBuffersAndArriveInOrder()
    {
        try (TcpPair pair = new TcpPair(CONFIG.withNoDelay(true)))
        {
            final Connected x = new Connected(pair);
            final boolean[] first = { true };
            pair.tap.holdIf = s -> s.fromA() && s.payloadLength() > 0 && first[0] && !(first[0] = false);
            final UnsafeBuffer payload = bytes(3 * 1448, 7);
            x.c.write(payload, 0, 3 * 1448);
            pair.settle();
            assertEquals(1, pair.tap.held());
            assertEquals(2, x.s.outOfOrderSegments());
            assertEquals(0, x.server.data.size());
            final List<Segment> dupAcks = pair.tap.fromB();
            assertEquals(2, dupAcks.size(), "RFC 5681 §4.2: an ACK at once for each out-of-order segment");
            dupAcks.forEach(a -> assertEquals(pair.tap.fromA().get(0).seq(), a.ack()));
            pair.tap.holdIf = s -> false;
            pair.tap.release();
            pair.settle();
            assertArrayEquals(payload.byteArray(), x.server.bytes());
            assertEquals(0, x.s.outOfOrderSegments());
            assertEquals(2, pair.tcpB.events().get(TcpEvent.SEGMENTS_QUEUED_OUT_OF_ORDER));
            assertEquals(pair.tap.fromA().get(0).seq() + 3 * 1448, pair.tap.fromB().getLast().ack(),
                "the gap filled: ACK of everything at once");
        }
    }

    @Test
    void jumboMtuRaisesTheMss()
    {
        try (TcpPair pair = new TcpPair(CONFIG, CONFIG, io.ringstack.nic.wire.FaultPlan.NONE, 1, 9000))
        {
            final Connected x = new Connected(pair);
            assertEquals(8960, x.c.announcedMss(), "RFC 9293 §3.7.1: MTU - 40");
            assertEquals(8948, x.c.effectiveSendMss());
            x.c.write(bytes(100_000, 3), 0, 100_000);
            assertTrue(pair.runUntil(() -> x.server.data.size() == 100_000, 2_000));
            assertTrue(pair.tap.fromA().stream().anyMatch(s -> s.payloadLength() == 8948));
        }
    }

    @Test
    void receiverAvoidsTheSillyWindowSyndrome()
    {
        final TcpConfig small = CONFIG.withReceiveBuffer(8192, 64);
        try (TcpPair pair = new TcpPair(CONFIG, small, io.ringstack.nic.wire.FaultPlan.NONE, 1, 1500))
        {
            final Connected x = new Connected(pair);
            x.server.reading = false;
            final UnsafeBuffer payload = bytes(40_000, 9);
            x.c.write(payload, 0, 40_000);
            assertTrue(pair.runUntil(() -> x.c.sendWindow() == 0, 1_000));
            // the application reads 100 bytes at a time: the right edge of the window stays put until it can move
            // by min(RCV.BUFF / 2, MSS) (RFC 9293 §3.8.6.2.2), never by a few bytes
            final UnsafeBuffer into = new UnsafeBuffer(new byte[100]);
            final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            while (got.size() < 40_000)
            {
                final int n = x.s.read(into, 0, 100);
                got.write(into.byteArray(), 0, n);
                pair.settle();
                if (n == 0)
                {
                    pair.advance(5);
                }
            }
            assertArrayEquals(payload.byteArray(), got.toByteArray());
            int edge = 0;
            for (final Segment ack : pair.tap.fromB())
            {
                final int right = ack.ack() + ack.window();
                if (edge != 0)
                {
                    final int moved = right - edge;
                    assertTrue(moved == 0 || moved >= 1460, "the right edge moved by " + moved + "\n" +
                        pair.tap.dump());
                }
                edge = right;
            }
            assertTrue(pair.tcpB.events().get(TcpEvent.WINDOW_UPDATES) > 0);
            // the sender never sent a segment below the MSS except to probe or to finish
            final long shortSegments = pair.tap.fromA().stream()
                .filter(s -> s.payloadLength() > 0 && s.payloadLength() < 1448).count();
            assertTrue(shortSegments <= 2 + pair.tcpA.events().get(TcpEvent.ZERO_WINDOW_PROBES) +
                pair.tcpA.events().get(TcpEvent.SWS_OVERRIDE_SENDS), pair.tap.dump());
        }
    }
}
