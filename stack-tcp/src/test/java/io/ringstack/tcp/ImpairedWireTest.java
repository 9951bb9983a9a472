package io.ringstack.tcp;

import io.ringstack.nic.wire.FaultPlan;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two stacks over a faulty wire (loss, reordering, duplication, corruption, delay; the same plan both ways):
 * random data both ways arrives intact (SHA-256), both sides close in order within bounded virtual time, and
 * every buffer is back afterwards. Each cell (with at least 1 ms of delay each way) runs with fixed seeds, with
 * SACK and without, and reports the goodput of each; a failure names its seed. On a path with a round trip of
 * 20 ms, SACK's goodput must beat NewReno's.
 */
class ImpairedWireTest
{
    private static final long MS = 1_000_000L;
    private static final long RTT = 20 * MS;

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
        // a round trip of at least 2 ms everywhere, so that goodput has a time scale other than the 1 ms step
        return cells.stream().map(cell ->
        {
            final FaultPlan plan = (FaultPlan)cell.get()[1];
            return plan.delayNanos() > 0 ? cell : Arguments.of(cell.get()[0], plan.withDelay(MS, 0), cell.get()[2]);
        });
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

    /** What one transfer achieved. */
    record Outcome(long bytes, long deliveredNanos, long closedNanos, long retransmittedA, long retransmittedB,
        long timeoutsA, long timeoutsB)
    {
        /** Application bytes delivered (both ways) per second of virtual time until the last one arrived. */
        double goodputMbps()
        {
            return bytes * 8 / (deliveredNanos / 1e9) / 1e6;
        }
    }

    private static TcpConfig config(final boolean sack)
    {
        return TcpConfig.defaults()
            .withRto(1_000 * MS, 200 * MS, 5_000 * MS)
            .withRetransmissions(40, 40)
            .withMsl(5_000 * MS) // TIME-WAIT (2 MSL) outlasts the longest RTO, for FINs resent through 30 % loss
            .withReceiveBuffer(64 * 1024, 64)
            .withSendBuffer(64 * 1024, 64)
            .withSackPermitted(sack);
    }

    @ParameterizedTest(name = "{0}, seed {2}")
    @MethodSource("matrix")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomDataBothWaysArrivesIntact(final String name, final FaultPlan plan, final long seed) throws Exception
    {
        final int sizeAtoB = plan.dropRate() >= 0.3 ? 40_000 : 300_000;
        final int sizeBtoA = plan.dropRate() >= 0.3 ? 30_000 : 200_000;
        final Outcome sack = transfer(name + " SACK", plan, seed, config(true), sizeAtoB, sizeBtoA);
        final Outcome none = transfer(name + " no SACK", plan, seed, config(false), sizeAtoB, sizeBtoA);
        System.out.printf("%-26s seed %3d: goodput %7.1f Mbit/s with SACK, %7.1f without; delivered in %6.3f s / %6.3f s;"
            + " retransmitted A %d B %d / A %d B %d segments%n", name, seed, sack.goodputMbps(), none.goodputMbps(),
            sack.deliveredNanos() / 1e9, none.deliveredNanos() / 1e9, sack.retransmittedA(), sack.retransmittedB(),
            none.retransmittedA(), none.retransmittedB());
    }

    /**
     * RFC 6675 against NewReno (RFC 6582) on a path with a round trip of 20 ms and the default 256 KiB windows: SACK
     * repairs all the losses of a window in one round trip where NewReno needs one per hole (and, with windows this
     * large, often a timeout and go-back-N), so its goodput is higher. The tap loses the same segments in both runs
     * (chosen by what they are, not by their place among the frames, which SACK's extra ACKs would shift), either
     * way; four seeds per loss rate, summed; every run checks integrity as the matrix does.
     */
    @ParameterizedTest(name = "loss {0}")
    @ValueSource(doubles = { 0.01, 0.05 })
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void goodputWithSackBeatsGoodputWithoutIt(final double loss) throws Exception
    {
        final FaultPlan plan = FaultPlan.NONE.withDelay(RTT / 2, 0);
        long sackBytes = 0;
        long sackNanos = 0;
        long noneBytes = 0;
        long noneNanos = 0;
        final StringBuilder cells = new StringBuilder();
        for (final long seed : new long[] { 11, 29, 47, 83 })
        {
            final String name = "loss " + loss + ", RTT 20 ms";
            final TcpConfig sackOn = TcpConfig.defaults().withRto(1_000 * MS, 200 * MS, 5_000 * MS)
                .withRetransmissions(40, 40).withMsl(5_000 * MS);
            final Outcome sack = transfer(name + ", SACK", plan, seed, sackOn, 2_000_000, 500_000, loss);
            final Outcome none = transfer(name + ", no SACK", plan, seed, sackOn.withSackPermitted(false), 2_000_000,
                500_000, loss);
            sackBytes += sack.bytes();
            sackNanos += sack.deliveredNanos();
            noneBytes += none.bytes();
            noneNanos += none.deliveredNanos();
            cells.append(String.format("  seed %d: %5.1f vs %5.1f Mbit/s; timeouts %d vs %d, retransmitted %d vs %d%n",
                seed, sack.goodputMbps(), none.goodputMbps(), sack.timeoutsA() + sack.timeoutsB(),
                none.timeoutsA() + none.timeoutsB(), sack.retransmittedA() + sack.retransmittedB(),
                none.retransmittedA() + none.retransmittedB()));
        }
        final double withSack = sackBytes * 8 / (sackNanos / 1e9) / 1e6;
        final double without = noneBytes * 8 / (noneNanos / 1e9) / 1e6;
        System.out.printf("loss %.2f, RTT 20 ms: goodput %.1f Mbit/s with SACK, %.1f without (%.2f x)%n%s", loss,
            withSack, without, withSack / without, cells);
        assertTrue(withSack > without, String.format("goodput with SACK %.1f Mbit/s, without %.1f%n%s", withSack,
            without, cells));
    }

