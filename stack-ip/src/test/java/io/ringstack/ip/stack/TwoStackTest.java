package io.ringstack.ip.stack;

import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.nic.wire.FaultPlan;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** Two stacks over the in-memory wire: ARP, ping, UDP echo (also fragmented), errors, and faults on the wire. */
class TwoStackTest
{
    @Test
    void pingResolvesArpBothWaysAndGetsTheReply()
    {
        try (StackPair pair = new StackPair())
        {
            final List<Integer> replies = new ArrayList<>();
            pair.a.echoReplyListener((source, id, seq, data, offset, length, now) ->
            {
                assertEquals(StackPair.IP_B, source);
                assertEquals(0x1234, id);
                for (int i = 0; i < length; i++)
                {
                    assertEquals((byte)i, data.getByte(offset + i), "echo data byte " + i);
                }
                replies.add(seq);
            });
            for (int seq = 1; seq <= 5; seq++)
            {
                assertTrue(pair.a.sendEchoRequest(StackPair.IP_B, 0x1234, seq, 56));
                final int expected = seq;
                assertTrue(pair.runUntil(() -> replies.size() == expected, 100, 1), "reply " + seq);
            }
            assertEquals(List.of(1, 2, 3, 4, 5), replies);
            assertEquals(StackPair.MAC_B, pair.a.arp().lookup(StackPair.IP_B, pair.clock.nanoTime()));
            assertEquals(StackPair.MAC_A, pair.b.arp().lookup(StackPair.IP_A, pair.clock.nanoTime()),
                "B learnt A from A's request (RFC 826 merge)");
            assertEquals(5, pair.b.events().get(StackEvent.ECHO_REPLIES_SENT));
            assertEquals(0, pair.a.ipv4Drops().total() + pair.b.ipv4Drops().total() + pair.a.icmpDrops().total() +
                pair.b.icmpDrops().total(), pair.a.countersSnapshot().toString());
            StackPair.assertEveryFrameAccounted(pair.a);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @ParameterizedTest(name = "{0} B")
    @ValueSource(ints = { 0, 1, 1472, 1473, 3000, 8192, 65507 })
    void udpEchoCarriesEveryByteIncludingFragmentedDatagrams(final int size)
    {
        try (StackPair pair = new StackPair())
        {
            final UdpSocket server = pair.b.openUdp(7);
            final UdpSocket client = pair.a.openUdp(0);
            final UdpDatagram datagram = new UdpDatagram();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[size]);
            for (int i = 0; i < size; i++)
            {
                payload.putByte(i, (byte)(i * 31 + 7));
            }
            assertTrue(client.send(payload, 0, size, StackPair.IP_B, 7));
            assertTrue(pair.runUntil(() -> server.queued() == 1, 200, 1), () -> "server got it " + pair.b.countersSnapshot());
            assertTrue(server.receive(datagram));
            assertEquals(size, datagram.length());
            assertEquals(StackPair.IP_A, datagram.sourceAddress());
            assertEquals(client.localPort(), datagram.sourcePort());
            // echo it back zero-copy-in: claim, copy the slice, send
            final UdpSendBuffer reply = new UdpSendBuffer();
            assertTrue(server.claim(size, reply));
            reply.buffer().putBytes(reply.offset(), datagram.buffer(), datagram.offset(), size);
            datagram.release();
            assertTrue(server.send(reply, size, datagram.sourceAddress(), datagram.sourcePort()));
            assertTrue(pair.runUntil(() -> client.queued() == 1, 200, 1));
            assertTrue(client.receive(datagram));
            assertEquals(size, datagram.length());
            for (int i = 0; i < size; i++)
            {
                assertEquals(payload.getByte(i), datagram.buffer().getByte(datagram.offset() + i), "byte " + i);
            }
            datagram.release();
            if (size > 1472)
            {
                assertTrue(pair.a.events().get(StackEvent.FRAGMENTS_SENT) > 1);
                assertEquals(1, pair.b.events().get(StackEvent.DATAGRAMS_REASSEMBLED));
            }
            StackPair.assertEveryFrameAccounted(pair.a);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void closedPortAnswersPortUnreachableAndTheSenderHearsOfIt()
    {
        try (StackPair pair = new StackPair())
        {
            final UdpSocket client = pair.a.openUdp(40000);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[20]);
            assertTrue(client.send(payload, 0, 20, StackPair.IP_B, 9999));
            assertTrue(pair.runUntil(() -> client.portUnreachableReceived() == 1, 100, 1), pair.a.countersSnapshot()::toString);
            assertEquals(StackPair.IP_B, client.lastUnreachableAddress());
            assertEquals(1, pair.b.udp().drops().get(UdpDrop.NO_SOCKET));
            assertEquals(1, pair.b.events().get(StackEvent.ICMP_ERRORS_SENT));
            StackPair.assertEveryFrameAccounted(pair.a);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void icmpErrorsAreRateLimited()
    {
        try (StackPair pair = new StackPair(FaultPlan.NONE, 1, c -> c.withIcmpErrorRate(10, 5)))
        {
            final UdpSocket client = pair.a.openUdp(40000);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            for (int i = 0; i < 100; i++)
            {
                client.send(payload, 0, 8, StackPair.IP_B, 9999);
                pair.step(); // no time passes: only the burst may be answered
            }
            pair.settle();
            assertEquals(100, pair.b.udp().drops().get(UdpDrop.NO_SOCKET));
            assertEquals(5, pair.b.events().get(StackEvent.ICMP_ERRORS_SENT));
            assertEquals(95, pair.b.events().get(StackEvent.ICMP_ERRORS_RATE_LIMITED));
            pair.clock.advanceMillis(1000); // 10 tokens refill per second, capped at the burst of 5
            for (int i = 0; i < 20; i++)
            {
                client.send(payload, 0, 8, StackPair.IP_B, 9999);
                pair.step();
            }
            pair.settle();
            assertEquals(10, pair.b.events().get(StackEvent.ICMP_ERRORS_SENT));
            assertEquals(10, client.portUnreachableReceived());
        }
    }

    @Test
    void broadcastGetsNoErrorAndNoEchoReply()
    {
        try (StackPair pair = new StackPair())
        {
            final UdpSocket client = pair.a.openUdp(40000);
            assertTrue(client.send(new UnsafeBuffer(new byte[4]), 0, 4, Ipv4Address.BROADCAST, 9999));
            assertTrue(client.send(new UnsafeBuffer(new byte[4]), 0, 4, Ipv4Address.parse("10.0.0.255"), 9999));
            assertTrue(pair.a.sendEchoRequest(Ipv4Address.parse("10.0.0.255"), 1, 1, 8));
            pair.settle();
            assertEquals(2, pair.b.udp().drops().get(UdpDrop.NO_SOCKET_BROADCAST));
            assertEquals(1, pair.b.icmpDrops().get(IcmpDrop.BROADCAST_ECHO));
            assertEquals(0, pair.b.events().get(StackEvent.ICMP_ERRORS_SENT));
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void unknownProtocolAnswersProtocolUnreachable()
    {
        try (StackPair pair = new StackPair())
        {
            final var pool = pair.a.transmitPool();
            final int handle = pool.claim(io.ringstack.nic.memory.BufferHolder.TX_BUILD);
            assertTrue(pair.a.sendIpv4(pool, handle, 16, 99, StackPair.IP_B, false));
            pair.settle();
            assertEquals(1, pair.b.ipv4Drops().get(io.ringstack.ip.wire.Ipv4Drop.UNKNOWN_PROTOCOL));
            assertEquals(1, pair.b.events().get(StackEvent.PROTOCOL_UNREACHABLE));
            assertEquals(1, pair.a.events().get(StackEvent.ICMP_ERRORS_RECEIVED));
            StackPair.assertEveryFrameAccounted(pair.a);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void taggedInterfacesTalkOnTheirVlanAndDropOthers()
    {
        try (StackPair pair = new StackPair(FaultPlan.NONE, 1, c -> c.withVlan(100)))
        {
            final int[] replies = new int[1];
            pair.a.echoReplyListener((source, id, seq, data, offset, length, now) -> replies[0]++);
            assertTrue(pair.a.sendEchoRequest(StackPair.IP_B, 1, 1, 32));
            assertTrue(pair.runUntil(() -> replies[0] == 1, 100, 1), pair.b.countersSnapshot()::toString);
        }
        try (StackPair pair = new StackPair(FaultPlan.NONE, 1, c -> c.address() == StackPair.IP_A ? c.withVlan(100) : c))
        {
            assertTrue(pair.a.sendEchoRequest(StackPair.IP_B, 1, 1, 32));
            pair.settle();
            assertTrue(pair.b.ethernetDrops().get(io.ringstack.ethernet.wire.EthernetDrop.UNKNOWN_VLAN) >= 1);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    /** Faults on the wire: every datagram that arrives is intact, every frame is accounted for, nothing leaks. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 4, 5 })
    void udpEchoSurvivesAnImpairedWire(final long seed)
    {
        final FaultPlan faults = new FaultPlan(0.05, 0.05, 0.05, 0.02, 0, 0, 0, 0);
        try (StackPair pair = new StackPair(faults, seed, UnaryOperator.identity()))
        {
            final UdpSocket server = pair.b.openUdp(7);
            final UdpSocket client = pair.a.openUdp(0);
            final UdpDatagram datagram = new UdpDatagram();
            final UdpSendBuffer out = new UdpSendBuffer();
            final SplittableRandom random = new SplittableRandom(seed);
            int echoedBack = 0;
            int sent = 0;
            for (int round = 0; round < 2000; round++)
            {
                final int size = random.nextInt(10) == 0 ? 2000 + random.nextInt(4000) : random.nextInt(1400);
                if (client.claim(size, out))
                {
                    for (int i = 0; i < size; i++)
                    {
                        out.buffer().putByte(out.offset() + i, (byte)(size + i));
                    }
                    client.send(out, size, StackPair.IP_B, 7);
                    sent++;
                }
                pair.step();
                pair.clock.advanceMillis(1);
                while (server.receive(datagram))
                {
                    if (server.claim(datagram.length(), out))
                    {
                        out.buffer().putBytes(out.offset(), datagram.buffer(), datagram.offset(), datagram.length());
                        server.send(out, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
                    }
                    datagram.release();
                }
                while (client.receive(datagram))
                {
                    final int length = datagram.length();
                    for (int i = 0; i < length; i++)
                    {
                        assertEquals((byte)(length + i), datagram.buffer().getByte(datagram.offset() + i),
                            "seed " + seed + ": byte " + i + " of an echoed datagram of " + length);
                    }
                    datagram.release();
                    echoedBack++;
                }
            }
            pair.clock.advanceMillis(60_000); // let reassembly time out what is left
            pair.settle();
            assertTrue(echoedBack > sent / 2, "seed " + seed + ": " + echoedBack + " of " + sent + " came back");
            assertTrue(pair.a.droppedFrames() + pair.b.droppedFrames() > 0, "corruption must show up as drops");
            StackPair.assertEveryFrameAccounted(pair.a);
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }
}
