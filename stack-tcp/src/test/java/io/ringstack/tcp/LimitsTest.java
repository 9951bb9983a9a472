package io.ringstack.tcp;

import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The layer's limits, each counted when hit: connections (passive, active, and for SYN cookies), the out-of-order
 * queues' share of the pool (all connections together), and one connection's send and receive buffers.
 */
class LimitsTest
{
    private static final long MS = 1_000_000L;
    private static final TcpConfig CONFIG = TcpConfig.defaults().withRto(1_000 * MS, 200 * MS, 60_000 * MS);

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
    void theConnectionLimitDropsSynsUntilAConnectionEnds()
    {
        try (TcpPair pair = new TcpPair(CONFIG, CONFIG.withMaxConnections(3), FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 16);
            Forge.resolveArp(pair);
            final List<Collector> clients = connectMany(pair, 5);
            pair.settle();
            assertEquals(3, pair.accepted.size());
            assertEquals(3, pair.tcpB.connectionCount());
            assertEquals(2, pair.tcpB.drops().get(TcpDrop.CONNECTION_LIMIT));
            assertEquals(2, clients.stream().filter(c -> c.connection.state() == TcpState.SYN_SENT).count());
            // the client closes first (its side keeps TIME-WAIT), B's side ends after LAST-ACK
            final Collector first = clients.stream().filter(c -> c.connected).findFirst().orElseThrow();
            first.connection.close();
            pair.settle();
            pair.acceptedCollectors.stream().filter(x -> x.peerClosed).forEach(x -> x.connection.close());
            pair.settle();
            assertEquals(2, pair.tcpB.connectionCount());
            assertTrue(pair.runUntil(() -> pair.accepted.size() == 4, 2_000), "a retransmitted SYN gets the place");
            assertEquals(3, pair.tcpB.connectionCount());
        }
    }

