package io.ringstack.bench;

import io.ringstack.ip.icmp.EchoReplyListener;
import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Round trips per second between two in-process ringstack stacks, on one thread (one core): stack A sends, both
 * stacks run their duty cycles (driver RX/TX, Ethernet, IPv4, ICMP or UDP), stack B answers, A receives the
 * answer. {@code ping}: an ICMP echo request answered by B's stack itself (the request's buffer turned around).
 * {@code udpEcho}: a UDP datagram to B's socket, read by B's application code as a slice and sent back from a
 * claimed buffer, read by A's application. Kernel baseline: {@link KernelUdpEchoBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow" })
public class StackEchoBenchmark
{
    /** UDP payload / ICMP echo data bytes. */
    @Param({ "32", "1024" })
    public int payload;

    private EmulatedNic nicA;
    private EmulatedNic nicB;
    private InMemoryWire wire;
    private Ipv4Stack a;
    private Ipv4Stack b;
    private UdpSocket client;
    private UdpSocket server;
    private final UdpDatagram datagram = new UdpDatagram();
    private final UdpSendBuffer out = new UdpSendBuffer();
    private final Replies replies = new Replies();
    private int ipB;
    private long lost;

    private static final class Replies implements EchoReplyListener
    {
        long count;

        @Override
        public void onEchoReply(final int source, final int identifier, final int sequence, final DirectBuffer data,
            final int offset, final int length, final long nowNanos)
        {
            count++;
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        nicA = EmulatedNic.builder("a", 0x5254_0000_0A01L).rings(256, 256).buffers(1024).strict(false).build();
        nicB = EmulatedNic.builder("b", 0x5254_0000_0A02L).rings(256, 256).buffers(1024).strict(false).build();
        wire = InMemoryWire.connect(nicA.device(), nicB.device());
        nicA.start();
        nicB.start();
        a = new Ipv4Stack("a", StackConfig.of("10.0.0.1/24"), nicA.driver(), SystemNanoClock.INSTANCE).start();
        b = new Ipv4Stack("b", StackConfig.of("10.0.0.2/24"), nicB.driver(), SystemNanoClock.INSTANCE).start();
        ipB = Ipv4Address.parse("10.0.0.2");
        a.echoReplyListener(replies);
        client = a.openUdp(5000);
        server = b.openUdp(7);
        for (int i = 0; i < 10; i++)
        {
            ping(); // resolve ARP both ways before measuring
        }
    }

    @Benchmark
    public long ping()
    {
        final long before = replies.count;
        a.sendEchoRequest(ipB, 1, 1, payload);
        a.doWork();
        b.doWork();
        a.doWork();
        if (replies.count == before)
        {
            lost++;
        }
        return replies.count;
    }

    @Benchmark
    public int udpEcho()
    {
        final int size = payload;
        if (client.claim(size, out))
        {
            out.buffer().setMemory(out.offset(), size, (byte)7);
            client.send(out, size, ipB, 7);
        }
        a.doWork();
        b.doWork();
        while (server.receive(datagram))
        {
            if (server.claim(datagram.length(), out))
            {
                out.buffer().putBytes(out.offset(), datagram.buffer(), datagram.offset(), datagram.length());
                server.send(out, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
            }
            datagram.release();
        }
        b.flush();
        a.doWork();
        int received = 0;
        while (client.receive(datagram))
        {
            received += datagram.length();
            datagram.release();
        }
        if (received != size)
        {
            lost++;
        }
        return received;
    }

    @TearDown(Level.Iteration)
    public void checkNothingLost()
    {
        if (lost != 0)
        {
            throw new IllegalStateException(lost + " round trips lost; a " + a.countersSnapshot() + " b " + b.countersSnapshot());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        a.close();
        b.close();
        wire.close();
        nicA.close();
        nicB.close();
    }
}
