package io.ringstack.ip.fragment;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.ringstack.nic.memory.PacketBufferPool.NO_BUFFER;
import static org.junit.jupiter.api.Assertions.*;

class Ipv4FragmenterTest
{
    private static final int HEADROOM = 18; // Ethernet + one VLAN tag
    private static final byte[][] OPTIONS = {
        new byte[0], Datagram.MIXED_OPTIONS, Datagram.COPIED_OPTIONS, Datagram.LONGEST_OPTIONS };
    /** What fragments after the first carry of each of {@link #OPTIONS}. */
    private static final byte[][] COPIED = {
        new byte[0], Datagram.MIXED_OPTIONS_COPIED, Datagram.COPIED_OPTIONS, new byte[0] };

    private final ReasonCounters<Ipv4Drop> drops = new ReasonCounters<>(Ipv4Drop.class);
    private final PacketBufferPool txPool = PacketBufferPool.allocate("tx", 16384, 8);
    private final PacketBufferPool datagramPool = PacketBufferPool.allocate("reassembly", 65536, 16);
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter(txPool, HEADROOM, drops);
    private final UnsafeBuffer original = new UnsafeBuffer(new byte[Ipv4Header.MAX_TOTAL_LENGTH]);
    private final Collector collector = new Collector();

    @AfterEach
    void noLeaks()
    {
        assertEquals(0, txPool.outstanding(), () -> "fragment buffers leaked: " + txPool.describeOutstanding(10));
        assertEquals(0, datagramPool.outstanding(), () -> "datagram buffers leaked");
        txPool.close();
        datagramPool.close();
    }

    /** Copies each fragment out of its pool buffer (checking where it was built), then releases the buffer. */
    private final class Collector implements FragmentSink
    {
        final UnsafeBuffer copies = new UnsafeBuffer(new byte[1 << 20]);
        final List<int[]> fragments = new ArrayList<>(); // {offset in copies, length}
        int used;
        int refuseAt = -1;
        boolean keep;
        final List<Integer> kept = new ArrayList<>();

        @Override
        public boolean onFragment(final int handle, final int ipOffset, final int ipLength)
        {
            assertTrue(txPool.isHeld(handle), "the sink gets a held buffer");
            assertEquals(BufferHolder.TX_BUILD, txPool.holder(handle));
            assertEquals(txPool.offset(handle) + HEADROOM, ipOffset, "the IP header starts after the headroom");
            if (fragments.size() == refuseAt)
            {
                return false;
            }
            copies.putBytes(used, txPool.memory(), ipOffset, ipLength);
            fragments.add(new int[] { used, ipLength });
            used += ipLength;
            if (keep)
            {
                kept.add(handle);
            }
            else
            {
                txPool.release(handle);
            }
            return true;
        }

        Ipv4Header wrap(final Ipv4Header header, final int index)
        {
            final int[] at = fragments.get(index);
            assertTrue(header.wrap(copies, at[0], at[1]), () -> "fragment " + index + ": " + header.problem());
            return header;
        }

        void releaseKept()
        {
            for (final int handle : kept)
            {
                txPool.release(handle);
            }
            kept.clear();
        }
    }

    static LongStream seeds()
    {
        return LongStream.range(0, 200);
    }

