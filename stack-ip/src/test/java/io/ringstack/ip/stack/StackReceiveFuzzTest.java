package io.ringstack.ip.stack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the stack's frame receive path ({@link Ipv4Stack#onFrame}: Ethernet, ARP, IPv4, reassembly, ICMP, UDP)
 * with Jazzer (docs/FUZZING.md). An input is one Ethernet frame; its destination MAC is set to the stack's so that
 * it gets past the link layer. After each frame: nothing thrown, every frame received accounted for by an outcome
 * or a drop reason, and no buffer held beyond what the rings, the reassembly and ARP queues may hold.
 * {@code ./mvnw verify} runs it in regression mode on the inputs kept under
 * {@code src/test/resources/io/ringstack/ip/stack/StackReceiveFuzzTestInputs/receive}.
 */
class StackReceiveFuzzTest
{
    private static StackPair pair;
    private static long inputs;

    private static StackPair pair()
    {
        if (pair == null)
        {
            pair = new StackPair();
            pair.b.openUdp(7); // a socket to queue into (released by the receive loop below)
        }
        return pair;
    }

    @FuzzTest(maxDuration = "5m")
    void receive(final byte[] input)
    {
        final StackPair p = pair();
        final PacketBufferPool pool = p.nicB.pool();
        final int length = Math.min(input.length, pool.bufferSize());
        final int handle = pool.claim(BufferHolder.DRIVER);
        assertNotEquals(PacketBufferPool.NO_BUFFER, handle, () -> "pool exhausted: " + pool.describeOutstanding(5));
        final int offset = pool.offset(handle);
        final UnsafeBuffer memory = pool.memory();
        memory.putBytes(offset, input, 0, length);
        if (length >= 6)
        {
            io.ringstack.nic.e1000.MacAddress.write(memory, offset, p.b.macAddress());
        }
        p.b.onFrame(handle, memory, offset, length);
        final io.ringstack.ip.udp.UdpSocket socket = p.b.udp().socket(7);
        final io.ringstack.ip.udp.UdpDatagram datagram = new io.ringstack.ip.udp.UdpDatagram();
        while (socket.receive(datagram))
        {
            datagram.release();
        }
        if (++inputs % 16 == 0)
        {
            p.clock.advanceMillis(1_000); // reassembly and ARP timers run too
            p.step();
        }
        StackPair.assertEveryFrameAccounted(p.b);
    }

    @AfterAll
    static void closeWithoutLeaks()
    {
        if (pair != null)
        {
            pair.clock.advanceMillis(120_000);
            pair.settle();
            pair.close(); // fails on any leaked buffer
            pair = null;
        }
    }
}
