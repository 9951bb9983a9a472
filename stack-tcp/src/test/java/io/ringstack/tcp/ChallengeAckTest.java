package io.ringstack.tcp;

import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RFC 5961 over two stacks: blind RSTs in the window but not at RCV.NXT (§3.2), SYNs in a synchronized state (§4)
 * and ACKs outside SND.UNA - MAX.SND.WND .. SND.NXT (§5.2) are answered with challenge ACKs, at most the layer's
 * budget per interval (§7), the rest counted as suppressed; none of them harms the connection, and data riding on
 * an unacceptable ACK is not taken.
 */
class ChallengeAckTest
{
    private static final long MS = 1_000_000L;
    private static final TcpConfig CONFIG =
        TcpConfig.defaults().withRto(1_000 * MS, 200 * MS, 60_000 * MS).withTimestamps(false);

    /** A connection A -> B:80 with some data both ways; the window positions as B sees them. */
    private record Established(TcpPair pair, TcpConnection client, TcpConnection server, Collector atB,
        int rcvNxt, int sndNxt)
    {
    }

    private static Established establish(final TcpPair pair)
    {
        pair.serveOnB(80, 4);
        final Collector client = new Collector();
        final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
        assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
        final TcpConnection s = pair.accepted.get(0);
        c.write(new UnsafeBuffer(new byte[1000]), 0, 1000);
        s.write(new UnsafeBuffer(new byte[500]), 0, 500);
        pair.advance(100);
        final Segment fromA = pair.tap.fromA().getLast();
        final Segment fromB = pair.tap.fromB().getLast();
        pair.tap.clear();
        return new Established(pair, c, s, pair.acceptedCollectors.get(0), fromA.seq() + fromA.payloadLength(),
            fromB.seq() + fromB.payloadLength());
    }

    private static long pureAcksFromB(final TcpPair pair)
    {
        return pair.tap.fromB().stream().filter(Segment::isPureAck).count();
    }

    @Test
    void blindResetsAndSynsDrawChallengeAcksWithinTheBudget()
    {
        try (TcpPair pair = new TcpPair(CONFIG, CONFIG.withChallengeAckLimit(10, 1_000 * MS), FaultPlan.NONE, 1, 1500))
        {
            final Established e = establish(pair);
            final Forge forge = new Forge();
            final int port = e.client().localPort();
            // RFC 5961 §3.2: 100 resets in the window, none at RCV.NXT, within one second
            for (int i = 0; i < 100; i++)
            {
                forge.toB(pair, forge.segment(port, 80, e.rcvNxt() + 1 + i * 100, 0, TcpHeader.RST, 0,
                    Forge.NO_TIMESTAMPS, 0, 0));
                pair.step();
            }
            pair.settle();
            final long sent = pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS);
            final long suppressed = pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS_SUPPRESSED);
            assertEquals(100, pair.tcpB.drops().get(TcpDrop.RESET_CHALLENGED));
            assertEquals(100, sent + suppressed);
            assertTrue(sent >= 5 && sent < 15, "the budget of 10 per second, drawn from [5, 15): " + sent);
            assertEquals(sent, pureAcksFromB(pair), "each challenge ACK counted went out\n" + pair.tap.dump());
            assertTrue(pair.tap.fromB().stream().filter(Segment::isPureAck).allMatch(s -> s.ack() == e.rcvNxt() &&
                s.seq() == e.sndNxt()), "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
            assertEquals(0, pair.tcpB.events().get(TcpEvent.RESETS_RECEIVED));

            // RFC 5961 §4: SYNs in ESTABLISHED, the next second: a new budget
            pair.clock.advanceMillis(1_000);
            pair.tap.clear();
            for (int i = 0; i < 100; i++)
            {
                forge.toB(pair, forge.segment(port, 80, e.rcvNxt() + i, 0, TcpHeader.SYN, 1000, Forge.NO_TIMESTAMPS,
                    0, 0));
                pair.step();
            }
            pair.settle();
            final long sentNow = pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS) - sent;
            assertEquals(100, pair.tcpB.drops().get(TcpDrop.SYN_CHALLENGED));
            assertEquals(200, pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS) +
                pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS_SUPPRESSED));
            assertTrue(sentNow >= 5 && sentNow < 15, "another second, another budget: " + sentNow);
            assertEquals(sentNow, pureAcksFromB(pair));

            // the connection never noticed
            assertEquals(TcpState.ESTABLISHED, e.server().state());
            assertEquals(TcpState.ESTABLISHED, e.client().state());
            e.client().write(new UnsafeBuffer(new byte[300]), 0, 300);
            assertTrue(pair.runUntil(() -> e.atB().data.size() == 1300, 1_000));
        }
    }

    @Test
    void unacceptableAcksAreDroppedWithAChallengeAck()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final Established e = establish(pair);
            final Forge forge = new Forge();
            final int port = e.client().localPort();
            final int received = e.atB().data.size();
            // RFC 5961 §5.2: SEG.ACK beyond SND.NXT, and below SND.UNA - MAX.SND.WND; both carry data (blind
            // data injection, §5): dropped, text and all, with a challenge ACK
            final List<Integer> bad = List.of(e.sndNxt() + 100_000, e.sndNxt() - 10_000_000);
            for (final int ack : bad)
            {
                forge.toB(pair, forge.segment(port, 80, e.rcvNxt(), ack, TcpHeader.ACK | TcpHeader.PSH, 1000,
                    Forge.NO_TIMESTAMPS, 0, 50));
                pair.settle();
            }
            assertEquals(2, pair.tcpB.drops().get(TcpDrop.ACK_UNACCEPTABLE));
            assertEquals(2, pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS));
            assertEquals(2, pureAcksFromB(pair), pair.tap.dump());
            assertEquals(received, e.atB().data.size(), "no injected byte reached the application");
            assertEquals(0, e.server().readable());
            // the same segment with an acceptable ACK is taken (the test can tell the difference)
            forge.toB(pair, forge.segment(port, 80, e.rcvNxt(), e.sndNxt(), TcpHeader.ACK | TcpHeader.PSH, 1000,
                Forge.NO_TIMESTAMPS, 0, 50));
            pair.settle();
            assertEquals(received + 50, e.atB().data.size());
            assertEquals(2, pair.tcpB.drops().get(TcpDrop.ACK_UNACCEPTABLE));
        }
    }

    @Test
    void withoutALimitEveryChallengeIsAnswered()
    {
        final TcpConfig unlimited = CONFIG.withChallengeAckLimit(Integer.MAX_VALUE, 1_000 * MS);
        try (TcpPair pair = new TcpPair(CONFIG, unlimited, FaultPlan.NONE, 1, 1500))
        {
            final Established e = establish(pair);
            final Forge forge = new Forge();
            for (int i = 0; i < 300; i++)
            {
                forge.toB(pair, forge.segment(e.client().localPort(), 80, e.rcvNxt() + 1 + i, 0, TcpHeader.RST, 0,
                    Forge.NO_TIMESTAMPS, 0, 0));
                pair.step();
            }
            pair.settle();
            assertEquals(300, pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS));
            assertEquals(0, pair.tcpB.events().get(TcpEvent.CHALLENGE_ACKS_SUPPRESSED));
            assertEquals(300, pureAcksFromB(pair));
        }
    }
}
