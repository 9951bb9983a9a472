package io.ringstack.tcp;

import io.ringstack.nic.wire.FaultPlan;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Loss recovery between two stacks on a wire with 10 ms of delay each way (RTT 20 ms, virtual time), losses chosen
 * by the tap: fast retransmit instead of a timeout, RFC 6675's SACK recovery of several holes in about one round
 * trip, NewReno (RFC 6582) without SACK, one hole per round trip.
 */
class LossRecoveryTest
{
    private static final long MS = 1_000_000L;
    private static final long RTT = 20 * MS;
    private static final int FIRST_DATA = 1_000_001; // TcpPair's ISN for A plus the SYN

    private static final class Run
    {
        final TcpPair pair;
        final Collector client = new Collector();
        final TcpConnection c;
        final TcpConnection s;
        final Collector server;
        final Set<Integer> toDrop = new HashSet<>();
        final byte[] data;
        int mss;

        Run(final TcpConfig config, final int bytes)
        {
            pair = new TcpPair(config, config, FaultPlan.NONE.withDelay(10 * MS, 0), 1, 1500);
            pair.serveOnB(80, 8);
            c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 1_000));
            s = pair.accepted.get(0);
            server = pair.acceptedCollectors.get(0);
            mss = c.effectiveSendMss();
            pair.tap.clear();
            // each segment chosen is lost once, its first time on the wire
            pair.tap.dropIf = seg -> seg.fromA() && seg.payloadLength() > 0 && toDrop.remove(seg.seq());
            data = new byte[bytes];
            for (int i = 0; i < bytes; i++)
            {
                data[i] = (byte)(i * 7 + i / 1000);
            }
        }

        /** Loses the first transmission of data segments number {@code segments} (0 = the first). */
        void lose(final int... segments)
        {
            for (final int i : segments)
            {
                toDrop.add(FIRST_DATA + i * mss);
            }
        }

        void transfer()
        {
            final UnsafeBuffer source = new UnsafeBuffer(data);
            final int[] written = { 0 };
            final Runnable pump = () ->
            {
                while (written[0] < data.length)
                {
                    final int n = c.write(source, written[0], data.length - written[0]);
                    if (n == 0)
                    {
                        break;
                    }
                    written[0] += n;
                }
            };
            pump.run();
            final long end = pair.clock.nanoTime() + 20_000 * MS;
            while (server.data.size() < data.length && pair.clock.nanoTime() < end)
            {
                pair.clock.advanceNanos(100_000);
                pair.settle();
                pump.run();
            }
            assertArrayEquals(data, server.bytes(), "the data arrives intact");
            assertTrue(pair.runUntil(() -> c.unacknowledgedBytes() == 0, 5_000));
        }

        /** The retransmissions the tap saw reaching B, in order. */
        List<Segment> retransmissions()
        {
            final Set<Integer> seen = new HashSet<>();
            final List<Segment> again = new ArrayList<>();
            for (final Segment seg : pair.tap.fromA())
            {
                if (seg.payloadLength() > 0 && !seen.add(seg.seq()))
                {
                    again.add(seg);
                }
            }
            return again;
        }

        long events(final TcpEvent event)
        {
            return pair.tcpA.events().get(event);
        }
    }

    @Test
    void aSingleLossIsRepairedByFastRetransmitWithoutATimeout()
    {
        for (final boolean sack : new boolean[] { true, false })
        {
            final TcpConfig config = TcpConfig.defaults().withSackPermitted(sack);
            final Run run = new Run(config, 200_000);
            try (TcpPair pair = run.pair)
            {
                run.lose(5);
                run.transfer();
                final String why = "SACK " + sack + "\n" + pair.tap.dump();
                assertEquals(sack, run.c.sackPermitted());
                assertEquals(0, run.events(TcpEvent.RETRANSMISSION_TIMEOUTS), why);
                assertEquals(1, run.events(TcpEvent.FAST_RETRANSMITS), why);
                final List<Segment> again = run.retransmissions();
                assertEquals(1, again.size(), why);
                assertEquals(FIRST_DATA + 5 * run.mss, again.get(0).seq());
                assertTrue(run.c.slowStartThreshold() < Integer.MAX_VALUE, "the loss set ssthresh");
                assertFalse(run.c.inLossRecovery());
                if (sack)
                {
                    assertTrue(pair.tcpB.events().get(TcpEvent.SACK_ACKS_SENT) >= 3, "B reported the hole");
                }
            }
        }
    }

    @Test
    void theConfigChoosesTheCongestionControlCubicByDefault()
    {
        for (final CongestionAlgorithm algorithm : CongestionAlgorithm.values())
        {
            final TcpConfig config = TcpConfig.defaults().withCongestionControl(algorithm);
            final Run run = new Run(config, 100_000);
            try (TcpPair pair = run.pair)
            {
                run.lose(3);
                run.transfer();
                assertEquals(algorithm == CongestionAlgorithm.CUBIC ? Cubic.class : NewReno.class,
                    run.c.congestionControl().getClass());
                assertEquals(0, run.events(TcpEvent.RETRANSMISSION_TIMEOUTS), pair.tap.dump());
            }
        }
        assertEquals(CongestionAlgorithm.CUBIC, TcpConfig.defaults().congestionControl());
        assertThrows(IllegalArgumentException.class, () -> TcpConfig.defaults().withCongestionControl(null));
    }

    @Test
    void afterAnIdlePeriodTheWindowRestartsFromTheInitialWindow()
    {
        final Run run = new Run(TcpConfig.defaults(), 300_000);
        try (TcpPair pair = run.pair)
        {
            run.transfer();
            final int iw = CongestionControl.initialWindow(run.mss);
            assertTrue(run.c.congestionWindow() > 2 * iw, "the window grew: " + run.c.congestionWindow());
            pair.advance(2 * run.c.retransmissionTimeoutNanos() / MS); // idle for longer than an RTO
            pair.tap.clear();
            final long before = pair.clock.nanoTime();
            run.c.write(new UnsafeBuffer(new byte[100_000]), 0, 100_000);
            pair.runUntil(() -> run.c.unacknowledgedBytes() == 0, 1_000, 100);
            assertEquals(1, run.events(TcpEvent.IDLE_RESTARTS));
            // RFC 5681 §4.1: the first flight after the idle period is at most min(IW, cwnd)
            final long firstFlight = pair.tap.fromA().stream().filter(seg -> seg.payloadLength() > 0 &&
                seg.atNanos() < before + RTT / 2 + RTT).count();
            assertEquals(iw / run.mss, firstFlight, pair.tap.dump());
        }
    }

    @Test
    void severalLossesInOneWindowAreRepairedWithSackInAboutOneRoundTrip()
    {
        final Run run = new Run(TcpConfig.defaults(), 300_000);
        try (TcpPair pair = run.pair)
        {
            run.lose(20, 22, 24, 26);
            run.transfer();
            final String why = pair.tap.dump();
            assertEquals(0, run.events(TcpEvent.RETRANSMISSION_TIMEOUTS), why);
            assertEquals(1, run.events(TcpEvent.FAST_RETRANSMITS), "one recovery for the window: " + why);
            final List<Segment> again = run.retransmissions();
            assertEquals(List.of(20, 22, 24, 26), again.stream().map(s -> (s.seq() - FIRST_DATA) / run.mss).toList(),
                "each hole resent once, nothing else: " + why);
            final long span = again.getLast().atNanos() - again.getFirst().atNanos();
            System.out.println("SACK: holes resent over " + span / 1e6 + " ms; " + again);
            assertTrue(span < RTT, "all holes resent within one RTT of the first: " + span / 1e6 + " ms\n" + why);
            assertEquals(0, pair.tcpB.events().get(TcpEvent.DSACKS_RECEIVED), "no duplicate reached B");
        }
    }

    @Test
    void newRenoWithoutSackRepairsOneHolePerRoundTripOnPartialAcks()
    {
        final Run run = new Run(TcpConfig.defaults().withSackPermitted(false), 300_000);
        try (TcpPair pair = run.pair)
        {
            run.lose(20, 22, 24, 26);
            run.transfer();
            final String why = pair.tap.dump();
            assertFalse(run.c.sackPermitted());
            assertEquals(0, run.events(TcpEvent.RETRANSMISSION_TIMEOUTS), why);
            assertEquals(1, run.events(TcpEvent.FAST_RETRANSMITS), "one recovery for the window: " + why);
            final List<Segment> again = run.retransmissions();
            assertEquals(List.of(20, 22, 24, 26), again.stream().map(s -> (s.seq() - FIRST_DATA) / run.mss).toList(),
                "RFC 6582: each partial ACK resends the next hole, nothing else: " + why);
            for (int i = 1; i < again.size(); i++)
            {
                final long gap = again.get(i).atNanos() - again.get(i - 1).atNanos();
                assertTrue(Math.abs(gap - RTT) <= 2 * MS, "a partial ACK per round trip: " + gap / 1e6 + " ms\n" + why);
            }
        }
    }
}
