package io.ringstack.tcp;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SYN cookies (RFC 4987 §3.6) between two stacks on virtual time: B's SYN queue holds one connection, so all but
 * the first of many simultaneous SYNs get cookies; the connections the ACKs rebuild carry the negotiated options
 * and data both ways; the accept queue's limit holds; forged and expired cookies are refused and counted; and
 * answering and refusing a flood allocates nothing.
 */
class SynCookieTest
{
    private static final long MS = 1_000_000L;
    private static final TcpConfig CONFIG = TcpConfig.defaults().withRto(1_000 * MS, 200 * MS, 60_000 * MS);
    private static final TcpConfig SMALL_SYN_QUEUE = CONFIG.withSynBacklog(1);

    private static UnsafeBuffer bytes(final int n, final int seed)
    {
        final byte[] data = new byte[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (byte)(i * 31 + seed);
        }
        return new UnsafeBuffer(data);
    }

    private static List<Collector> connectMany(final TcpPair pair, final int count)
    {
        final List<Collector> clients = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Collector client = new Collector();
            client.connection = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            clients.add(client);
        }
        return clients;
    }

    @Test
    void manyClientsThroughASynQueueOfOne()
    {
        try (TcpPair pair = new TcpPair(CONFIG, SMALL_SYN_QUEUE, FaultPlan.NONE, 1, 1500))
        {
            final TcpListener listener = pair.serveOnB(80, 256);
            Forge.resolveArp(pair);
            final List<Collector> clients = connectMany(pair, 120);
            pair.settle();
            assertTrue(clients.stream().allMatch(c -> c.connected), pair.tcpB.countersSnapshot().toString());
            assertEquals(120, pair.accepted.size(), "every handshake completed at once, none waited for a retry");
            final long cookies = pair.tcpB.events().get(TcpEvent.SYN_COOKIES_SENT);
            assertTrue(cookies >= 100, "most SYNs found the SYN queue full: " + cookies);
            assertEquals(cookies, listener.synCookiesSent());
            assertEquals(cookies, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED));
            assertEquals(120, pair.tcpB.events().get(TcpEvent.PASSIVE_OPENS));
            assertEquals(0, pair.tcpB.drops().get(TcpDrop.SYN_QUEUE_FULL));
            assertEquals(0, pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID));
            assertEquals(0, pair.tcpA.events().get(TcpEvent.SEGMENTS_RETRANSMITTED), "no SYN was retransmitted");
            assertEquals(0, listener.synReceived());

            // the options came back from the cookie: Linux-like client offers MSS 1460, scale, SACK, timestamps
            for (final TcpConnection s : pair.accepted)
            {
                final TcpConnection c = clients.stream().map(x -> x.connection)
                    .filter(x -> x.localPort() == s.remotePort()).findFirst().orElseThrow();
                assertEquals(TcpState.ESTABLISHED, s.state());
                assertEquals(1460, s.peerMss());
                assertTrue(s.windowScalingOn() && c.windowScalingOn());
                assertEquals(c.receiveWindowShift(), s.sendWindowShift(), "the client's shift, from our TSval");
                assertEquals(s.receiveWindowShift(), c.sendWindowShift());
                assertTrue(s.timestampsOn() && c.timestampsOn());
                assertTrue(s.sackPermitted() && c.sackPermitted());
            }

            // data both ways on every connection, then an orderly close
            for (int i = 0; i < clients.size(); i++)
            {
                final TcpConnection c = clients.get(i).connection;
                assertEquals(5000, c.write(bytes(5000, c.localPort()), 0, 5000));
            }
            for (final TcpConnection s : pair.accepted)
            {
                assertEquals(3000, s.write(bytes(3000, s.remotePort() + 1), 0, 3000));
            }
            assertTrue(pair.runUntil(() -> pair.acceptedCollectors.stream().allMatch(x -> x.data.size() == 5000) &&
                clients.stream().allMatch(x -> x.data.size() == 3000), 5_000), pair.tcpB.countersSnapshot().toString());
            for (int i = 0; i < pair.accepted.size(); i++)
            {
                final TcpConnection s = pair.accepted.get(i);
                assertArrayEquals(bytes(5000, s.remotePort()).byteArray(), pair.acceptedCollectors.get(i).bytes());
            }
            for (final Collector client : clients)
            {
                assertArrayEquals(bytes(3000, client.connection.localPort() + 1).byteArray(), client.bytes());
                client.connection.close();
            }
            pair.acceptedCollectors.forEach(x -> x.connection.close());
            assertTrue(pair.runUntil(() -> pair.accepted.stream()
                .allMatch(x -> x.state() == TcpState.CLOSED || x.state() == TcpState.TIME_WAIT), 5_000));
        }
    }

    @Test
    void withoutTimestampsOnlyTheMssIsKept()
    {
        final TcpConfig noTimestamps = CONFIG.withTimestamps(false);
        try (TcpPair pair = new TcpPair(noTimestamps, SMALL_SYN_QUEUE, FaultPlan.NONE, 1, 1400))
        {
            pair.serveOnB(80, 16);
            Forge.resolveArp(pair);
            final List<Collector> clients = connectMany(pair, 3);
            pair.settle();
            assertEquals(3, pair.accepted.size());
            assertEquals(2, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED));
            final TcpConnection normal = pair.accepted.get(0);
            assertEquals(1360, normal.peerMss(), "MTU 1400: the SYN's MSS");
            assertTrue(normal.windowScalingOn() && normal.sackPermitted());
            for (final TcpConnection s : pair.accepted.subList(1, 3))
            {
                assertEquals(1300, s.peerMss(), "the table's largest MSS not above 1360");
                assertFalse(s.windowScalingOn(), "no timestamps: no room for the window scale");
                assertFalse(s.sackPermitted());
                assertFalse(s.timestampsOn());
                final TcpConnection c = clients.stream().map(x -> x.connection)
                    .filter(x -> x.localPort() == s.remotePort()).findFirst().orElseThrow();
                assertFalse(c.windowScalingOn() || c.sackPermitted(), "and the SYN,ACK offered neither");
                assertEquals(40_000, c.write(bytes(40_000, 3), 0, 40_000));
            }
            assertTrue(pair.runUntil(() -> pair.acceptedCollectors.get(1).data.size() == 40_000 &&
                pair.acceptedCollectors.get(2).data.size() == 40_000, 5_000));
            assertArrayEquals(bytes(40_000, 3).byteArray(), pair.acceptedCollectors.get(2).bytes());
        }
    }

    @Test
    void theAcceptQueueLimitHoldsAndDataReturnsTheCookieLater()
    {
        try (TcpPair pair = new TcpPair(CONFIG, SMALL_SYN_QUEUE, FaultPlan.NONE, 1, 1500))
        {
            final boolean[] accepting = { false };
            final List<Collector> onB = new ArrayList<>();
            final TcpListener listener = pair.tcpB.listen(80, 4, l ->
            {
                while (accepting[0])
                {
                    final Collector collector = new Collector();
                    final TcpConnection connection = l.accept(collector);
                    if (connection == null)
                    {
                        break;
                    }
                    collector.connection = connection;
                    onB.add(collector);
                }
            });
            Forge.resolveArp(pair);
            final List<Collector> clients = connectMany(pair, 10);
            pair.settle();
            assertTrue(clients.stream().allMatch(c -> c.connected), "every client saw a SYN,ACK");
            assertEquals(4, listener.pending(), "the accept queue holds its limit, no more");
            assertEquals(9, listener.synCookiesSent());
            final long full = pair.tcpB.drops().get(TcpDrop.ACCEPT_QUEUE_FULL);
            assertTrue(full >= 5, "ACKs that found the accept queue full: " + full);
            assertTrue(pair.tcpB.connectionCount() <= 5, "no connection was made for them");

            // the application catches up; each client's data returns its cookie (SEG.SEQ - 1 is still its ISN)
            accepting[0] = true;
            listener.notifyAcceptable();
            assertEquals(4, onB.size());
            for (final Collector client : clients)
            {
                client.connection.write(bytes(700, client.connection.localPort()), 0, 700);
            }
            assertTrue(pair.runUntil(() -> onB.size() == 10 && onB.stream().allMatch(x -> x.data.size() == 700),
                20_000), pair.tcpB.countersSnapshot().toString());
            assertTrue(listener.pending() <= 4);
            for (final Collector server : onB)
            {
                assertArrayEquals(bytes(700, server.connection.remotePort()).byteArray(), server.bytes());
            }
            assertEquals(9, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED),
                pair.tcpB.countersSnapshot().toString());
            assertEquals(0, pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID));
        }
    }

    @Test
    void forgedAndExpiredCookiesAreRefused()
    {
        try (TcpPair pair = new TcpPair(CONFIG, SMALL_SYN_QUEUE, FaultPlan.NONE, 1, 1500))
        {
            final TcpListener listener = pair.serveOnB(80, 64);
            final Forge forge = new Forge();
            Forge.resolveArp(pair);
            // before any cookie went out, an ACK in LISTEN is plain RFC 9293: a reset
            forge.toB(pair, forge.segment(30_000, 80, 1, 1, TcpHeader.ACK, 1000, Forge.NO_TIMESTAMPS, 0, 0));
            pair.settle();
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.LISTEN_ACK));
            assertEquals(0, pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID));

            // two clients at once: the second gets a cookie, and its ACK is lost
            final List<Collector> first = connectMany(pair, 2);
            final int lostPort = first.get(1).connection.localPort();
            pair.tap.dropIf = s -> s.fromA() && s.sourcePort() == lostPort && s.flags() == TcpHeader.ACK;
            pair.settle();
            assertEquals(1, listener.synCookiesSent());
            assertEquals(1, pair.accepted.size());
            assertTrue(first.get(1).connected, "the client believes it is connected");
            final Segment cookieSynAck = pair.tap.fromB().stream()
                .filter(s -> s.destinationPort() == lostPort && s.has(TcpHeader.SYN)).findFirst().orElseThrow();
            pair.tap.dropIf = s -> false;

            // forged ACKs (guessed cookies) from ports of A's address: none creates a connection
            final SplittableRandom random = new SplittableRandom(4987);
            final long resetsBefore = pair.tcpB.events().get(TcpEvent.RESETS_SENT);
            for (int i = 0; i < 2_000; i++)
            {
                final int port = 20_000 + random.nextInt(10_000);
                final int tsVal = random.nextBoolean() ? Forge.NO_TIMESTAMPS : random.nextInt();
                forge.toB(pair, forge.segment(port, 80, random.nextInt(), random.nextInt(), TcpHeader.ACK, 1000,
                    tsVal, random.nextInt(), random.nextInt(3) == 0 ? 100 : 0));
                pair.step();
            }
            // and the lost client's cookie with a SEG.SEQ a few bytes off, or from another port (the resets they
            // draw would be acceptable to the real client, who must not hear them)
            pair.tap.dropIf = s -> !s.fromA() && s.destinationPort() == lostPort && s.has(TcpHeader.RST);
            for (int delta = 1; delta <= 3; delta++)
            {
                forge.toB(pair, forge.segment(lostPort, 80, cookieSynAck.ack() + delta, cookieSynAck.seq() + 1,
                    TcpHeader.ACK, 1000, Forge.NO_TIMESTAMPS, 0, 0));
            }
            forge.toB(pair, forge.segment(lostPort + 1, 80, cookieSynAck.ack(), cookieSynAck.seq() + 1,
                TcpHeader.ACK, 1000, Forge.NO_TIMESTAMPS, 0, 0));
            pair.settle();
            pair.tap.dropIf = s -> false;
            assertEquals(2_004, pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID));
            assertEquals(2_004, pair.tcpB.events().get(TcpEvent.RESETS_SENT) - resetsBefore,
                "each answered with a reset, as any ACK in LISTEN");
            assertEquals(1, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_SENT));
            assertEquals(0, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED));
            assertEquals(1, pair.accepted.size());

            // two and a half minutes later (cookies again in use for newcomers), the lost client finally sends
            pair.clock.advanceMillis(150_000);
            final List<Collector> later = connectMany(pair, 2);
            pair.settle();
            assertEquals(2, listener.synCookiesSent());
            assertEquals(1, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED), "the newcomer's cookie is good");
            first.get(1).connection.write(bytes(10, 1), 0, 10);
            pair.settle();
            assertEquals(2_005, pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID), "the old cookie has expired");
            assertEquals(TcpCloseReason.RESET, first.get(1).reset, "and the client hears so");
            assertEquals(3, pair.accepted.size());
            assertTrue(later.stream().allMatch(c -> c.connected));
        }
    }

    @Test
    void aCookieWithinItsLifetimeStillOpensWhenDataComesFirst()
    {
        try (TcpPair pair = new TcpPair(CONFIG, SMALL_SYN_QUEUE, FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 8);
            Forge.resolveArp(pair);
            final List<Collector> clients = connectMany(pair, 2);
            final int port = clients.get(1).connection.localPort();
            pair.tap.dropIf = s -> s.fromA() && s.sourcePort() == port && s.flags() == TcpHeader.ACK;
            pair.settle();
            pair.tap.dropIf = s -> false;
            assertEquals(1, pair.accepted.size());
            pair.clock.advanceMillis(59_000);
            clients.get(1).connection.write(bytes(300, 7), 0, 300);
            pair.settle();
            assertEquals(2, pair.accepted.size(), "the data segment's ACK returned the cookie");
            assertArrayEquals(bytes(300, 7).byteArray(), pair.acceptedCollectors.get(1).bytes());
            assertEquals(1, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED));
        }
    }

    @Test
    void withoutCookiesAFullSynQueueDropsSyns()
    {
        try (TcpPair pair = new TcpPair(CONFIG, SMALL_SYN_QUEUE.withSynCookies(false), FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 64);
            Forge.resolveArp(pair);
            final List<Collector> clients = connectMany(pair, 5);
            pair.settle();
            assertEquals(4, pair.tcpB.drops().get(TcpDrop.SYN_QUEUE_FULL));
            assertEquals(0, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_SENT));
            assertEquals(1, clients.stream().filter(c -> c.connected).count());
            assertTrue(pair.runUntil(() -> clients.stream().filter(c -> c.connected).count() == 2, 1_500),
                "the retransmitted SYNs: one more gets in");
        }
    }

    /** A SYN flood answered with cookies and a flood of forged cookie ACKs: nothing allocated per segment. */
    @Test
    void answeringAndRefusingAFloodAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (TcpPair pair = new TcpPair(CONFIG, SMALL_SYN_QUEUE, FaultPlan.NONE, 1, 1500, false))
        {
            pair.tcpB.listen(80, 16, l -> { });
            final Forge forge = new Forge();
            Forge.resolveArp(pair);
            // one half-open connection from a host that never answers fills the SYN queue
            forge.source = Ipv4Address.parse("10.0.0.9");
            forge.toB(pair, forge.syn(999, 80, 77, 1460, 1));
            forge.source = TcpPair.IP_A;
            pair.settle();
            assertEquals(1, pair.tcpB.listener(80).synReceived());
            final int[] counter = { 0 };
            final Runnable flood = () ->
            {
                final int i = counter[0]++;
                final int port = 1_000 + (i % 30_000);
                forge.toB(pair, forge.syn(port, 80, i * 7919, 1460, i));
                pair.step();
                forge.toB(pair, forge.segment(port, 80, i * 7919 + 1, i * 31, TcpHeader.ACK, 1000, i, i * 13, 0));
                pair.step();
                pair.step();
            };
            for (int i = 0; i < 20_000; i++)
            {
                flood.run(); // warm up: code compiled, tables at their working size
            }
            // as TcpZeroAllocationTest: up to three windows, the first may still see the JIT settle
            final long[] windows = new long[3];
            long allocated = -1;
            for (int w = 0; w < windows.length && allocated != 0; w++)
            {
                final long cookiesBefore = pair.tcpB.events().get(TcpEvent.SYN_COOKIES_SENT);
                final long invalidBefore = pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID);
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++)
                {
                    flood.run();
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                windows[w] = allocated;
                assertEquals(10_000, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_SENT) - cookiesBefore,
                    pair.tcpB.countersSnapshot().toString());
                assertEquals(10_000, pair.tcpB.drops().get(TcpDrop.SYN_COOKIE_INVALID) - invalidBefore);
            }
            System.out.println("bytes allocated per window of 10,000 cookie SYN,ACKs and 10,000 refused ACKs: " +
                Arrays.toString(windows));
            assertEquals(0, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED));
            assertEquals(1, pair.tcpB.connectionCount(), "a flood leaves no state behind");
            assertEquals(0, allocated, "bytes allocated per window: " + Arrays.toString(windows));
        }
    }
}
