package io.ringstack.bench;

import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.FrameReceiver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Frames per second from one driver to another: {@link E1000Driver#transmit} on NIC A, one {@link E1000Driver#flush()}
 * per batch (the emulated device sends synchronously on the TDT write), the in-memory wire, NIC B's emulated device
 * "DMA"ing each frame into its RX ring, and {@link E1000Driver#receive} on B handing the frames up in place.
 * <p>
 * One method per batch size, each with {@link OperationsPerInvocation} equal to its batch, so every score is in
 * frames/s and {@code gc.alloc.rate.norm} is in bytes per frame. An invocation reclaims A's finished TX buffers,
 * claims {@code batch} buffers from A's pool, writes the 14-byte Ethernet header into each (a buffer may come back
 * in another order, so the header is written every time; the payload is left as it is), transmits them, flushes,
 * and polls B for {@code batch} frames; the receiver releases each buffer. A frame is {@code frameSize - 4} bytes
 * on the wire (frameSize counts the FCS, which our wire does not carry): 60 and 1514 bytes. Lost frames fail the
 * run at the end of each iteration.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow" })
public class NicWireBenchmark
{
    private static final long MAC_A = 0x5254_0000_0001L;
    private static final long MAC_B = 0x5254_0000_0002L;
    /** IEEE 802 local experimental EtherType: nobody above the driver looks at these frames. */
    private static final short ETHER_TYPE = (short)0x88B5;
    private static final int FCS_LENGTH = 4;

    /** Ethernet frame size including the 4-byte FCS, as frame sizes are usually quoted (64 B minimum, 1518 B maximum). */
    @Param({ "64", "1518" })
    public int frameSize;

    private EmulatedNic nicA;
    private EmulatedNic nicB;
    private InMemoryWire wire;
    private E1000Driver txDriver;
    private E1000Driver rxDriver;
    private PacketBufferPool txPool;
    private UnsafeBuffer txMemory;
    private int wireLength;
    private final Receiver receiver = new Receiver();

    private long framesSent;
    private long claimFailures;
    private long ringFull;

    /** Releases each frame's buffer back to B's pool and counts it. */
    private static final class Receiver implements FrameReceiver
    {
        PacketBufferPool pool;
        long frames;
        long bytes;

        @Override
        public void onFrame(final int handle, final UnsafeBuffer memory, final int offset, final int length)
        {
            frames++;
            bytes += length;
            pool.release(handle);
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        wireLength = frameSize - FCS_LENGTH;
        nicA = EmulatedNic.builder("a", MAC_A).bufferSize(2048).buffers(1024).rings(256, 256).strict(false).build();
        nicB = EmulatedNic.builder("b", MAC_B).bufferSize(2048).buffers(1024).rings(256, 256).strict(false).build();
        wire = InMemoryWire.connect(nicA.device(), nicB.device());
        nicA.start();
        nicB.start();
        txDriver = nicA.driver();
        rxDriver = nicB.driver();
        txPool = nicA.pool();
        txMemory = txPool.memory();
        receiver.pool = nicB.pool();
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public void batch01(final Blackhole blackhole)
    {
        blackhole.consume(sendAndReceive(1));
    }

    @Benchmark
    @OperationsPerInvocation(8)
    public void batch08(final Blackhole blackhole)
    {
        blackhole.consume(sendAndReceive(8));
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public void batch32(final Blackhole blackhole)
    {
        blackhole.consume(sendAndReceive(32));
    }

    private int sendAndReceive(final int batch)
    {
        final E1000Driver tx = txDriver;
        final PacketBufferPool pool = txPool;
        final UnsafeBuffer memory = txMemory;
        final int length = wireLength;
        tx.reclaim();
        for (int i = 0; i < batch; i++)
        {
            final int handle = pool.claim(BufferHolder.TX_BUILD);
            if (handle == PacketBufferPool.NO_BUFFER)
            {
                claimFailures++;
                break;
            }
            final int offset = pool.offset(handle);
            MacAddress.write(memory, offset, MAC_B);
            MacAddress.write(memory, offset + 6, MAC_A);
            memory.putShort(offset + 12, ETHER_TYPE, ByteOrder.BIG_ENDIAN);
            if (!tx.transmit(handle, offset, length))
            {
                ringFull++;
                pool.release(handle);
                break;
            }
            framesSent++;
        }
        tx.flush();
        return rxDriver.receive(receiver, batch);
    }

    /** Fails the run if a frame went missing, was cut, or a buffer leaked; runs after each iteration. */
    @TearDown(Level.Iteration)
    public void checkNoLoss()
    {
        txDriver.reclaim();
        if (claimFailures != 0 || ringFull != 0)
        {
            throw new IllegalStateException("TX could not keep up: " + claimFailures + " claim failures, " +
                ringFull + " ring-full refusals; " + txPool);
        }
        if (receiver.frames != framesSent)
        {
            throw new IllegalStateException("frames lost: sent " + framesSent + ", received " + receiver.frames +
                "; B " + rxDriver.readStatistics() + ", A " + txDriver.readStatistics());
        }
        if (receiver.bytes != framesSent * wireLength)
        {
            throw new IllegalStateException("received " + receiver.bytes + " B for " + framesSent + " frames of " +
                wireLength + " B");
        }
        // Each NIC's own RX ring holds buffers of its pool; anything else still held has leaked.
        if (txPool.outstanding() != txPool.countHeldBy(BufferHolder.RX_RING))
        {
            throw new IllegalStateException("A's buffers leaked: " + txPool.describeOutstanding(BufferHolder.RX_RING, 8));
        }
        final PacketBufferPool rxPool = nicB.pool();
        if (rxPool.outstanding() != rxPool.countHeldBy(BufferHolder.RX_RING))
        {
            throw new IllegalStateException("B's buffers leaked: " + rxPool.describeOutstanding(BufferHolder.RX_RING, 8));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        wire.close();
        nicA.close();
        nicB.close();
    }
}
