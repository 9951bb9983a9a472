package io.ringstack.ip.stack;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.UdpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-made fragments sent into B's NIC: out of order they reassemble; overlapping ones never rewrite accepted bytes. */
class FragmentsThroughTheStackTest
{
    private static final int PAYLOAD = 3000;

    /** The whole UDP datagram (header + payload) whose fragments the tests send. */
    private static UnsafeBuffer udpDatagram(final byte fill)
    {
        final UnsafeBuffer datagram = new UnsafeBuffer(new byte[UdpHeader.HEADER_LENGTH + PAYLOAD]);
        for (int i = 0; i < PAYLOAD; i++)
        {
            datagram.putByte(UdpHeader.HEADER_LENGTH + i, (byte)(fill + i));
        }
        UdpHeader.write(datagram, 0, 4000, 7, PAYLOAD, StackPair.IP_A, StackPair.IP_B);
        return datagram;
    }

    /** Sends bytes [from, to) of {@code datagram} as a fragment with identification {@code id}. */
    private static void sendFragment(final StackPair pair, final UnsafeBuffer datagram, final int id, final int from,
        final int to, final boolean more)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[14 + 20 + (to - from)]);
        EthernetFrame.writeHeader(frame, 0, StackPair.MAC_B, StackPair.MAC_A, EtherType.IPV4);
        frame.putBytes(34, datagram, from, to - from);
        Ipv4Header.write(frame, 14, 20 + to - from, id, (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | from >>> 3, 64,
            IpProtocol.UDP, StackPair.IP_A, StackPair.IP_B);
        pair.nicB.device().accept(frame, 0, frame.capacity());
        pair.step();
    }

    @Test
    void outOfOrderFragmentsReassembleIntoTheDatagram()
    {
        try (StackPair pair = new StackPair())
        {
            final UdpSocket socket = pair.b.openUdp(7);
            final UnsafeBuffer datagram = udpDatagram((byte)3);
            final int end = datagram.capacity();
            sendFragment(pair, datagram, 77, 2000, end, false);
            sendFragment(pair, datagram, 77, 1000, 2000, true);
            sendFragment(pair, datagram, 77, 1000, 2000, true); // an exact duplicate: tolerated
            assertEquals(0, socket.queued());
            sendFragment(pair, datagram, 77, 0, 1000, true);
            assertEquals(1, socket.queued());
            final UdpDatagram received = new UdpDatagram();
            assertTrue(socket.receive(received));
            assertEquals(PAYLOAD, received.length());
            for (int i = 0; i < PAYLOAD; i++)
            {
                assertEquals((byte)(3 + i), received.buffer().getByte(received.offset() + i), "byte " + i);
            }
            received.release();
            assertEquals(1, pair.b.ipv4Drops().get(Ipv4Drop.FRAGMENT_DUPLICATE));
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }

    @Test
    void overlappingFragmentsDropTheDatagramAndAreCounted()
    {
        try (StackPair pair = new StackPair())
        {
            final UdpSocket socket = pair.b.openUdp(7);
            final UnsafeBuffer good = udpDatagram((byte)3);
            final UnsafeBuffer evil = udpDatagram((byte)99);
            final int end = good.capacity();
            sendFragment(pair, good, 78, 0, 1000, true);
            sendFragment(pair, evil, 78, 496, 1504, true); // overlaps bytes 496..1000 already accepted
            sendFragment(pair, good, 78, 1000, end, false);
            assertEquals(0, socket.queued(), "the datagram is dropped, not delivered with rewritten bytes");
            assertEquals(1, pair.b.ipv4Drops().get(Ipv4Drop.REASSEMBLY_OVERLAP));
            // the same attack with a fresh id, then a clean datagram: only the clean one arrives
            sendFragment(pair, good, 79, 0, 1000, true);
            sendFragment(pair, good, 79, 1000, end, false);
            assertEquals(1, socket.queued());
            pair.clock.advanceMillis(60_000);
            pair.settle();
            StackPair.assertEveryFrameAccounted(pair.b);
            assertTrue(pair.b.events().get(StackEvent.ICMP_ERRORS_SENT) <= 1, "at most a time exceeded for 78");
        }
    }

    @Test
    void anUnfinishedDatagramTimesOutWithTimeExceeded()
    {
        try (StackPair pair = new StackPair())
        {
            pair.b.openUdp(7);
            final UnsafeBuffer datagram = udpDatagram((byte)5);
            sendFragment(pair, datagram, 80, 0, 1000, true); // the first fragment only
            pair.clock.advanceMillis(31_000);
            pair.settle();
            assertEquals(1, pair.b.ipv4Drops().get(Ipv4Drop.REASSEMBLY_TIMEOUT));
            // RFC 792 / RFC 1122 §3.3.2: time exceeded, code 1, back to A
            assertEquals(1, pair.b.events().get(StackEvent.ICMP_ERRORS_SENT));
            assertEquals(1, pair.a.events().get(StackEvent.ICMP_ERRORS_RECEIVED));
            StackPair.assertEveryFrameAccounted(pair.b);
        }
    }
}
