package io.ringstack.ip.stack;

import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.icmp.EchoReplyListener;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/** Steady-state ping and UDP echo between two stacks allocate nothing on the thread that runs them. */
class StackZeroAllocationTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static long allocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private static final class Counter implements EchoReplyListener
    {
        long replies;

        @Override
        public void onEchoReply(final int source, final int identifier, final int sequence,
            final org.agrona.DirectBuffer data, final int offset, final int length, final long nowNanos)
        {
            replies++;
        }
    }

    @Test
    void pingAndUdpEchoAllocateNothingPerPacket()
    {
        try (StackPair pair = new StackPair())
        {
            final Counter counter = new Counter();
            pair.a.echoReplyListener(counter);
            final UdpSocket server = pair.b.openUdp(7);
            final UdpSocket client = pair.a.openUdp(5000);
            final UdpDatagram datagram = new UdpDatagram();
            final UdpSendBuffer out = new UdpSendBuffer();
            final int[] echoed = new int[1];
            final Runnable round = () ->
            {
                pair.a.sendEchoRequest(StackPair.IP_B, 7, 1, 56);
                if (client.claim(100, out))
                {
                    out.buffer().setMemory(out.offset(), 100, (byte)1);
                    client.send(out, 100, StackPair.IP_B, 7);
                }
                pair.step();
                while (server.receive(datagram))
                {
                    if (server.claim(datagram.length(), out))
                    {
                        out.buffer().putBytes(out.offset(), datagram.buffer(), datagram.offset(), datagram.length());
                        server.send(out, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
                    }
                    datagram.release();
                }
                pair.step();
                while (client.receive(datagram))
                {
                    echoed[0]++;
                    datagram.release();
                }
            };
            for (int i = 0; i < 20_000; i++)
            {
                round.run(); // warm up: ARP resolved, code compiled
            }
            final long repliesBefore = counter.replies;
            final int echoedBefore = echoed[0];
            // A few windows: JIT recompilation (deoptimisation re-materialising objects) can allocate once in a
            // window; an allocation per packet shows in every window.
            final int rounds = 100_000;
            final long[] windows = new long[3];
            long allocated = -1;
            for (int w = 0; w < windows.length && allocated != 0; w++)
            {
                final long before = allocatedBytes();
                for (int i = 0; i < rounds; i++)
                {
                    round.run();
                }
                allocated = allocatedBytes() - before;
                windows[w] = allocated;
            }
            final long windowsRun = counter.replies - repliesBefore;
            assertEquals(0, windowsRun % rounds, "every ping answered");
            assertEquals(windowsRun, echoed[0] - echoedBefore, "every datagram echoed");
            System.out.println("bytes allocated per window of " + rounds + " round trips: " + java.util.Arrays.toString(windows));
            assertEquals(0, allocated, "bytes allocated over " + rounds + " ping + UDP echo round trips, per window: " +
                java.util.Arrays.toString(windows));
        }
    }
}
