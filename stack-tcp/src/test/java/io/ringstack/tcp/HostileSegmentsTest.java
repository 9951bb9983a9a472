package io.ringstack.tcp;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.tcp.wire.TcpDrop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random segments (valid or broken checksums, any flags, sequence numbers near and far from the windows, random
 * and malformed options, data) aimed at a listener, an established connection and closed ports: nothing throws,
 * every segment is either counted as received or dropped by a reason, the listener keeps working, and no buffer
 * leaks.
 */
class HostileSegmentsTest
{
    private static final long MS = 1_000_000L;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 7, 42, 1234, 987654 })
    void randomSegmentsAreCountedAndHarmless(final long seed)
    {
        final TcpConfig config = TcpConfig.defaults().withRto(1_000 * MS, 200 * MS, 5_000 * MS).withSynBacklog(16);
        try (TcpPair pair = new TcpPair(config))
        {
            pair.serveOnB(80, 8);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            c.write(new UnsafeBuffer(new byte[3000]), 0, 3000);
            pair.settle();
            final Segment lastFromA = pair.tap.fromA().getLast();
            final int nearSeq = lastFromA.seq() + lastFromA.payloadLength();
            final int nearAck = lastFromA.ack();
            final int legitPort = c.localPort();

            pair.tap.dropIf = s -> true; // the wire is cut: only the injected segments reach B while we count
            final long receivedBefore = pair.tcpB.events().get(TcpEvent.SEGMENTS_RECEIVED);
            final long earlyDropsBefore = earlyDrops(pair.tcpB);
            final SplittableRandom random = new SplittableRandom(seed);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[1514]);
            final int count = 5_000;
            for (int i = 0; i < count; i++)
            {
                final int length = build(frame, random, legitPort, nearSeq, nearAck);
                final byte[] bytes = new byte[length];
                frame.getBytes(0, bytes);
                try
                {
                    pair.tap.injectToB(bytes);
                    pair.b.doWork();
                    if (random.nextInt(50) == 0)
                    {
                        pair.clock.advanceMillis(random.nextInt(300));
                        pair.step();
                    }
                }
                catch (final RuntimeException ex)
                {
                    throw new AssertionError("seed " + seed + ", segment " + i + " threw", ex);
                }
            }
            final long received = pair.tcpB.events().get(TcpEvent.SEGMENTS_RECEIVED) - receivedBefore;
            final long early = earlyDrops(pair.tcpB) - earlyDropsBefore;
            assertEquals(count, received + early, "seed " + seed + ": every segment counted once " +
                pair.tcpB.countersSnapshot());
            assertTrue(pair.tcpB.drops().get(TcpDrop.BAD_CHECKSUM) > 0, "seed " + seed);
            assertTrue(pair.tcpB.drops().get(TcpDrop.BAD_OPTION_LENGTH) > 0, "seed " + seed);

            // half-open connections time out; the listener still serves a newcomer
            pair.tap.dropIf = s -> false;
            pair.advance(100);
            pair.runUntil(() -> false, 120_000, 50_000);
            final Collector newcomer = new Collector();
            pair.tcpA.connect(TcpPair.IP_B, 80, newcomer);
            assertTrue(pair.runUntil(() -> newcomer.connected, 5_000), "seed " + seed + ": listener still works " +
                pair.tcpB.countersSnapshot());
        }
    }

    private static long earlyDrops(final TcpLayer layer)
    {
        return layer.drops().get(TcpDrop.TRUNCATED) + layer.drops().get(TcpDrop.BAD_DATA_OFFSET) +
            layer.drops().get(TcpDrop.BAD_CHECKSUM) + layer.drops().get(TcpDrop.BAD_OPTION_LENGTH) +
            layer.drops().get(TcpDrop.BAD_PORT) + layer.drops().get(TcpDrop.BROADCAST);
    }

    /** A frame from A to B carrying a random TCP segment; returns its length. */
    private static int build(
        final UnsafeBuffer frame, final SplittableRandom random, final int legitPort, final int nearSeq,
        final int nearAck)
    {
        MacAddress.write(frame, 0, TcpPair.MAC_B);
        MacAddress.write(frame, 6, TcpPair.MAC_A);
        frame.putShort(12, (short)EtherType.IPV4, ByteOrder.BIG_ENDIAN);
        final int ip = 14;
        final int tcp = ip + 20;
        final int optionsLength = random.nextInt(3) == 0 ? 4 * random.nextInt(11) : random.nextBoolean() ? 12 : 0;
        final int headerLength = 20 + optionsLength;
        final int payload = random.nextInt(4) == 0 ? random.nextInt(200) : 0;
        final int segmentLength = headerLength + payload;
        final int sourcePort = switch (random.nextInt(4))
        {
            case 0 -> random.nextInt(65536);
            default -> legitPort;
        };
        final int destinationPort = random.nextInt(5) == 0 ? random.nextInt(65536) : 80;
        final int seq = random.nextBoolean() ? nearSeq + random.nextInt(-70_000, 70_000) : random.nextInt();
        final int ack = random.nextBoolean() ? nearAck + random.nextInt(-70_000, 70_000) : random.nextInt();
        final int flags = random.nextInt(4) == 0 ? random.nextInt(256) :
            new int[] { TcpHeader.ACK, TcpHeader.SYN, TcpHeader.RST, TcpHeader.FIN | TcpHeader.ACK,
                TcpHeader.SYN | TcpHeader.ACK, TcpHeader.RST | TcpHeader.ACK, TcpHeader.PSH | TcpHeader.ACK }
                [random.nextInt(7)];
        TcpHeader.write(frame, tcp, sourcePort, destinationPort, seq, ack, headerLength, flags, random.nextInt(65536));
        for (int i = 0; i < optionsLength; i++)
        {
            frame.putByte(tcp + 20 + i, (byte)(random.nextInt(3) == 0 ? random.nextInt(10) : random.nextInt(256)));
        }
        if (optionsLength >= 12 && random.nextBoolean())
        {
            // well-formed timestamps, so that segments get past RFC 7323 §3.2 to the deeper checks
            io.ringstack.tcp.wire.TcpOptions.writeTimestamps(frame, tcp + 20, 40_000_000 + random.nextInt(1000),
                random.nextInt());
            for (int i = 12; i < optionsLength; i++)
            {
                frame.putByte(tcp + 20 + i, (byte)1);
            }
        }
        for (int i = 0; i < payload; i++)
        {
            frame.putByte(tcp + headerLength + i, (byte)random.nextInt(256));
        }
        if (random.nextInt(10) == 0)
        {
            // a data offset that lies (below 5 or past the segment)
            frame.putByte(tcp + TcpHeader.DATA_OFFSET_OFFSET, (byte)(random.nextInt(16) << 4));
        }
        TcpHeader.writeChecksum(frame, tcp, segmentLength, TcpPair.IP_A, TcpPair.IP_B);
        if (random.nextInt(10) == 0)
        {
            frame.putByte(tcp + 16, (byte)(frame.getByte(tcp + 16) ^ 0x5A)); // a broken checksum
        }
        Ipv4Header.write(frame, ip, 20 + segmentLength, random.nextInt(65536), 0, 64, IpProtocol.TCP,
            TcpPair.IP_A, TcpPair.IP_B);
        return 14 + 20 + segmentLength;
    }
}
