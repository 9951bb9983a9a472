package io.ringstack.tcp;

import io.ringstack.ip.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HandshakeTest
{
    private static final TcpConfig CONFIG = TcpConfig.defaults();

    @Test
    void threeWayHandshakeNegotiatesEveryOption()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            pair.serveOnB(80, 8);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100), pair.tap.dump());
            final List<Segment> segments = pair.tap.segments();
            assertEquals(3, segments.size(), pair.tap.dump());
            final Segment syn = segments.get(0);
            assertEquals(TcpHeader.SYN, syn.flags());
            assertEquals(1_000_000, syn.seq());
            assertEquals(1460, syn.mss());
            assertEquals(TcpConnection.windowScaleFor(CONFIG.receiveBufferBytes()), syn.windowScale());
            assertTrue(syn.sackPermitted());
            assertTrue(syn.timestamps());
            final Segment synAck = segments.get(1);
            assertEquals(TcpHeader.SYN | TcpHeader.ACK, synAck.flags());
            assertEquals(0x7fff_0000, synAck.seq());
            assertEquals(1_000_001, synAck.ack());
            assertEquals(syn.tsVal(), synAck.tsEcr(), "TSecr echoes the SYN's TSval");
            final Segment ack = segments.get(2);
            assertEquals(TcpHeader.ACK, ack.flags());
            assertEquals(1_000_001, ack.seq());
            assertEquals(0x7fff_0001, ack.ack());

            assertEquals(TcpState.ESTABLISHED, c.state());
            final TcpConnection s = pair.accepted.get(0);
            assertEquals(TcpState.ESTABLISHED, s.state());
            assertTrue(c.timestampsOn() && s.timestampsOn());
            assertTrue(c.windowScalingOn() && s.windowScalingOn());
            assertTrue(c.sackPermitted() && s.sackPermitted());
            assertEquals(1448, c.effectiveSendMss(), "1460 minus 12 bytes of timestamps");
            assertEquals(s.receiveWindowShift(), c.sendWindowShift());
            assertEquals(1, pair.tcpA.connectionCount());
        }
    }

    @Test
    void dataBothWaysThenCloseFromTheClient()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            pair.serveOnB(80, 8);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            final TcpConnection s = pair.accepted.get(0);
            final Collector server = pair.acceptedCollectors.get(0);
            final byte[] request = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(request.length, c.write(new UnsafeBuffer(request), 0, request.length));
            assertTrue(pair.runUntil(() -> server.data.size() == request.length, 100));
            final byte[] response = new byte[10_000];
            for (int i = 0; i < response.length; i++)
            {
                response[i] = (byte)(i * 7);
            }
            assertEquals(response.length, s.write(new UnsafeBuffer(response), 0, response.length));
            assertTrue(pair.runUntil(() -> client.data.size() == response.length, 1000));
            assertArrayEquals(response, client.bytes());
            assertArrayEquals(request, server.bytes());

            c.close();
            assertTrue(pair.runUntil(() -> server.peerClosed, 100));
            assertEquals(TcpState.CLOSE_WAIT, s.state());
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            s.close();
            assertTrue(pair.runUntil(() -> s.state() == TcpState.CLOSED, 100));
            assertEquals(TcpState.TIME_WAIT, c.state());
            assertTrue(server.closed);
            // TIME-WAIT lasts 2 MSL
            pair.advance(59_000);
            assertEquals(TcpState.TIME_WAIT, c.state());
            pair.advance(1_100);
            assertEquals(TcpState.CLOSED, c.state());
            assertEquals(0, pair.tcpA.connectionCount());
            assertEquals(0, pair.tcpB.connectionCount());
            assertEquals(0, pair.heldBeyondRings(), "every buffer back");
        }
    }

    @Test
    void sequenceNumbersWrapAroundTwoToThe32()
    {
        try (TcpPair pair = new TcpPair(CONFIG))
        {
            // both ISNs just below 2^32: every comparison crosses the wrap within the first 100 KB
            pair.tcpA.initialSequenceNumbers((la, lp, ra, rp, now) -> -5_000);
            pair.tcpB.initialSequenceNumbers((la, lp, ra, rp, now) -> -70_000);
            pair.serveOnB(80, 8);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            final TcpConnection s = pair.accepted.get(0);
            final byte[] up = new byte[100_000];
            final byte[] down = new byte[150_000];
            new java.util.SplittableRandom(3).nextBytes(up);
            new java.util.SplittableRandom(4).nextBytes(down);
            int sentUp = 0;
            int sentDown = 0;
            for (int i = 0; i < 1_000 && (sentUp < up.length || sentDown < down.length); i++)
            {
                sentUp += c.write(new UnsafeBuffer(up), sentUp, up.length - sentUp);
                sentDown += s.write(new UnsafeBuffer(down), sentDown, down.length - sentDown);
                pair.advance(1);
            }
            final Collector server = pair.acceptedCollectors.get(0);
            assertTrue(pair.runUntil(() -> server.data.size() == up.length && client.data.size() == down.length,
                2_000));
            assertArrayEquals(up, server.bytes());
            assertArrayEquals(down, client.bytes());
            assertEquals(0, pair.tcpA.events().get(TcpEvent.SEGMENTS_RETRANSMITTED) +
                pair.tcpB.events().get(TcpEvent.SEGMENTS_RETRANSMITTED));
            c.close();
            s.close();
            assertTrue(pair.runUntil(() -> c.state() == TcpState.TIME_WAIT || c.state() == TcpState.CLOSED, 100));
        }
    }
}
