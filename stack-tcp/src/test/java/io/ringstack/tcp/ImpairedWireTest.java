package io.ringstack.tcp;

import io.ringstack.nic.wire.FaultPlan;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two stacks over a faulty wire (loss, reordering, duplication, corruption, delay; the same plan both ways):
 * random data both ways arrives intact (SHA-256), both sides close in order within bounded virtual time, and
 * every buffer is back afterwards. Each cell runs with fixed seeds; a failure names its seed.
 */
class ImpairedWireTest
{
    private static final long MS = 1_000_000L;

    static Stream<Arguments> matrix()
    {
        final List<Arguments> cells = new ArrayList<>();
        final long[] seeds = { 11, 29 };
        for (final double loss : new double[] { 0.0, 0.01, 0.05, 0.10, 0.30 })
        {
            for (final long seed : seeds)
            {
                cells.add(Arguments.of("loss " + loss, FaultPlan.drop(loss), seed));
            }
        }
        for (final long seed : seeds)
        {
            cells.add(Arguments.of("reorder 10%", FaultPlan.NONE.withReorder(0.10), seed));
            cells.add(Arguments.of("duplicate 10%", FaultPlan.NONE.withDuplicate(0.10), seed));
            cells.add(Arguments.of("corrupt 5%", FaultPlan.NONE.withCorrupt(0.05), seed));
            cells.add(Arguments.of("delay 2 ms + jitter 3 ms", FaultPlan.NONE.withDelay(2 * MS, 3 * MS), seed));
            cells.add(Arguments.of("everything", FaultPlan.drop(0.05).withReorder(0.05).withDuplicate(0.05)
                .withCorrupt(0.02).withDelay(MS, 2 * MS), seed));
        }
        return cells.stream();
    }

    /** One side's application: writes its random data (B through claim/commit), reads everything. */
    private static final class Side extends Collector
    {
        final byte[] out;
        final boolean zeroCopy;
        final TcpWriteBuffer claim = new TcpWriteBuffer();
        int written;
        boolean closeCalled;

        Side(final byte[] out, final boolean zeroCopy)
        {
            this.out = out;
            this.zeroCopy = zeroCopy;
        }

        void pump(final int expectIn)
        {
            final TcpConnection c = connection;
            if (c == null || c.state() == TcpState.CLOSED)
            {
                return;
            }
            if (!closeCalled && (c.state() == TcpState.ESTABLISHED || c.state() == TcpState.CLOSE_WAIT))
            {
                while (written < out.length)
                {
                    final int n;
                    if (zeroCopy)
                    {
                        if (!c.claim(claim))
                        {
                            break;
                        }
                        n = Math.min(claim.capacity(), out.length - written);
                        claim.buffer().putBytes(claim.offset(), out, written, n);
                        c.commit(claim, n);
                    }
                    else
                    {
                        n = c.write(new UnsafeBuffer(out), written, out.length - written);
                        if (n == 0)
                        {
                            break;
                        }
                    }
                    written += n;
                }
            }
            if (!closeCalled && written == out.length && data.size() == expectIn)
            {
                closeCalled = true;
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}, seed {2}")
    @MethodSource("matrix")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomDataBothWaysArrivesIntact(final String name, final FaultPlan plan, final long seed) throws Exception
    {
        final String cell = name + ", seed " + seed;
        final TcpConfig config = TcpConfig.defaults()
            .withRto(1_000 * MS, 200 * MS, 5_000 * MS)
            .withRetransmissions(40, 40)
            .withMsl(500 * MS)
            .withReceiveBuffer(64 * 1024, 64)
            .withSendBuffer(64 * 1024, 64);
        final SplittableRandom random = new SplittableRandom(seed);
        final int sizeAtoB = plan.dropRate() >= 0.3 ? 40_000 : 300_000;
        final int sizeBtoA = plan.dropRate() >= 0.3 ? 30_000 : 200_000;
        final byte[] aToB = new byte[sizeAtoB];
        final byte[] bToA = new byte[sizeBtoA];
        random.nextBytes(aToB);
        random.nextBytes(bToA);
        final Side clientSide = new Side(aToB, false);
        final Side serverSide = new Side(bToA, true);
        try (TcpPair pair = new TcpPair(config, config, plan, seed, 1500))
        {
            pair.tcpB.listen(80, 4, listener ->
            {
                final TcpConnection accepted = listener.accept(serverSide);
                if (accepted != null)
                {
                    serverSide.connection = accepted;
                }
            });
            clientSide.connection = pair.tcpA.connect(TcpPair.IP_B, 80, clientSide);
            final long start = pair.clock.nanoTime();
            final long limit = start + 900_000 * MS;
            while (pair.clock.nanoTime() < limit)
            {
                clientSide.pump(sizeBtoA);
                serverSide.pump(sizeAtoB);
                pair.settle();
                if (gone(clientSide) && gone(serverSide))
                {
                    break;
                }
                if (clientSide.reset != null || serverSide.reset != null)
                {
                    fail(cell + ": connection reset (" + clientSide.reset + ", " + serverSide.reset + ") " +
                        pair.tcpA.countersSnapshot() + " " + pair.tcpB.countersSnapshot());
                }
                pair.clock.advanceMillis(1);
            }
            final String counters = "\nA " + pair.tcpA.countersSnapshot() + "\nB " + pair.tcpB.countersSnapshot() +
                "\nwire a->b " + pair.wire.faultsAToB() + "\nwire b->a " + pair.wire.faultsBToA();
            assertTrue(gone(clientSide) && gone(serverSide), cell + ": not finished in bounded virtual time: A " +
                state(clientSide) + " " + clientSide.data.size() + "/" + sizeBtoA + ", B " + state(serverSide) + " " +
                serverSide.data.size() + "/" + sizeAtoB + counters);
            assertEquals(sha256(aToB), sha256(serverSide.bytes()), cell + ": A to B" + counters);
            assertEquals(sha256(bToA), sha256(clientSide.bytes()), cell + ": B to A" + counters);
            assertTrue(clientSide.closed && serverSide.closed, cell + ": both close in order");
            assertEquals(0, pair.tcpA.connectionCount() + pair.tcpB.connectionCount(), cell);
            pair.wire.flush();
            pair.settle();
            assertEquals(0, pair.heldBeyondRings(), cell + ": buffers still held beyond the RX rings " +
                pair.nicA.pool().describeOutstanding(io.ringstack.nic.memory.BufferHolder.RX_RING, 5) +
                pair.nicB.pool().describeOutstanding(io.ringstack.nic.memory.BufferHolder.RX_RING, 5));
            if (System.getProperty("impaired.verbose") != null) System.out.println(counters);
            System.out.printf("%-28s seed %3d: %6.1f s virtual, retransmitted A %d B %d segments%n", name, seed,
                (pair.clock.nanoTime() - start) / 1e9, pair.tcpA.events().get(TcpEvent.SEGMENTS_RETRANSMITTED),
                pair.tcpB.events().get(TcpEvent.SEGMENTS_RETRANSMITTED));
        }
    }

    private static boolean gone(final Side side)
    {
        return side.connection != null && side.connection.state() == TcpState.CLOSED;
    }

    private static String state(final Side side)
    {
        return side.connection == null ? "none" : side.connection.toString();
    }

    private static String sha256(final byte[] data) throws NoSuchAlgorithmException
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
