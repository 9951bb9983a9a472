package io.ringstack.ip.fragment;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ringstack.ip.fragment.Datagram.SOURCE;
import static io.ringstack.nic.memory.PacketBufferPool.NO_BUFFER;
import static org.junit.jupiter.api.Assertions.*;

class Ipv4ReassemblerTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 1_000 * SECOND;

    private final List<PacketBufferPool> pools = new ArrayList<>();
    private final List<Ipv4Reassembler> reassemblers = new ArrayList<>();
    private final ReasonCounters<Ipv4Drop> drops = new ReasonCounters<>(Ipv4Drop.class);
    private PacketBufferPool pool;
    private Ipv4Reassembler reassembler;

    private void start(final ReassemblyConfig config)
    {
        start(config, config.maxDatagrams());
    }

    private void start(final ReassemblyConfig config, final int poolCapacity)
    {
        pool = PacketBufferPool.allocate("reassembly", PacketBufferPool.MAX_DATAGRAM_BUFFER_SIZE, poolCapacity);
        pools.add(pool);
        reassembler = new Ipv4Reassembler(config, pool, drops);
        reassemblers.add(reassembler);
    }

    @AfterEach
    void noLeaks()
    {
        for (final Ipv4Reassembler r : reassemblers)
        {
            r.close();
        }
        for (final PacketBufferPool p : pools)
        {
            assertEquals(0, p.outstanding(), () -> "leaked after close: " + p.describeOutstanding(10));
            p.close();
        }
    }

    private void assertDrops(final Map<Ipv4Drop, Long> expected)
    {
        assertEquals(expected, drops.snapshot());
    }

    private void assertIdle()
    {
        assertEquals(0, reassembler.datagramsInProgress(), "datagrams in progress");
        assertEquals(0, pool.outstanding(), () -> "buffers held: " + pool.describeOutstanding(10));
    }

    /** The one datagram buffer held now (white box: to look at the bytes accepted so far). */
    private int heldBuffer()
    {
        int held = NO_BUFFER;
        for (int h = 0; h < pool.capacity(); h++)
        {
            if (pool.isHeld(h))
            {
                assertEquals(NO_BUFFER, held, "one buffer held");
                held = h;
            }
        }
        assertNotEquals(NO_BUFFER, held, "one buffer held");
        return held;
    }

    private void release(final int handle)
    {
        assertTrue(pool.release(handle));
    }

    @Test
    void inOrder()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(7, 3000, 1);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 1480, true), T0));
        assertEquals(1, reassembler.datagramsInProgress());
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(1480, 1480, true), T0));
        final int handle = reassembler.accept(d.fragment(2960, 40, false), T0);
        d.assertReassembled(pool, handle, "in order");
        assertEquals(BufferHolder.STACK, pool.holder(handle));
        assertEquals(1, reassembler.datagramsCompleted());
        assertEquals(0, reassembler.datagramsInProgress());
        release(handle);
        assertIdle();
        assertDrops(Map.of());
    }

    @Test
    void reverseOrder()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(8, 4001, 2);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(4000, 1, false), T0));
        for (int offset = 3000; offset > 0; offset -= 1000)
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(offset, 1000, true), T0));
        }
        final int handle = reassembler.accept(d.fragment(0, 1000, true), T0);
        d.assertReassembled(pool, handle, "reverse order");
        release(handle);
        assertIdle();
        assertDrops(Map.of());
    }

    @Test
    void dontFragmentAndReservedFlagsOfFragmentZeroAreKept()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(9, 16, 3);
        d.extraFlags = Ipv4Header.FLAG_DONT_FRAGMENT;
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(8, 8, false), T0));
        final int handle = reassembler.accept(d.fragment(0, 8, true), T0);
        d.assertReassembled(pool, handle, "DF kept");
        final Ipv4Header got = new Ipv4Header();
        assertTrue(got.wrap(pool.memory(), pool.offset(handle), 36));
        assertTrue(got.dontFragment());
        assertEquals(Datagram.TTL, got.timeToLive());
        release(handle);
    }

    /** Fragment zero brings a header longer or shorter than the later fragments': the data held so far moves. */
    @ParameterizedTest
    @CsvSource({ "MIXED, LATER_COPIED", "LONGEST, NONE", "NONE, COPIED", "COPIED, COPIED" })
    void fragmentZeroWithAnotherHeaderLengthArrivingLast(final String first, final String later)
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = new Datagram(SOURCE, 10, options(first), options(later), Datagram.randomBytes(9000, 4));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(8000, 1000, false), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(1000, 3000, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(4000, 4000, true), T0));
        final int handle = reassembler.accept(d.fragment(0, 1000, true), T0);
        d.assertReassembled(pool, handle, first + "/" + later);
        release(handle);
        assertIdle();
        assertDrops(Map.of());
    }

    private static byte[] options(final String name)
    {
        return switch (name)
        {
            case "NONE" -> new byte[0];
            case "MIXED" -> Datagram.MIXED_OPTIONS;
            case "LATER_COPIED" -> Datagram.MIXED_OPTIONS_COPIED;
            case "COPIED" -> Datagram.COPIED_OPTIONS;
            case "LONGEST" -> Datagram.LONGEST_OPTIONS;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void interleavedDatagramsWithKeysDifferingInOneFieldStayApart()
    {
        start(ReassemblyConfig.defaults().withMaxDatagrams(16, 16));
        final byte[] none = new byte[0];
        final int otherSource = Ipv4Address.parse("192.0.2.99");
        final int otherDestination = Ipv4Address.parse("198.51.100.99");
        final int dst = Datagram.DESTINATION;
        final Datagram[] datagrams = {
            new Datagram(SOURCE, dst, IpProtocol.UDP, 1, none, none, Datagram.randomBytes(100, 10)),
            new Datagram(otherSource, dst, IpProtocol.UDP, 1, none, none, Datagram.randomBytes(100, 11)),
            new Datagram(SOURCE, otherDestination, IpProtocol.UDP, 1, none, none, Datagram.randomBytes(100, 12)),
            new Datagram(SOURCE, dst, IpProtocol.TCP, 1, none, none, Datagram.randomBytes(100, 13)),
            new Datagram(SOURCE, dst, IpProtocol.UDP, 2, none, none, Datagram.randomBytes(100, 14)),
        };
        for (final Datagram d : datagrams)
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(48, 52, false), T0));
        }
        assertEquals(datagrams.length, reassembler.datagramsInProgress());
        for (final Datagram d : datagrams)
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 24, true), T0));
        }
        for (int i = datagrams.length - 1; i >= 0; i--)
        {
            final int handle = reassembler.accept(datagrams[i].fragment(24, 24, true), T0);
            datagrams[i].assertReassembled(pool, handle, "datagram " + i);
            release(handle);
        }
        assertIdle();
        assertDrops(Map.of());
    }

    @Test
    void exactDuplicatesAreDroppedAloneAndTheDatagramCompletes()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(11, 3000, 5);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(1480, 1480, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(1480, 1480, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(2960, 40, false), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(2960, 40, false), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(1480, 1480, true), T0));
        final int handle = reassembler.accept(d.fragment(0, 1480, true), T0);
        d.assertReassembled(pool, handle, "with duplicates");
        release(handle);
        assertDrops(Map.of(Ipv4Drop.FRAGMENT_DUPLICATE, 3L));
        // a duplicate after completion is a new datagram's first fragment: it waits and times out, unreported
        final List<Integer> reported = new ArrayList<>();
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(1480, 1480, true), T0 + SECOND));
        assertEquals(1, reassembler.poll(T0 + 31 * SECOND, (b, o, l) -> reported.add(l)));
        assertEquals(List.of(), reported);
        assertIdle();
    }

    /**
     * Overlap attacks against fragments [0, 32) and [64, 96) already held. Each variant overlaps one of them (or
     * both); the bytes accepted must not change, the datagram is dropped, its remaining fragments rejected.
     */
    @ParameterizedTest(name = "[{0}, {0}+{1}) MF={2}")
    @CsvSource({
        "8, 8, true",      // Teardrop-style: inside fragment zero
        "24, 16, true",    // straddles the end of [0, 32)
        "56, 16, true",    // straddles the start of [64, 96)
        "0, 96, true",     // covers both
        "0, 8, true",      // same start as fragment zero, shorter
        "0, 40, true",     // same start, longer: rewrite attempt of [0, 32) and more
        "72, 24, true",    // same end as [64, 96), later start
        "16, 56, true",    // from inside one to inside the other
        "64, 40, false",   // same start as [64, 96), longer, as the last fragment
    })
    void overlapsDropTheDatagramAndNeverRewriteAcceptedBytes(final int offset, final int length, final boolean more)
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(12, 200, 6);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 32, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(64, 32, true), T0));
        final int held = heldBuffer();
        final byte[] before = new byte[pool.bufferSize()];
        pool.memory().getBytes(pool.offset(held), before);

        final byte[] evil = new byte[length];
        java.util.Arrays.fill(evil, (byte)0xEE);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(offset, length, more, evil, 0), T0));

        final byte[] after = new byte[pool.bufferSize()];
        pool.memory().getBytes(pool.offset(held), after);
        assertArrayEquals(before, after, "bytes in the datagram buffer changed");
        assertFalse(pool.isHeld(held), "the dropped datagram's buffer is released at once");
        assertEquals(0, reassembler.datagramsInProgress());
        assertEquals(1, reassembler.datagramsDiscarding());
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_OVERLAP, 1L));

        // the honest rest never completes it: rejected until the timeout, then the key is free again
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(32, 32, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(96, 104, false), T0));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_OVERLAP, 1L, Ipv4Drop.REASSEMBLY_DISCARDED, 2L));
        assertEquals(0, pool.outstanding());
        assertEquals(0, reassembler.poll(T0 + 30 * SECOND - 1, null));
        assertEquals(1, reassembler.poll(T0 + 30 * SECOND, (b, o, l) -> fail("no ICMP for a discarded datagram")));
        assertEquals(0, reassembler.datagramsDiscarding());
        assertEquals(0, drops.get(Ipv4Drop.REASSEMBLY_TIMEOUT), "a discarded datagram is not counted twice");

        final long later = T0 + 31 * SECOND;
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 96, true), later));
        final int handle = reassembler.accept(d.fragment(96, 104, false), later);
        d.assertReassembled(pool, handle, "after the discard expired");
        release(handle);
        assertIdle();
    }

    @Test
    void overlapWithFragmentZeroArrivingSecondKeepsTheFirstBytes()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(13, 64, 7);
        final byte[] evil = new byte[64];
        java.util.Arrays.fill(evil, (byte)0x5A);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(16, 16, true), T0));
        final int held = heldBuffer();
        final int at = pool.offset(held) + Ipv4Header.MIN_HEADER_LENGTH + 16;
        final byte[] accepted = new byte[16];
        pool.memory().getBytes(at, accepted);
        assertArrayEquals(java.util.Arrays.copyOfRange(d.payload, 16, 32), accepted);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 48, true, evil, 0), T0));
        pool.memory().getBytes(at, accepted);
        assertArrayEquals(java.util.Arrays.copyOfRange(d.payload, 16, 32), accepted);
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_OVERLAP, 1L));
        assertIdle();
    }

    @Test
    void pingOfDeathIsDroppedBeforeAnyStateIsKept()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(14, Ipv4Header.MAX_TOTAL_LENGTH + 16, 8);
        // offset 65,528 (8191 units) + 16 bytes: the classic oversize ICMP echo
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(65_528, 16, false), T0));
        // one byte past the end, with a 20-byte header: 65,512 + 4 > 65,515
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(65_512, 4, false), T0));
        assertDrops(Map.of(Ipv4Drop.FRAGMENT_TOO_LONG, 2L));
        assertIdle();
        // exactly 65,535 bytes in all is fine
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(65_512, 3, false), T0));
        assertEquals(1, reassembler.datagramsInProgress());
    }

    @Test
    void largestDatagramReassembles()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(15, Ipv4Header.MAX_TOTAL_LENGTH - 20, 9);
        int offset = 0;
        while (offset + 8000 < d.payload.length)
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(offset, 8000, true), T0));
            offset += 8000;
        }
        final int handle = reassembler.accept(d.fragment(offset, d.payload.length - offset, false), T0);
        d.assertReassembled(pool, handle, "65,535 bytes");
        release(handle);
        assertIdle();
    }

    /** Fragment zero's 60-byte header plus data reaching 65,515 from 20-byte-header fragments: too long in all. */
    @ParameterizedTest
    @CsvSource({ "true", "false" })
    void datagramTooLongWithFragmentZerosHeaderIsDropped(final boolean zeroFirst)
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = new Datagram(SOURCE, 16, Datagram.LONGEST_OPTIONS, new byte[0],
            Datagram.randomBytes(Ipv4Header.MAX_TOTAL_LENGTH - 20, 10));
        if (zeroFirst)
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 8, true), T0));
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(65_488, 27, false), T0));
        }
        else
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(65_488, 27, false), T0));
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 8, true), T0));
        }
        assertDrops(Map.of(Ipv4Drop.FRAGMENT_TOO_LONG, 1L));
        assertEquals(1, reassembler.datagramsDiscarding());
        assertIdle();
    }

    @Test
    void misalignedAndEmptyFragmentsAreDroppedAlone()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(17, 40, 11);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 13, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(16, 0, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(40, 0, false), T0));
        assertDrops(Map.of(Ipv4Drop.FRAGMENT_MISALIGNED, 1L, Ipv4Drop.FRAGMENT_EMPTY, 2L));
        assertIdle();
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 16, true), T0));
        final int handle = reassembler.accept(d.fragment(16, 24, false), T0);
        d.assertReassembled(pool, handle, "after the bad fragments");
        release(handle);
        assertIdle();
    }

    /** Fragments disagreeing on where the datagram ends; the first two of each row are held, the third is not. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "two last fragments ending differently,  0, 16, true,  32, 8, false, 40, 8, false",
        "data beyond the end set,                0, 16, true,  32, 8, false, 40, 8, true",
        "last ending before data held,           0, 16, true,  32, 8, true,  16, 8, false",
        "last ending inside data held,           0, 16, true,  32, 16, true, 40, 1, false",
        "duplicate of a middle one marked last,  0, 16, true,  16, 8, true,  16, 8, false",
        "duplicate of the last marked not last,  0, 8, true,   16, 8, false, 16, 8, true",
    })
    void inconsistentFragmentsDropTheDatagram(final String name,
        final int o1, final int l1, final boolean m1,
        final int o2, final int l2, final boolean m2,
        final int o3, final int l3, final boolean m3)
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(18, 200, 12);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(o1, l1, m1), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(o2, l2, m2), T0));
        assertDrops(Map.of());
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(o3, l3, m3), T0));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_INCONSISTENT, 1L));
        assertEquals(1, reassembler.datagramsDiscarding());
        assertIdle();
    }

    @Test
    void tooManyFragmentsDropTheDatagram()
    {
        start(ReassemblyConfig.defaults().withMaxFragmentsPerDatagram(4));
        final Datagram d = Datagram.plain(19, 48, 13);
        for (int offset = 0; offset < 32; offset += 8)
        {
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(offset, 8, true), T0));
        }
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(32, 8, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(40, 8, false), T0));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_TOO_MANY_FRAGMENTS, 1L, Ipv4Drop.REASSEMBLY_DISCARDED, 1L));
        assertIdle();
        // a datagram in exactly 4 fragments is fine
        final Datagram four = Datagram.plain(20, 32, 14);
        for (int offset = 0; offset < 24; offset += 8)
        {
            assertEquals(NO_BUFFER, reassembler.accept(four.fragment(offset, 8, true), T0));
        }
        final int handle = reassembler.accept(four.fragment(24, 8, false), T0);
        four.assertReassembled(pool, handle, "4 fragments");
        release(handle);
        assertIdle();
    }

    private record Timeout(byte[] bytes, int length)
    {
    }

    @Test
    void timeoutReportsOnlyDatagramsWhoseFragmentZeroArrived()
    {
        start(ReassemblyConfig.defaults());
        final Datagram withZero = new Datagram(SOURCE, 21, Datagram.MIXED_OPTIONS, Datagram.MIXED_OPTIONS_COPIED,
            Datagram.randomBytes(3000, 15));
        final Datagram withoutZero = Datagram.plain(22, 3000, 16);
        final List<Timeout> reported = new ArrayList<>();
        final ReassemblyTimeoutListener listener = (DirectBuffer buffer, int offset, int length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            reported.add(new Timeout(bytes, length));
        };
        // fragment zero arrives second: the timer runs from the first fragment
        assertEquals(NO_BUFFER, reassembler.accept(withZero.fragment(2000, 1000, false), T0));
        assertEquals(NO_BUFFER, reassembler.accept(withZero.fragment(0, 1000, true), T0 + 20 * SECOND));
        assertEquals(NO_BUFFER, reassembler.accept(withoutZero.fragment(1000, 1000, true), T0 + SECOND));
        assertEquals(NO_BUFFER, reassembler.accept(withoutZero.fragment(2000, 1000, false), T0 + 29 * SECOND));
        assertEquals(2, pool.outstanding());

        assertEquals(0, reassembler.poll(T0 + 30 * SECOND - 1, listener));
        assertEquals(1, reassembler.poll(T0 + 30 * SECOND, listener));
        assertEquals(1, reported.size());
        assertEquals(1, pool.outstanding(), "the expired datagram's buffer is released");
        assertEquals(1, drops.get(Ipv4Drop.REASSEMBLY_TIMEOUT));
        final Ipv4Header quoted = new Ipv4Header();
        final Timeout timeout = reported.getFirst();
        assertTrue(quoted.wrap(new org.agrona.concurrent.UnsafeBuffer(timeout.bytes()), 0, timeout.length()));
        assertTrue(quoted.checksumValid(), "fragment zero's header as received");
        assertTrue(quoted.moreFragments());
        assertEquals(0, quoted.fragmentOffset());
        assertEquals(21, quoted.identification());
        assertEquals(withZero.firstHeaderLength(), quoted.headerLength());
        assertEquals(withZero.firstHeaderLength() + 1000, timeout.length());
        assertTrue(timeout.length() - quoted.headerLength() >= 8, "at least 8 bytes of data to quote (RFC 792)");
        assertArrayEquals(java.util.Arrays.copyOfRange(withZero.payload, 0, 1000),
            java.util.Arrays.copyOfRange(timeout.bytes(), quoted.headerLength(), timeout.length()));

        assertEquals(1, reassembler.poll(T0 + 31 * SECOND, listener));
        assertEquals(1, reported.size(), "no report without fragment zero");
        assertEquals(2, drops.get(Ipv4Drop.REASSEMBLY_TIMEOUT));
        assertEquals(0, reassembler.poll(T0 + 100 * SECOND, listener));
        assertIdle();
    }

    @Test
    void timeoutWithoutListenerStillReleases()
    {
        start(ReassemblyConfig.defaults().withTimeoutNanos(5));
        final Datagram d = Datagram.plain(23, 100, 17);
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 16, true), 0));
        assertEquals(1, reassembler.poll(5, null));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_TIMEOUT, 1L));
        assertIdle();
    }

    @Test
    void timeoutWorksAcrossTheNanoClocksWrap()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(24, 100, 18);
        final long start = Long.MAX_VALUE - SECOND;
        assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 16, true), start));
        assertEquals(0, reassembler.poll(start + 29 * SECOND, null));
        assertEquals(1, reassembler.poll(start + 30 * SECOND, null));
        assertIdle();
    }

    @Test
    void perSourceCapRefusesNewDatagramsButNotOtherSourcesOrWorkInProgress()
    {
        start(ReassemblyConfig.defaults());
        final int other = Ipv4Address.parse("203.0.113.5");
        final Datagram[] mine = new Datagram[5];
        for (int i = 0; i < mine.length; i++)
        {
            mine[i] = Datagram.plain(100 + i, 64, 20 + i);
        }
        for (int i = 0; i < 4; i++)
        {
            assertEquals(NO_BUFFER, reassembler.accept(mine[i].fragment(0, 32, true), T0));
        }
        assertEquals(NO_BUFFER, reassembler.accept(mine[4].fragment(0, 32, true), T0));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_MEMORY, 1L));
        assertEquals(4, reassembler.datagramsInProgress());

        final Datagram theirs = new Datagram(other, 100, new byte[0], new byte[0], Datagram.randomBytes(64, 30));
        assertEquals(NO_BUFFER, reassembler.accept(theirs.fragment(0, 32, true), T0));
        assertEquals(5, reassembler.datagramsInProgress());

        // work in progress from the capped source still completes, which makes room for its next datagram
        final int first = reassembler.accept(mine[0].fragment(32, 32, false), T0);
        mine[0].assertReassembled(pool, first, "capped source's datagram");
        release(first);
        assertEquals(NO_BUFFER, reassembler.accept(mine[4].fragment(0, 32, true), T0));
        for (int i = 1; i < 5; i++)
        {
            final int handle = reassembler.accept(mine[i].fragment(32, 32, false), T0);
            mine[i].assertReassembled(pool, handle, "datagram " + i);
            release(handle);
        }
        final int handle = reassembler.accept(theirs.fragment(32, 32, false), T0);
        theirs.assertReassembled(pool, handle, "other source");
        release(handle);
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_MEMORY, 1L));
        assertIdle();
    }

    @Test
    void globalCapRefusesNewDatagramsWithoutEvictingAny()
    {
        start(ReassemblyConfig.defaults());
        final List<Datagram> admitted = new ArrayList<>();
        for (int s = 0; s < 4; s++)
        {
            for (int i = 0; i < 4; i++)
            {
                final Datagram d = new Datagram(Ipv4Address.parse("10.0.0." + (s + 1)), i, new byte[0], new byte[0],
                    Datagram.randomBytes(64, s * 10 + i));
                assertEquals(NO_BUFFER, reassembler.accept(d.fragment(32, 32, false), T0 + s));
                admitted.add(d);
            }
        }
        assertEquals(16, reassembler.datagramsInProgress());
        assertEquals(16, pool.outstanding());
        final Datagram late = new Datagram(Ipv4Address.parse("10.0.0.99"), 1, new byte[0], new byte[0],
            Datagram.randomBytes(64, 99));
        assertEquals(NO_BUFFER, reassembler.accept(late.fragment(0, 32, true), T0 + SECOND));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_MEMORY, 1L));
        for (final Datagram d : admitted)
        {
            final int handle = reassembler.accept(d.fragment(0, 32, true), T0 + SECOND);
            d.assertReassembled(pool, handle, "admitted before the cap");
            release(handle);
        }
        assertIdle();
    }

    @Test
    void discardedDatagramsStillCountAgainstTheCapsUntilTheirTimeout()
    {
        start(ReassemblyConfig.defaults().withMaxDatagrams(2, 2));
        final Datagram a = Datagram.plain(1, 64, 40);
        final Datagram b = Datagram.plain(2, 64, 41);
        final Datagram c = Datagram.plain(3, 64, 42);
        assertEquals(NO_BUFFER, reassembler.accept(a.fragment(0, 32, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(a.fragment(8, 8, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(b.fragment(0, 32, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(c.fragment(0, 32, true), T0));
        assertDrops(Map.of(Ipv4Drop.REASSEMBLY_OVERLAP, 1L, Ipv4Drop.REASSEMBLY_MEMORY, 1L));
        assertEquals(1, pool.outstanding());
        assertEquals(2, reassembler.poll(T0 + 30 * SECOND, null));
        assertEquals(NO_BUFFER, reassembler.accept(c.fragment(0, 32, true), T0 + 30 * SECOND));
        final int handle = reassembler.accept(c.fragment(32, 32, false), T0 + 30 * SECOND);
        c.assertReassembled(pool, handle, "after the timeout");
        release(handle);
        assertIdle();
    }

    @Test
    void emptySharedPoolIsCountedAsNoBuffer()
    {
        start(ReassemblyConfig.defaults().withMaxDatagrams(4, 4), 4);
        final int[] taken = new int[3];
        for (int i = 0; i < taken.length; i++)
        {
            taken[i] = pool.claim(BufferHolder.STACK);
        }
        final Datagram a = Datagram.plain(1, 64, 50);
        final Datagram b = Datagram.plain(2, 64, 51);
        assertEquals(NO_BUFFER, reassembler.accept(a.fragment(0, 32, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(b.fragment(0, 32, true), T0));
        assertDrops(Map.of(Ipv4Drop.NO_BUFFER, 1L));
        assertEquals(1, reassembler.datagramsInProgress());
        for (final int h : taken)
        {
            release(h);
        }
    }

    @Test
    void closeReleasesEveryBuffer()
    {
        start(ReassemblyConfig.defaults());
        for (int i = 0; i < 4; i++)
        {
            final Datagram d = new Datagram(Ipv4Address.parse("10.1.0." + (i + 1)), i, new byte[0], new byte[0],
                Datagram.randomBytes(64, i));
            assertEquals(NO_BUFFER, reassembler.accept(d.fragment(0, 32, true), T0));
        }
        final Datagram bad = Datagram.plain(9, 64, 60);
        assertEquals(NO_BUFFER, reassembler.accept(bad.fragment(0, 32, true), T0));
        assertEquals(NO_BUFFER, reassembler.accept(bad.fragment(16, 32, true), T0));
        assertEquals(4, pool.outstanding());
        reassembler.close();
        assertEquals(0, pool.outstanding());
        assertEquals(0, reassembler.datagramsInProgress());
        assertEquals(0, reassembler.datagramsDiscarding());
        reassembler.close();
        final IllegalStateException closed = assertThrows(IllegalStateException.class,
            () -> reassembler.accept(bad.fragment(0, 32, true), T0));
        assertTrue(closed.getMessage().contains("closed"));
        assertEquals(0, reassembler.poll(Long.MAX_VALUE, null));
    }

    @Test
    void aWholeDatagramIsMisuse()
    {
        start(ReassemblyConfig.defaults());
        final Datagram d = Datagram.plain(1, 64, 70);
        final Ipv4Header whole = d.fragment(0, 64, false);
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> reassembler.accept(whole, T0));
        assertTrue(e.getMessage().contains("isFragment"), e.getMessage());
        assertIdle();
    }

    @Test
    void constructorChecksThePool()
    {
        try (PacketBufferPool small = PacketBufferPool.allocate("small", 16384, 16);
            PacketBufferPool few = PacketBufferPool.allocate("few", PacketBufferPool.MAX_DATAGRAM_BUFFER_SIZE, 15))
        {
            final ReassemblyConfig config = ReassemblyConfig.defaults();
            final IllegalArgumentException tooSmall =
                assertThrows(IllegalArgumentException.class, () -> new Ipv4Reassembler(config, small, drops));
            assertTrue(tooSmall.getMessage().contains("65536"), tooSmall.getMessage());
            final IllegalArgumentException tooFew =
                assertThrows(IllegalArgumentException.class, () -> new Ipv4Reassembler(config, few, drops));
            assertTrue(tooFew.getMessage().contains("maxDatagrams"), tooFew.getMessage());
            assertThrows(NullPointerException.class, () -> new Ipv4Reassembler(config, few, null));
        }
    }

    @Test
    void configIsValidated()
    {
        final ReassemblyConfig defaults = ReassemblyConfig.defaults();
        assertEquals(new ReassemblyConfig(30 * SECOND, 16, 4, 64), defaults);
        assertThrows(IllegalArgumentException.class, () -> defaults.withTimeoutNanos(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxDatagrams(0, 0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxDatagrams(4, 5));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxDatagrams(4, 0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxFragmentsPerDatagram(1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxFragmentsPerDatagram(8193));
        assertEquals(8192, defaults.withMaxFragmentsPerDatagram(8192).maxFragmentsPerDatagram());
        final IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
            () -> new ReassemblyConfig(SECOND, 100_000, 4, 8192));
        assertTrue(huge.getMessage().contains("lower"), huge.getMessage());
    }
}
