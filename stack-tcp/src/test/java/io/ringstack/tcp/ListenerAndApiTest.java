package io.ringstack.tcp;

import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Listen backlogs, the application surface (slices, claim/commit, misuse), FIN-WAIT-2 timeout. */
class ListenerAndApiTest
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

    @Test
    void acceptQueueHoldsCompletedHandshakesUntilAccepted()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final int[] announced = { 0 };
            final TcpListener listener = pair.tcpB.listen(80, 1, l -> announced[0]++);
            final Collector first = new Collector();
            final Collector second = new Collector();
            pair.tcpA.connect(TcpPair.IP_B, 80, first);
            assertTrue(pair.runUntil(() -> first.connected, 100));
            assertEquals(1, listener.pending());
            assertEquals(1, announced[0]);
            // the accept queue (backlog 1) is full: the next SYN is dropped and will be retransmitted
            final TcpConnection late = pair.tcpA.connect(TcpPair.IP_B, 80, second);
            pair.settle();
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.SYN_QUEUE_FULL));
            assertEquals(TcpState.SYN_SENT, late.state());
            // data sent before the accept waits in the connection
            first.connection.write(bytes(100, 1), 0, 100);
            pair.settle();
            final Collector onB = new Collector();
            final TcpConnection accepted = listener.accept(onB);
            assertNotNull(accepted);
            assertEquals(100, accepted.readable(), "data that came before the accept is readable at once");
            pair.settle();
            assertEquals(100, onB.data.size(), "and announced on the next duty cycle");
            assertNull(listener.accept(new Collector()));
            assertTrue(pair.runUntil(() -> second.connected, 2_000), "the retransmitted SYN gets in");
            assertEquals(1, listener.pending());
        }
    }

    @Test
    void handshakeCompletingIntoAFullAcceptQueueWaitsInSynReceived()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final TcpListener listener = pair.tcpB.listen(80, 1, l -> { });
            final Collector first = new Collector();
            final Collector second = new Collector();
            // both SYNs arrive while the accept queue is empty: both get SYN,ACKs
            pair.tcpA.connect(TcpPair.IP_B, 80, first);
            pair.tcpA.connect(TcpPair.IP_B, 80, second);
            pair.settle();
            assertTrue(first.connected && second.connected, "both clients see the SYN,ACK");
            assertEquals(1, listener.pending());
            assertEquals(1, listener.synReceived(), "the second ACK found the accept queue full");
            assertEquals(1, pair.tcpB.drops().get(TcpDrop.ACCEPT_QUEUE_FULL));
            assertNotNull(listener.accept(new Collector()));
            // B retransmits its SYN,ACK; A answers with an ACK that now gets into the accept queue
            assertTrue(pair.runUntil(() -> listener.pending() == 1, 2_000), pair.tap.dump());
            assertEquals(0, listener.synReceived());
        }
    }

    @Test
    void closingAListenerResetsWhatItHasNotAccepted()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            final TcpListener listener = pair.tcpB.listen(80, 4, l -> { });
            final Collector client = new Collector();
            pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected, 100));
            listener.close();
            assertTrue(pair.runUntil(() -> client.reset != null, 100));
            assertEquals(TcpCloseReason.RESET, client.reset);
            assertThrows(IllegalArgumentException.class, () -> pair.tcpB.listen(80, 0, l -> { }),
                "a backlog below 1 is refused");
            final Collector refused = new Collector();
            pair.tcpA.connect(TcpPair.IP_B, 80, refused);
            assertTrue(pair.runUntil(() -> refused.reset != null, 100));
            assertEquals(TcpCloseReason.REFUSED, refused.reset);
        }
    }

    @Test
    void slicesTheApplicationHoldsShrinkTheWindow()
    {
        final TcpConfig small = CONFIG.withReceiveBuffer(16 * 1024, 64);
        try (TcpPair pair = new TcpPair(CONFIG, small, FaultPlan.NONE, 1, 1500))
        {
            pair.serveOnB(80, 4);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> pair.accepted.size() == 1, 100));
            final TcpConnection s = pair.accepted.get(0);
            pair.acceptedCollectors.get(0).reading = false;
            c.write(bytes(4 * 1448, 1), 0, 4 * 1448);
            pair.settle();
            // the application takes the data as slices and keeps them
            final List<TcpSlice> held = new ArrayList<>();
            while (true)
            {
                final TcpSlice slice = new TcpSlice();
                if (!s.read(slice))
                {
                    break;
                }
                held.add(slice);
            }
            assertEquals(4, held.size());
            assertEquals(4, s.lentBuffers());
            assertEquals(0, s.readable());
            pair.advance(50); // the delayed ACK tells A the window
            assertEquals(16 * 1024 - 4 * 1448, c.sendWindow(), "held slices count against the window");
            assertEquals(1448, held.get(0).length());
            assertEquals(bytes(4 * 1448, 1).getByte(1448), held.get(1).buffer().getByte(held.get(1).offset()));
            held.forEach(TcpSlice::release);
            assertThrows(IllegalStateException.class, () -> held.get(0).release(), "a double release is refused");
            c.write(bytes(100, 2), 0, 100);
            pair.advance(50);
            assertEquals(16 * 1024 - 100, c.sendWindow(), "released slices open it again");
        }
    }

    @Test
    void claimAndCommitSendFromTheClaimedBuffer()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            pair.serveOnB(80, 4);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            final TcpWriteBuffer claim = new TcpWriteBuffer();
            assertFalse(c.claim(claim), "nothing to claim before the handshake");
            assertTrue(pair.runUntil(() -> pair.accepted.size() == 1 && client.connected, 100));
            assertTrue(c.claim(claim));
            assertEquals(1448, claim.capacity());
            assertThrows(IllegalStateException.class, () -> c.claim(claim), "one claim at a time per holder");
            claim.buffer().putBytes(claim.offset(), bytes(1000, 9), 0, 1000);
            assertThrows(IllegalArgumentException.class, () -> c.commit(claim, 2000));
            c.commit(claim, 1000);
            assertThrows(IllegalStateException.class, () -> c.commit(claim, 10), "committed already");
            assertTrue(c.claim(claim));
            c.abandon(claim);
            pair.settle();
            assertArrayEquals(bytes(1000, 9).byteArray(), pair.acceptedCollectors.get(0).bytes());
            c.shutdownOutput();
            assertThrows(IllegalStateException.class, () -> c.claim(claim));
        }
    }

    @Test
    void finWait2TimesOutWhenTheApplicationClosed()
    {
        try (TcpPair pair = new TcpPair(CONFIG.withFinWait2Timeout(5_000 * MS)))
        {
            final TcpListener listener = pair.tcpB.listen(80, 4, l -> { });
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected, 100));
            final TcpConnection s = listener.accept(new Collector());
            c.close();
            assertTrue(pair.runUntil(() -> c.state() == TcpState.FIN_WAIT_2, 100));
            pair.advance(4_900);
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            pair.advance(200);
            assertEquals(TcpState.CLOSED, c.state());
            assertEquals(TcpState.CLOSE_WAIT, s.state());
        }
    }

    @Test
    void icmpProtocolUnreachableEndsTheSyn()
    {
        // B is an IPv4 host without TCP: its stack answers our SYN with ICMP protocol unreachable (RFC 1122
        // §3.2.2.1), a hard error for a connection in SYN-SENT (RFC 1122 §4.2.3.9)
        try (TcpPair pair = new TcpPair(CONFIG, CONFIG, FaultPlan.NONE, 1, 1500, true, false))
        {
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            pair.settle();
            assertEquals(TcpCloseReason.UNREACHABLE, client.reset);
            assertEquals(TcpState.CLOSED, c.state());
            assertEquals(1, pair.tcpA.events().get(TcpEvent.ICMP_ERRORS_RECEIVED));
        }
    }

    @Test
    void misuseIsRefusedWithAnExplanation()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            assertThrows(IllegalArgumentException.class, () -> pair.tcpA.connect(TcpPair.IP_B, 0, new Collector()));
            assertThrows(IllegalArgumentException.class, () -> pair.tcpA.connect(0xFFFF_FFFF, 80, new Collector()));
            pair.tcpB.listen(80, 4, l -> { });
            final IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> pair.tcpB.listen(80, 4, l -> { }));
            assertTrue(twice.getMessage().contains("already listens"));
            pair.tcpA.connect(7000, TcpPair.IP_B, 80, new Collector());
            assertThrows(IllegalStateException.class, () -> pair.tcpA.connect(7000, TcpPair.IP_B, 80, new Collector()));
            final TcpSlice slice = new TcpSlice();
            assertThrows(IllegalStateException.class, slice::buffer);
        }
    }
}