    /**
     * Random data both ways (B writes through claim/commit); checks it arrives intact (SHA-256), both sides close
     * in order within bounded virtual time, and every buffer is back afterwards.
     */
    private static Outcome transfer(final String name, final FaultPlan plan, final long seed, final TcpConfig config,
        final int sizeAtoB, final int sizeBtoA) throws Exception
    {
        return transfer(name, plan, seed, config, sizeAtoB, sizeBtoA, 0);
    }

    /**
     * @param segmentLoss with a wire plan that loses nothing: the tap loses this share of segments, choosing each by
     *                    a hash of what it is (direction, sequence or acknowledgment number, and which transmission
     *                    of it), so that runs with and without SACK lose the same data segments
     */
    private static Outcome transfer(final String name, final FaultPlan plan, final long seed, final TcpConfig config,
        final int sizeAtoB, final int sizeBtoA, final double segmentLoss) throws Exception
    {
        final String cell = name + ", seed " + seed;
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] aToB = new byte[sizeAtoB];
        final byte[] bToA = new byte[sizeBtoA];
        random.nextBytes(aToB);
        random.nextBytes(bToA);
        final Side clientSide = new Side(aToB, false);
        final Side serverSide = new Side(bToA, true);
        try (TcpPair pair = new TcpPair(config, config, plan, seed, 1500))
        {
            if (segmentLoss > 0)
            {
                final Map<Long, Integer> transmissions = new HashMap<>();
                pair.tap.dropIf = segment ->
                {
                    final boolean data = segment.payloadLength() > 0;
                    final long what = (segment.fromA() ? 1L << 62 : 0) | (data ? 1L << 61 : 0) |
                        ((data ? segment.seq() : segment.ack()) & 0xFFFF_FFFFL);
                    final int nth = transmissions.merge(what, 1, Integer::sum);
                    final long mixed = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L ^ what ^ (long)nth << 40)
                        .nextLong();
                    return (mixed >>> 11) * 0x1.0p-53 < segmentLoss;
                };
            }
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
            long delivered = -1;
            while (pair.clock.nanoTime() < limit)
            {
                clientSide.pump(sizeBtoA);
                serverSide.pump(sizeAtoB);
                pair.settle();
                if (delivered < 0 && clientSide.data.size() == sizeBtoA && serverSide.data.size() == sizeAtoB)
                {
                    delivered = pair.clock.nanoTime() - start;
                }
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
            assertTrue(clientSide.closed && serverSide.closed, cell + ": both close in order: A " + clientSide.events +
                ", B " + serverSide.events + counters);
            assertEquals(0, pair.tcpA.connectionCount() + pair.tcpB.connectionCount(), cell);
            pair.wire.flush();
            pair.settle();
            assertEquals(0, pair.heldBeyondRings(), cell + ": buffers still held beyond the RX rings " +
                pair.nicA.pool().describeOutstanding(io.ringstack.nic.memory.BufferHolder.RX_RING, 5) +
                pair.nicB.pool().describeOutstanding(io.ringstack.nic.memory.BufferHolder.RX_RING, 5));
            if (System.getProperty("impaired.verbose") != null)
            {
                System.out.println(cell + counters);
            }
            return new Outcome(sizeAtoB + sizeBtoA, Math.max(delivered, 1_000_000L), pair.clock.nanoTime() - start,
                pair.tcpA.events().get(TcpEvent.SEGMENTS_RETRANSMITTED),
                pair.tcpB.events().get(TcpEvent.SEGMENTS_RETRANSMITTED),
                pair.tcpA.events().get(TcpEvent.RETRANSMISSION_TIMEOUTS),
                pair.tcpB.events().get(TcpEvent.RETRANSMISSION_TIMEOUTS));
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
