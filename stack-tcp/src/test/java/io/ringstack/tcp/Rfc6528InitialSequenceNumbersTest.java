package io.ringstack.tcp;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RFC 6528 ISNs: M (the 4 µs clock) + F (SipHash-2-4 of the 4-tuple under the secret key). ISNs of different
 * 4-tuples at one instant look unrelated (statistics that a clock-only or a linear generator fail); one tuple's
 * ISN advances exactly with the clock; another key gives other ISNs; TcpLayer uses it by default.
 */
class Rfc6528InitialSequenceNumbersTest
{
    private static final int LOCAL = Ipv4Address.parse("10.0.0.2");
    private static final int REMOTE = Ipv4Address.parse("10.0.0.1");
    private static final long T = 123_456_789_000L;

    @Test
    void fIsSipHashOfTheDocumentedMessage()
    {
        final SplittableRandom random = new SplittableRandom(6528);
        final long k0 = random.nextLong();
        final long k1 = random.nextLong();
        final Rfc6528InitialSequenceNumbers isn = new Rfc6528InitialSequenceNumbers(k0, k1);
        final SipHash reference = new SipHash(k0, k1);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[16]);
        for (int i = 0; i < 1000; i++)
        {
            final int la = random.nextInt();
            final int ra = random.nextInt();
            final int lp = random.nextInt(65536);
            final int rp = random.nextInt(65536);
            message.putInt(0, la, ByteOrder.LITTLE_ENDIAN);
            message.putInt(4, ra, ByteOrder.LITTLE_ENDIAN);
            message.putShort(8, (short)lp, ByteOrder.LITTLE_ENDIAN);
            message.putShort(10, (short)rp, ByteOrder.LITTLE_ENDIAN);
            message.putInt(12, (int)Rfc6528InitialSequenceNumbers.DOMAIN_ISN, ByteOrder.LITTLE_ENDIAN);
            final int f = (int)reference.hash(message, 0, 16);
            assertEquals(f, isn.f(la, lp, ra, rp));
            assertEquals(f + (int)(T / 4_000), isn.initialSequenceNumber(la, lp, ra, rp, T));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 11, 22, 33 })
    void oneTupleAdvancesExactlyWithTheFourMicrosecondClock(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final InitialSequenceNumbers isn = new Rfc6528InitialSequenceNumbers(random.nextLong(), random.nextLong());
        for (int i = 0; i < 1000; i++)
        {
            final int lp = random.nextInt(1, 65536);
            final int rp = random.nextInt(1, 65536);
            final long t = random.nextLong(0, 1L << 50);
            final long later = random.nextLong(0, 1L << 40);
            final int first = isn.initialSequenceNumber(LOCAL, lp, REMOTE, rp, t);
            final int second = isn.initialSequenceNumber(LOCAL, lp, REMOTE, rp, t + later);
            final long ticks = (t + later) / 4_000 - t / 4_000;
            assertEquals((int)ticks, second - first, "seed " + seed + ": the ISN moves by the clock's ticks");
            if (ticks > 0 && ticks < 1L << 31)
            {
                assertTrue(second - first > 0, "seed " + seed + ": later is larger (in sequence space)");
            }
        }
        // 4 µs per tick: 4 ms later is 1000 more
        assertEquals(1000, isn.initialSequenceNumber(LOCAL, 80, REMOTE, 5000, T + 4_000_000) -
            isn.initialSequenceNumber(LOCAL, 80, REMOTE, 5000, T));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 101, 202, 303 })
    void differentTuplesAtOneInstantLookUnrelated(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final InitialSequenceNumbers isn = new Rfc6528InitialSequenceNumbers(random.nextLong(), random.nextLong());
        final List<String> problems = unpredictabilityProblems(isn);
        assertTrue(problems.isEmpty(), "seed " + seed + ": " + problems);
    }

    /** The statistics are not vacuous: they catch the RFC 9293 clock alone, a linear offset, a partial hash. */
    @Test
    void theStatisticsRejectPredictableGenerators()
    {
        assertFalse(unpredictabilityProblems(InitialSequenceNumbers.clock(0x1234_5678)).isEmpty());
        assertFalse(unpredictabilityProblems((la, lp, ra, rp, now) ->
            (int)(now / 4_000) + 0x9E37_79B9 * rp + 0x7F4A_7C15 * ra).isEmpty());
        // a well-mixed hash that leaves the addresses out
        assertFalse(unpredictabilityProblems((la, lp, ra, rp, now) ->
            (int)(now / 4_000) + (int)new SipHash(1, 2).hash(lp, rp)).isEmpty());
    }

    /**
     * ISNs of 20,000 tuples (remote ports counting up from 10.0.0.1, then remote addresses counting up) at one instant:
     * no more repeats than a random function has; every bit set about half the time; the differences between neighbours
     * spread evenly (chi-square over 16 classes of their top 4 bits) and nearly all distinct; no serial correlation;
     * flipping any one input bit changes about half the output bits.
     */
    private static List<String> unpredictabilityProblems(final InitialSequenceNumbers isn)
    {
        final List<String> problems = new ArrayList<>();
        final int n = 20_000;
        final int[] values = new int[n];
        for (int i = 0; i < n; i++)
        {
            final int remote = i < n / 2 ? REMOTE : REMOTE + (i - n / 2) + 1;
            final int port = i < n / 2 ? 1024 + i : 40_000;
            values[i] = isn.initialSequenceNumber(LOCAL, 80, remote, port, T);
        }
        final Set<Integer> distinct = new HashSet<>();
        for (final int v : values)
        {
            distinct.add(v);
        }
        // a random 32-bit function repeats too (birthday bound: n^2 / 2^33 = 0.05 expected); 3 or more: P < 2e-5
        if (n - distinct.size() > 2)
        {
            problems.add((n - distinct.size()) + " repeated ISNs");
        }
        for (int bit = 0; bit < 32; bit++)
        {
            int set = 0;
            for (final int v : values)
            {
                set += (v >>> bit) & 1;
            }
            if (Math.abs(set - n / 2.0) > 5 * Math.sqrt(n) / 2)
            {
                problems.add("bit " + bit + " set in " + set + " of " + n);
            }
        }
        final long[] classes = new long[16];
        final Set<Integer> differences = new HashSet<>();
        for (int i = 1; i < n; i++)
        {
            final int d = values[i] - values[i - 1];
            classes[d >>> 28]++;
            differences.add(d);
        }
        final double expected = (n - 1) / 16.0;
        double chiSquare = 0;
        for (final long c : classes)
        {
            chiSquare += (c - expected) * (c - expected) / expected;
        }
        if (chiSquare > 50) // 15 degrees of freedom: P(chi-square > 50) < 1e-5
        {
            problems.add("differences of neighbours uneven: chi-square " + chiSquare);
        }
        if (differences.size() < n - 10)
        {
            problems.add("only " + differences.size() + " distinct differences of neighbours");
        }
        double sx = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++)
        {
            final double x = Integer.toUnsignedLong(values[i]);
            sx += x;
            sxx += x * x;
            if (i > 0)
            {
                sxy += x * Integer.toUnsignedLong(values[i - 1]);
            }
        }
        final double mean = sx / n;
        final double variance = sxx / n - mean * mean;
        final double correlation = (sxy / (n - 1) - mean * mean) / variance;
        if (Math.abs(correlation) > 0.05)
        {
            problems.add("serial correlation " + correlation);
        }
        // avalanche: one input bit of the 4-tuple flipped
        final SplittableRandom random = new SplittableRandom(99);
        long flippedBits = 0;
        int trials = 0;
        for (int i = 0; i < 500; i++)
        {
            final int la = random.nextInt();
            final int ra = random.nextInt();
            final int lp = random.nextInt(65536);
            final int rp = random.nextInt(65536);
            final int base = isn.initialSequenceNumber(la, lp, ra, rp, T);
            for (int bit = 0; bit < 96; bit++)
            {
                final int other = bit < 32 ? isn.initialSequenceNumber(la ^ 1 << bit, lp, ra, rp, T) :
                    bit < 64 ? isn.initialSequenceNumber(la, lp, ra ^ 1 << (bit - 32), rp, T) :
                    bit < 80 ? isn.initialSequenceNumber(la, lp ^ 1 << (bit - 64), ra, rp, T) :
                    isn.initialSequenceNumber(la, lp, ra, rp ^ 1 << (bit - 80), T);
                flippedBits += Integer.bitCount(base ^ other);
                trials++;
            }
        }
        final double average = (double)flippedBits / trials;
        if (average < 15.5 || average > 16.5)
        {
            problems.add("flipping one input bit changes " + average + " output bits on average, not about 16");
        }
        return problems;
    }

    @Test
    void anotherKeyGivesOtherIsns()
    {
        final SecureRandom secure = new SecureRandom();
        final InitialSequenceNumbers a = Rfc6528InitialSequenceNumbers.withRandomKey(secure);
        final InitialSequenceNumbers b = Rfc6528InitialSequenceNumbers.withRandomKey(secure);
        final Set<Integer> offsets = new HashSet<>();
        for (int port = 1024; port < 2024; port++)
        {
            final int x = a.initialSequenceNumber(LOCAL, 80, REMOTE, port, T);
            final int y = b.initialSequenceNumber(LOCAL, 80, REMOTE, port, T);
            assertNotEquals(x, y, "port " + port);
            offsets.add(x - y);
        }
        assertTrue(offsets.size() > 990, "the two keys' ISNs are not one offset apart: " + offsets.size());
    }

    @Test
    void theLayerUsesRfc6528ByDefault()
    {
        final TcpConfig config = TcpConfig.defaults();
        try (TcpPair pair = new TcpPair(config))
        {
            // two layers of their own on A (not registered with the stack: their SYNs go out, answers go to tcpA)
            final TcpLayer first = new TcpLayer(pair.a, config, pair.clock);
            final TcpLayer second = new TcpLayer(pair.a, config, pair.clock);
            first.connect(40_001, TcpPair.IP_B, 81, new Collector());
            first.connect(40_002, TcpPair.IP_B, 81, new Collector());
            second.connect(40_001, TcpPair.IP_B, 82, new Collector());
            pair.clock.advanceMillis(4);
            first.connect(40_003, TcpPair.IP_B, 81, new Collector());
            pair.settle();
            final List<Segment> syns = pair.tap.fromA().stream().filter(s -> s.flags() == TcpHeader.SYN).toList();
            assertEquals(4, syns.size(), pair.tap.dump());
            final int a = syns.get(0).seq();
            final int b = syns.get(1).seq();
            final int c = syns.get(2).seq();
            assertNotEquals(a, b, "two tuples at one instant: the RFC 9293 clock alone would give the same ISN");
            assertNotEquals(a, c, "another layer's key");
            assertNotEquals(b + 1000, syns.get(3).seq(), "4 ms later, another tuple: not the clock's step");
            first.close();
            second.close();
        }
    }
}
