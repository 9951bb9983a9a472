package io.ringstack.bench;

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

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * The kernel baseline for {@link StackEchoBenchmark#udpEcho}: the same UDP echo round trip on one thread through
 * Linux's UDP/IP over 127.0.0.1 with java.nio: the client sends, the server channel receives and sends the payload
 * back, the client receives. Four system calls per round trip, as ringstack's four socket operations.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow" })
public class KernelUdpEchoBenchmark
{
    @Param({ "32", "1024" })
    public int payload;

    private DatagramChannel client;
    private DatagramChannel server;
    private ByteBuffer clientBuffer;
    private ByteBuffer serverBuffer;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        server = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        client = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        client.connect(server.getLocalAddress());
        server.connect(client.getLocalAddress());
        clientBuffer = ByteBuffer.allocateDirect(2048);
        serverBuffer = ByteBuffer.allocateDirect(2048);
    }

    @Benchmark
    public int udpEcho() throws IOException
    {
        clientBuffer.clear().limit(payload);
        client.write(clientBuffer);
        serverBuffer.clear();
        final int n = server.read(serverBuffer);
        serverBuffer.flip();
        server.write(serverBuffer);
        clientBuffer.clear();
        final int m = client.read(clientBuffer);
        if (n != payload || m != payload)
        {
            throw new IllegalStateException("echo lost or cut: " + n + ", " + m);
        }
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        client.close();
        server.close();
    }
}