    /**
     * Round trip: fragment a random datagram at a random MTU from 68 to 9000, check every fragment against
     * RFC 791 §3.2, feed them in a random order to the reassembler, get the original back byte for byte.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void roundTripGivesTheOriginalBack(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int options = random.nextInt(OPTIONS.length);
        final int headerLength = Ipv4Header.MIN_HEADER_LENGTH + OPTIONS[options].length;
        final int mtu = random.nextInt(4) == 0 ? 68 + random.nextInt(60) : 68 + random.nextInt(9000 - 68 + 1);
        final int maxPayload = Ipv4Header.MAX_TOTAL_LENGTH - headerLength;
        final int minPayload = mtu + 1 - headerLength;
        final int payloadLength = random.nextInt(5) == 0 ? maxPayload :
            minPayload + random.nextInt(Math.min(maxPayload, minPayload + 20_000) - minPayload + 1);
        final Datagram d = new Datagram(Datagram.SOURCE, Datagram.DESTINATION, IpProtocol.UDP, random.nextInt(65536),
            OPTIONS[options], COPIED[options], Datagram.randomBytes(payloadLength, random.nextLong()));
        d.tos = random.nextInt(256);
        roundTrip(d, mtu, COPIED[options], random, "seed " + seed + " (mtu " + mtu + ", " + payloadLength +
            " B of payload, options " + options + ")");
    }

    @ParameterizedTest(name = "{0} B at mtu {1}")
    @CsvSource({ "65535, 68", "65535, 576", "65535, 1500", "65535, 9000", "1501, 1500", "69, 68", "9001, 9000" })
    void edgeSizes(final int totalLength, final int mtu)
    {
        final Datagram d = Datagram.plain(77, totalLength - 20, totalLength);
        roundTrip(d, mtu, new byte[0], new SplittableRandom(totalLength + mtu), totalLength + " at " + mtu);
    }

    private void roundTrip(
        final Datagram d, final int mtu, final byte[] copied, final SplittableRandom random, final String context)
    {
        final int length = d.writeWhole(original, 0);
        final int sent = fragmenter.fragment(original, 0, length, mtu, collector);
        assertEquals(collector.fragments.size(), sent, context);
        assertEquals(0, txPool.outstanding(), context);
        checkFragments(d, mtu, copied, context);

        final ReassemblyConfig config = ReassemblyConfig.defaults().withMaxFragmentsPerDatagram(8192);
        try (Ipv4Reassembler reassembler = new Ipv4Reassembler(config, datagramPool, drops))
        {
            final int[] order = new int[sent];
            for (int i = 0; i < sent; i++)
            {
                order[i] = i;
            }
            for (int i = sent - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            final Ipv4Header fragment = new Ipv4Header();
            int handle = NO_BUFFER;
            for (int i = 0; i < sent; i++)
            {
                assertEquals(NO_BUFFER, handle, context + ": completed before the last fragment");
                handle = reassembler.accept(collector.wrap(fragment, order[i]), 0);
            }
            d.assertReassembled(datagramPool, handle, context);
            datagramPool.release(handle);
        }
        assertEquals(Map.of(), drops.snapshot(), context);
    }

    /** RFC 791 §3.2: sizes, offsets, flags, copied fields and options of each fragment. */
    private void checkFragments(final Datagram d, final int mtu, final byte[] copied, final String context)
    {
        final Ipv4Header fragment = new Ipv4Header();
        final int count = collector.fragments.size();
        assertTrue(count >= 2, context);
        int expectedOffset = 0;
        for (int i = 0; i < count; i++)
        {
            final String where = context + ", fragment " + i + " of " + count;
            collector.wrap(fragment, i);
            final boolean last = i == count - 1;
            assertTrue(fragment.checksumValid(), where + ": checksum");
            assertTrue(fragment.totalLength() <= mtu, where + ": at most the MTU");
            assertEquals(expectedOffset, fragment.fragmentOffset(), where + ": offset");
            assertEquals(!last, fragment.moreFragments(), where + ": MF");
            assertFalse(fragment.dontFragment(), where);
            assertFalse(fragment.reservedFlag(), where);
            if (!last)
            {
                assertEquals(0, fragment.payloadLength() % 8, where + ": data a multiple of 8");
                // as much as fits: fewer than 8 bytes of the MTU left unused
                assertTrue(mtu - fragment.totalLength() < 8, where + ": NFB as large as the MTU allows");
            }
            assertTrue(fragment.payloadLength() > 0, where);
            assertEquals(d.identification, fragment.identification(), where);
            assertEquals(d.source, fragment.source(), where);
            assertEquals(d.destination, fragment.destination(), where);
            assertEquals(d.protocol, fragment.protocol(), where);
            assertEquals(Datagram.TTL, fragment.timeToLive(), where);
            assertEquals(d.tos >>> 2, fragment.dscp(), where);
            assertEquals(d.tos & 3, fragment.ecn(), where);
            final byte[] options = new byte[fragment.optionsLength()];
            collector.copies.getBytes(fragment.offset() + Ipv4Header.MIN_HEADER_LENGTH, options);
            assertArrayEquals(i == 0 ? d.firstOptions : copied, options, where + ": options");
            final byte[] data = new byte[fragment.payloadLength()];
            collector.copies.getBytes(fragment.payloadOffset(), data);
            assertArrayEquals(Arrays.copyOfRange(d.payload, expectedOffset, expectedOffset + data.length), data,
                where + ": data");
            expectedOffset += data.length;
        }
        assertEquals(d.payload.length, expectedOffset, context + ": all the data");
    }

    @Test
    void exampleFromRfc791SizesAndOffsets()
    {
        // 4000 bytes of data over a 1500-byte MTU: 1480 + 1480 + 1040, offsets 0, 185, 370 (units of 8)
        final Datagram d = Datagram.plain(5, 4000, 1);
        final int length = d.writeWhole(original, 0);
        assertEquals(3, fragmenter.fragment(original, 0, length, 1500, collector));
        final Ipv4Header f = new Ipv4Header();
        assertEquals(1500, collector.wrap(f, 0).totalLength());
        assertEquals(0, f.fragmentOffsetUnits());
        assertEquals(1500, collector.wrap(f, 1).totalLength());
        assertEquals(185, f.fragmentOffsetUnits());
        assertEquals(1060, collector.wrap(f, 2).totalLength());
        assertEquals(370, f.fragmentOffsetUnits());
        assertFalse(f.moreFragments());
        assertEquals(3, fragmenter.fragmentsSent());
        assertEquals(1, fragmenter.datagramsFragmented());
    }