    @Test
    void connectIsRefusedAtTheLimit()
    {
        try (TcpPair pair = new TcpPair(CONFIG.withMaxConnections(2), CONFIG, FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 16);
            pair.tcpA.connect(TcpPair.IP_B, 80, new Collector());
            pair.tcpA.connect(TcpPair.IP_B, 80, new Collector());
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> pair.tcpA.connect(TcpPair.IP_B, 80, new Collector()));
            assertTrue(refused.getMessage().contains("TcpConfig.maxConnections"), refused.getMessage());
            assertEquals(1, pair.tcpA.events().get(TcpEvent.CONNECT_REFUSED_LIMIT));
            assertEquals(2, pair.tcpA.connectionCount());
        }
    }

    @Test
    void aValidCookieStillRespectsTheConnectionLimit()
    {
        try (TcpPair pair = new TcpPair(CONFIG, CONFIG.withMaxConnections(2).withSynBacklog(1), FaultPlan.NONE, 1,
            1500))
        {
            pair.serveOnB(80, 16);
            Forge.resolveArp(pair);
            connectMany(pair, 4);
            pair.settle();
            assertEquals(2, pair.tcpB.connectionCount());
            assertEquals(2, pair.accepted.size());
            final long cookies = pair.tcpB.events().get(TcpEvent.SYN_COOKIES_SENT);
            assertEquals(3, cookies, "the SYNs found one connection and a full SYN queue");
            assertEquals(1, pair.tcpB.events().get(TcpEvent.SYN_COOKIES_ACCEPTED));
            assertEquals(2, pair.tcpB.drops().get(TcpDrop.CONNECTION_LIMIT), "the other two valid cookies");
        }
    }

    @Test
    void outOfOrderQueuesShareAPartOfThePool()
    {
        final TcpConfig small = CONFIG.withOutOfOrderPoolPercent(1);
        try (TcpPair pair = new TcpPair(CONFIG, small, FaultPlan.NONE, 1, 1500))
        {
            assertEquals(1024 / 100, pair.tcpB.outOfOrderBuffersLimit(), "1 % of B's 1024 buffers");
            pair.serveOnB(80, 4);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> pair.accepted.size() == 1 && client.connected, 100));
            // open the congestion window, then lose one segment of a large burst
            final int warm = 400_000;
            final int burst = 200_000;
            final UnsafeBuffer data = bytes(warm + burst, 5);
            int written = 0;
            while (written < warm)
            {
                written += c.write(data, written, warm - written);
                pair.step();
            }
            final Collector atB = pair.acceptedCollectors.get(0);
            assertTrue(pair.runUntil(() -> atB.data.size() == warm, 2_000));
            final boolean[] lost = { false };
            pair.tap.dropIf = s -> s.fromA() && s.payloadLength() > 0 && !lost[0] && (lost[0] = true);
            final int[] peak = { 0 };
            while (written < warm + burst)
            {
                written += c.write(data, written, warm + burst - written);
                pair.step();
                peak[0] = Math.max(peak[0], pair.tcpB.outOfOrderBuffersHeld());
            }
            for (int i = 0; i < 200; i++)
            {
                pair.step();
                peak[0] = Math.max(peak[0], pair.tcpB.outOfOrderBuffersHeld());
            }
            assertTrue(lost[0]);
            assertTrue(pair.tcpB.drops().get(TcpDrop.OUT_OF_ORDER_MEMORY_FULL) > 0, pair.tcpB.countersSnapshot()
                .toString());
            assertTrue(peak[0] <= 10 && pair.tcpB.outOfOrderBuffers().peak() <= 10,
                "never more than the share: " + peak[0] + ", " + pair.tcpB.outOfOrderBuffers().peak());
            assertEquals(10, pair.tcpB.outOfOrderBuffers().peak(), "and the share was used");
            assertTrue(pair.runUntil(() -> atB.data.size() == warm + burst, 20_000), "the timer recovers");
            assertArrayEquals(data.byteArray(), atB.bytes());
            assertEquals(0, pair.tcpB.outOfOrderBuffersHeld(), "every out-of-order buffer accounted for");
        }
    }

    @Test
    void theBudgetFollowsEveryWayABufferLeavesTheOutOfOrderQueue()
    {
        final BufferBudget budget = new BufferBudget(3);
        final PacketBufferPool pool = PacketBufferPool.allocate("ooo", 2048, 8);
        try
        {
            final OutOfOrderQueue queue = new OutOfOrderQueue(8, budget);
            final int[] handles = new int[5];
            for (int i = 0; i < handles.length; i++)
            {
                handles[i] = pool.claim(BufferHolder.STACK);
            }
            assertTrue(queue.insert(pool, handles[0], 1000, 0, 100, false));
            assertTrue(queue.insert(pool, handles[1], 1200, 0, 100, false));
            assertTrue(queue.insert(pool, PacketBufferPool.NO_BUFFER, 1500, 0, 0, true), "a FIN holds no buffer");
            assertEquals(2, budget.held());
            assertTrue(queue.insert(pool, handles[2], 1000, 0, 300, false), "covers and replaces the first two");
            assertEquals(1, budget.held());
            assertTrue(queue.insert(pool, handles[3], 2000, 0, 100, false));
            assertEquals(2, budget.held());
            assertEquals(handles[2], queue.firstHandle());
            queue.removeFirst();
            pool.release(handles[2]);
            assertEquals(1, budget.held());
            queue.clear(pool);
            assertEquals(0, budget.held());
            assertFalse(budget.exhausted());
            budget.take();
            budget.take();
            budget.take();
            assertTrue(budget.exhausted());
            assertEquals(3, budget.peak());
            pool.release(handles[4]);
            assertEquals(0, pool.outstanding(), "the queue released what it dropped");
        }
        finally
        {
            pool.close();
        }
    }

    @Test
    void aFullSendBufferIsCounted()
    {
        try (TcpPair pair = new TcpPair(CONFIG.withSendBuffer(8192, 256), CONFIG, FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 4);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            pair.tap.holdIf = s -> s.fromA(); // nothing acknowledged while we fill the buffer
            assertEquals(8192, c.write(bytes(20_000, 1), 0, 20_000));
            assertEquals(1, pair.tcpA.events().get(TcpEvent.SEND_BUFFER_FULL));
            assertFalse(c.claim(new TcpWriteBuffer()));
            assertEquals(2, pair.tcpA.events().get(TcpEvent.SEND_BUFFER_FULL));
            pair.tap.holdIf = s -> false;
            pair.tap.release();
            assertTrue(pair.runUntil(() -> pair.acceptedCollectors.get(0).data.size() == 8192, 1_000));
            assertTrue(client.events.contains("writable"));
        }
    }

    @Test
    void aConnectionsReceiveBuffersAreLimited()
    {
        final TcpConfig fewBuffers = CONFIG.withReceiveBuffer(64 * 1024, 4);
        try (TcpPair pair = new TcpPair(CONFIG.withNoDelay(true), fewBuffers, FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 4);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            final Collector atB = pair.acceptedCollectors.get(0);
            atB.reading = false;
            final UnsafeBuffer data = bytes(2_000, 9);
            for (int i = 0; i < 20; i++)
            {
                assertEquals(100, c.write(data, i * 100, 100)); // twenty small segments at once (no Nagle)
            }
            pair.settle();
            assertEquals(400, pair.accepted.get(0).readable(), "four buffers, one small segment each");
            assertTrue(pair.tcpB.drops().get(TcpDrop.RECEIVE_BUFFERS_FULL) > 0);
            atB.reading = true;
            atB.drain(pair.accepted.get(0));
            assertTrue(pair.runUntil(() ->
            {
                atB.drain(pair.accepted.get(0));
                return atB.data.size() == 2_000;
            }, 20_000), pair.tcpB.countersSnapshot().toString());
            assertArrayEquals(data.byteArray(), atB.bytes());
        }
    }
}
