package io.ringstack.tcp;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.e1000.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** A segment that arrives in IP fragments is reassembled by IP and queued by TCP like any other (one copy). */
class FragmentedSegmentTest
{
    @Test
    void segmentInTwoFragmentsIsDelivered()
    {
        final TcpConfig config = TcpConfig.defaults().withTimestamps(false);
        try (TcpPair pair = new TcpPair(config))
        {
            pair.serveOnB(80, 4);
            final Collector client = new Collector();
            final TcpConnection c = pair.tcpA.connect(TcpPair.IP_B, 80, client);
            assertTrue(pair.runUntil(() -> client.connected && pair.accepted.size() == 1, 100));
            final Segment last = pair.tap.fromA().getLast();
            // the next 1000 bytes "from A", as a router with a small MTU would have fragmented them
            final byte[] payload = new byte[1000];
            for (int i = 0; i < payload.length; i++)
            {
                payload[i] = (byte)(i * 13);
            }
            final UnsafeBuffer segment = new UnsafeBuffer(new byte[20 + payload.length]);
            TcpHeader.write(segment, 0, c.localPort(), 80, last.seq(), last.ack(), 20, TcpHeader.ACK | TcpHeader.PSH,
                last.window());
            segment.putBytes(20, payload);
            TcpHeader.writeChecksum(segment, 0, segment.capacity(), TcpPair.IP_A, TcpPair.IP_B);
            final int firstLength = 512; // a multiple of 8
            pair.tap.injectToB(fragment(segment, 0, firstLength, true));
            pair.tap.injectToB(fragment(segment, firstLength, segment.capacity() - firstLength, false));
            pair.settle();
            assertArrayEquals(payload, pair.acceptedCollectors.get(0).bytes());
        }
    }

    private static byte[] fragment(final UnsafeBuffer segment, final int offset, final int length, final boolean more)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[14 + 20 + length]);
        MacAddress.write(frame, 0, TcpPair.MAC_B);
        MacAddress.write(frame, 6, TcpPair.MAC_A);
        frame.putShort(12, (short)EtherType.IPV4, ByteOrder.BIG_ENDIAN);
        Ipv4Header.write(frame, 14, 20 + length, 4242,
            (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | offset / 8, 64, IpProtocol.TCP, TcpPair.IP_A, TcpPair.IP_B);
        frame.putBytes(34, segment, offset, length);
        return frame.byteArray();
    }
}