    @Test
    void optionsAreCopiedPerTheirCopiedFlag()
    {
        final Datagram d = new Datagram(Datagram.SOURCE, 6, Datagram.MIXED_OPTIONS, Datagram.MIXED_OPTIONS_COPIED,
            Datagram.randomBytes(200, 2));
        final int length = d.writeWhole(original, 0);
        assertEquals(4, fragmenter.fragment(original, 0, length, 100, collector));
        final Ipv4Header f = new Ipv4Header();
        assertEquals(52, collector.wrap(f, 0).headerLength(), "all 32 bytes of options in the first fragment");
        assertEquals(48, f.payloadLength());
        for (int i = 1; i < 4; i++)
        {
            assertEquals(28, collector.wrap(f, i).headerLength(), "only LSRR (7 bytes, copied) + 1 byte padding");
            assertEquals((byte)131, collector.copies.getByte(f.offset() + 20));
            assertEquals(0, collector.copies.getByte(f.offset() + 27), "padded with End of Option List");
        }
        assertEquals(72, collector.wrap(f, 1).payloadLength(), "100 - 28, a multiple of 8");
        assertEquals(200 - 48 - 72 - 72, collector.wrap(f, 3).payloadLength());
        assertEquals(Map.of(), drops.snapshot());
    }

    @Test
    void aFragmentCutAgainKeepsItsOffsetAndMoreFragmentsFlag()
    {
        final Datagram whole = Datagram.plain(7, 3000, 3);
        final UnsafeBuffer piece = new UnsafeBuffer(new byte[2000]);
        final Ipv4Header middle = whole.fragment(1480, 1480, true);
        piece.putBytes(0, middle.buffer(), middle.offset(), middle.totalLength());
        assertEquals(3, fragmenter.fragment(piece, 0, middle.totalLength(), 576, collector));
        final Ipv4Header f = new Ipv4Header();
        assertEquals(1480, collector.wrap(f, 0).fragmentOffset());
        assertTrue(f.moreFragments());
        assertEquals(1480 + 552, collector.wrap(f, 1).fragmentOffset());
        assertEquals(1480 + 1104, collector.wrap(f, 2).fragmentOffset());
        assertTrue(f.moreFragments(), "the original's MF stays on its last piece");
        assertEquals(1480 - 1104, f.payloadLength());
    }

    @Test
    void anEmptyPoolStopsAndLeaksNothing()
    {
        final Datagram d = Datagram.plain(8, 20_000, 4);
        final int length = d.writeWhole(original, 0);
        collector.keep = true; // hold every fragment, as a full TX ring would
        assertEquals(-1, fragmenter.fragment(original, 0, length, 1500, collector));
        assertEquals(8, collector.fragments.size(), "as many as the pool had");
        assertEquals(1, drops.get(Ipv4Drop.NO_BUFFER));
        assertEquals(0, fragmenter.datagramsFragmented());
        collector.releaseKept();
    }

    @Test
    void aRefusingSinkStopsAndTheRefusedFragmentIsReleased()
    {
        final Datagram d = Datagram.plain(9, 20_000, 5);
        final int length = d.writeWhole(original, 0);
        collector.refuseAt = 2;
        assertEquals(-1, fragmenter.fragment(original, 0, length, 1500, collector));
        assertEquals(2, collector.fragments.size());
        assertEquals(1, fragmenter.sinkRefusals());
        assertEquals(0, txPool.outstanding(), "the refused fragment went back to the pool");
    }

    @Test
    void theOriginalIsNotTouched()
    {
        final Datagram d = new Datagram(Datagram.SOURCE, 10, Datagram.MIXED_OPTIONS, Datagram.MIXED_OPTIONS_COPIED,
            Datagram.randomBytes(5000, 6));
        final int length = d.writeWhole(original, 0);
        final byte[] before = new byte[length];
        original.getBytes(0, before);
        assertEquals(4, fragmenter.fragment(original, 0, length, 1500, collector));
        final byte[] after = new byte[length];
        original.getBytes(0, after);
        assertArrayEquals(before, after);
    }

    @Test
    void misuseIsRefusedWithAClearMessage()
    {
        final Datagram d = Datagram.plain(11, 3000, 7);
        final int length = d.writeWhole(original, 0);
        assertMisuse("68", () -> fragmenter.fragment(original, 0, length, 67, collector));
        assertMisuse("fits", () -> fragmenter.fragment(original, 0, length, 3020, collector));
        assertMisuse("not a valid IPv4", () -> fragmenter.fragment(original, 0, 19, 1500, collector));
        assertThrows(NullPointerException.class, () -> fragmenter.fragment(original, 0, length, 1500, null));
        final int large = Datagram.plain(12, 20_000, 8).writeWhole(original, 0);
        assertMisuse("does not fit", () -> fragmenter.fragment(original, 0, large, 16_380, collector));
        d.extraFlags = Ipv4Header.FLAG_DONT_FRAGMENT;
        final int withDf = d.writeWhole(original, 0);
        assertMisuse("DF", () -> fragmenter.fragment(original, 0, withDf, 1500, collector));
        assertMisuse("headroom", () -> new Ipv4Fragmenter(txPool, -1));
        assertMisuse("headroom", () -> new Ipv4Fragmenter(txPool, 16384 - 67));
        assertEquals(0, collector.fragments.size());
        assertEquals(0, txPool.outstanding());
    }

    private static void assertMisuse(final String expected, final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
