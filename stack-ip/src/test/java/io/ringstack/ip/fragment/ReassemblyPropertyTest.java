package io.ringstack.ip.fragment;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.PacketBufferPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.ringstack.nic.memory.PacketBufferPool.NO_BUFFER;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded property: any set of honest datagrams, cut into fragments of random (8-aligned) sizes, delivered in a
 * random interleaved order with random exact duplicates, reassembles to the original bytes; each datagram
 * completes exactly at its last distinct fragment, every duplicate is counted and nothing else is dropped.
 */
class ReassemblyPropertyTest
{
    private static final byte[][] OPTIONS = {
        new byte[0], Datagram.MIXED_OPTIONS, Datagram.COPIED_OPTIONS, Datagram.LONGEST_OPTIONS };
    private static final byte[][] LATER_OPTIONS = {
        new byte[0], Datagram.MIXED_OPTIONS_COPIED, Datagram.COPIED_OPTIONS, new byte[0] };

    static LongStream seeds()
    {
        return LongStream.range(0, 300);
    }

    private record Piece(int datagram, int offset, int length, boolean more)
    {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyOrderWithDuplicatesReassemblesTheOriginal(final long seed)
    {
        final String context = "seed " + seed;
        final SplittableRandom random = new SplittableRandom(seed);
        final ReassemblyConfig config = ReassemblyConfig.defaults().withMaxFragmentsPerDatagram(8192);
        final ReasonCounters<Ipv4Drop> drops = new ReasonCounters<>(Ipv4Drop.class);
        try (PacketBufferPool pool = PacketBufferPool.allocate("property", 65536, config.maxDatagrams());
            Ipv4Reassembler reassembler = new Ipv4Reassembler(config, pool, drops))
        {
            final int count = 1 + random.nextInt(4);
            final int firstIdentification = random.nextInt(65536);
            final Datagram[] datagrams = new Datagram[count];
            final List<List<Piece>> sequences = new ArrayList<>();
            long duplicates = 0;
            for (int i = 0; i < count; i++)
            {
                final int options = random.nextInt(OPTIONS.length);
                final int headerLength = Ipv4Header.MIN_HEADER_LENGTH + OPTIONS[options].length;
                final int size = payloadSize(random, Ipv4Header.MAX_TOTAL_LENGTH - headerLength);
                final int source = random.nextBoolean() ? Datagram.SOURCE : Ipv4Address.parse("10.9.8." + i);
                final int identification = (firstIdentification + i) & 0xFFFF;
                datagrams[i] = new Datagram(source, Datagram.DESTINATION, IpProtocol.UDP, identification,
                    OPTIONS[options], LATER_OPTIONS[options], Datagram.randomBytes(size, random.nextLong()));
                final List<Piece> pieces = cut(i, size, random);
                final List<Piece> sequence = shuffledWithDuplicates(pieces, random);
                duplicates += sequence.size() - pieces.size();
                sequences.add(sequence);
            }
            // interleave the datagrams' sequences, keeping each one's order
            final int[] next = new int[count];
            final boolean[] done = new boolean[count];
            int remaining = count;
            while (remaining > 0)
            {
                final int i = random.nextInt(count);
                if (done[i])
                {
                    continue;
                }
                final List<Piece> sequence = sequences.get(i);
                final Piece piece = sequence.get(next[i]++);
                final int handle = reassembler.accept(
                    datagrams[i].fragment(piece.offset(), piece.length(), piece.more()), 0);
                if (next[i] == sequence.size())
                {
                    datagrams[i].assertReassembled(pool, handle, context + ", datagram " + i + " of " +
                        datagrams[i].payload.length + " B in " + sequence.size() + " pieces");
                    assertTrue(pool.release(handle), context);
                    done[i] = true;
                    remaining--;
                }
                else
                {
                    assertEquals(NO_BUFFER, handle, () -> context + ": completed early, " + piece);
                }
            }
            final Map<Ipv4Drop, Long> expected = duplicates == 0 ? Map.of() :
                Map.of(Ipv4Drop.FRAGMENT_DUPLICATE, duplicates);
            assertEquals(expected, drops.snapshot(), context);
            assertEquals(0, reassembler.datagramsInProgress(), context);
            assertEquals(0, pool.outstanding(), context);
        }
    }

    /** Mostly small datagrams, some large, a few of the largest size. */
    static int payloadSize(final SplittableRandom random, final int max)
    {
        final int kind = random.nextInt(20);
        if (kind < 10)
        {
            return 9 + random.nextInt(3000);
        }
        if (kind < 18)
        {
            return 9 + random.nextInt(30_000);
        }
        return kind == 18 ? max : max - random.nextInt(100);
    }

    /** Cuts [0, size) into pieces of random 8-aligned sizes (at least two pieces), with a per-datagram scale. */
    private static List<Piece> cut(final int datagram, final int size, final SplittableRandom random)
    {
        final int scale = 1 + random.nextInt(random.nextBoolean() ? 8 : 1200);
        final List<Piece> pieces = new ArrayList<>();
        int offset = 0;
        while (true)
        {
            final int length = 8 * (1 + random.nextInt(scale));
            if (offset + length >= size)
            {
                if (offset == 0)
                {
                    // one piece would not be a fragment: split at the first 8 bytes
                    pieces.add(new Piece(datagram, 0, 8, true));
                    pieces.add(new Piece(datagram, 8, size - 8, false));
                    return pieces;
                }
                pieces.add(new Piece(datagram, offset, size - offset, false));
                return pieces;
            }
            pieces.add(new Piece(datagram, offset, length, true));
            offset += length;
        }
    }

    /** A random order, with some pieces repeated; the last piece is one not seen before, so it completes. */
    private static List<Piece> shuffledWithDuplicates(final List<Piece> pieces, final SplittableRandom random)
    {
        final List<Piece> order = new ArrayList<>(pieces);
        shuffle(order, random);
        final Piece last = order.removeLast();
        final int duplicatePercent = random.nextInt(4) == 0 ? 0 : random.nextInt(30);
        final int n = order.size();
        for (int i = 0; i < n; i++)
        {
            if (random.nextInt(100) < duplicatePercent)
            {
                order.add(order.get(i));
            }
        }
        shuffle(order, random);
        order.add(last);
        return order;
    }

    private static <T> void shuffle(final List<T> list, final SplittableRandom random)
    {
        for (int i = list.size() - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
