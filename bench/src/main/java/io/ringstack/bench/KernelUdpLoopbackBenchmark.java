package io.ringstack.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * The kernel baseline for {@link NicWireBenchmark}: the same frames/s measure through the Linux UDP stack over
 * 127.0.0.1, with a connected {@link DatagramChannel} pair and direct buffers (no allocation per datagram).
 * <p>
 * The datagram's payload is {@code frameSize - 4 - 42} bytes (18 and 1472), so that with 14 B Ethernet, 20 B IPv4
 * and 8 B UDP headers it would be the same {@code frameSize - 4} byte frame (60 and 1514 B, no FCS) that
 * {@link NicWireBenchmark} moves; 1472 B is the largest UDP payload of a 1500 B MTU. An invocation writes
 * {@code batch} datagrams (one {@code send} system call each; the sender blocks) and reads them back on the other
 * channel (non-blocking {@code recv}, spinning until each is there; loopback delivers during the send, so it does not
 * spin in practice). One method per batch size, so the score is datagrams (frames) per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow" })
public class KernelUdpLoopbackBenchmark
{
    private static final int FCS_LENGTH = 4;
    private static final int ETHERNET_IP_UDP_HEADERS = 14 + 20 + 8;
    private static final long MAX_SPINS = 100_000_000L;

    /** Ethernet frame size including the 4-byte FCS, as in {@link NicWireBenchmark}. */
    @Param({ "64", "1518" })
    public int frameSize;

    private DatagramChannel sender;
    private DatagramChannel receiver;
    private ByteBuffer sendBuffer;
    private ByteBuffer receiveBuffer;
    private int payloadLength;

    private long sent;
    private long received;
    private long wrongLength;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        payloadLength = frameSize - FCS_LENGTH - ETHERNET_IP_UDP_HEADERS;
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        receiver = DatagramChannel.open();
        receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        receiver.bind(new InetSocketAddress(loopback, 0));
        sender = DatagramChannel.open();
        sender.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        sender.bind(new InetSocketAddress(loopback, 0));
        sender.connect(receiver.getLocalAddress());
        receiver.connect(sender.getLocalAddress());
        sender.configureBlocking(true);
        receiver.configureBlocking(false);
        sendBuffer = ByteBuffer.allocateDirect(payloadLength);
        for (int i = 0; i < payloadLength; i++)
        {
            sendBuffer.put(i, (byte)i);
        }
        receiveBuffer = ByteBuffer.allocateDirect(2048); // larger than any datagram: a truncated one shows as a wrong length
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public void batch01(final Blackhole blackhole) throws IOException
    {
        blackhole.consume(sendAndReceive(1));
    }

    @Benchmark
    @OperationsPerInvocation(8)
    public void batch08(final Blackhole blackhole) throws IOException
    {
        blackhole.consume(sendAndReceive(8));
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public void batch32(final Blackhole blackhole) throws IOException
    {
        blackhole.consume(sendAndReceive(32));
    }

    private int sendAndReceive(final int batch) throws IOException
    {
        final ByteBuffer out = sendBuffer;
        for (int i = 0; i < batch; i++)
        {
            out.clear();
            sender.write(out);
        }
        sent += batch;
        final ByteBuffer in = receiveBuffer;
        int bytes = 0;
        for (int i = 0; i < batch; i++)
        {
            in.clear();
            int n;
            long spins = 0;
            while ((n = receiver.read(in)) == 0)
            {
                if (++spins > MAX_SPINS)
                {
                    throw new IllegalStateException("datagram lost: sent " + sent + ", received " + received);
                }
                Thread.onSpinWait();
            }
            if (n != payloadLength)
            {
                wrongLength++;
            }
            bytes += n;
            received++;
        }
        return bytes;
    }

    @TearDown(Level.Iteration)
    public void checkNoLoss()
    {
        if (received != sent || wrongLength != 0)
        {
            throw new IllegalStateException("sent " + sent + " datagrams, received " + received + ", " + wrongLength +
                " of a length other than " + payloadLength + " B");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        sender.close();
        receiver.close();
    }
}
