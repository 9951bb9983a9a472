package io.ringstack.tcp;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.tcp.wire.SequenceNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The cookie arithmetic of {@link SynCookies}: round trip, age, forgery, the TSval option bits, no allocation. */
class SynCookiesTest
{
    private static final int LOCAL = Ipv4Address.parse("10.0.0.2");
    private static final long MINUTE = 60_000_000_000L;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 4987, 5961, 6528 })
    void aCookieReturnsItsMssWithinItsLifetime(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final SynCookies cookies = new SynCookies(random.nextLong(), random.nextLong());
        for (int i = 0; i < 10_000; i++)
        {
            final int remote = random.nextInt();
            final int remotePort = random.nextInt(1, 65536);
            final int clientIsn = random.nextInt();
            final int mssIndex = random.nextInt(SynCookies.MSS_TABLE.length);
            final long sent = random.nextLong(0, 1L << 60);
            final int cookie = cookies.cookie(LOCAL, 80, remote, remotePort, clientIsn, mssIndex, sent);
            // valid until the counter has moved twice: at least one minute, less than two
            final long untilNextCounter = (SynCookies.counter(sent) + 1) * MINUTE - sent;
            final long age = random.nextLong(0, untilNextCounter + MINUTE);
            assertTrue(cookies.check(LOCAL, 80, remote, remotePort, clientIsn, cookie, sent + age),
                "seed " + seed + ", case " + i + ": age " + age);
            assertEquals(SynCookies.MSS_TABLE[mssIndex], cookies.mss(), "seed " + seed + ", case " + i);
            assertFalse(cookies.check(LOCAL, 80, remote, remotePort, clientIsn, cookie,
                sent + untilNextCounter + MINUTE + random.nextLong(0, 30 * MINUTE)), "seed " + seed + ": too old");
            assertFalse(cookies.check(LOCAL, 80, remote, remotePort, clientIsn, cookie, sent - MINUTE),
                "seed " + seed + ": from the future");
            // any other 4-tuple or client ISN: not this cookie
            assertFalse(cookies.check(LOCAL, 80, remote, remotePort ^ 1, clientIsn, cookie, sent), "seed " + seed);
            assertFalse(cookies.check(LOCAL, 81, remote, remotePort, clientIsn, cookie, sent), "seed " + seed);
            assertFalse(cookies.check(LOCAL, 80, remote ^ 0x100, remotePort, clientIsn, cookie, sent), "seed " + seed);
            assertFalse(cookies.check(LOCAL + 1, 80, remote, remotePort, clientIsn, cookie, sent), "seed " + seed);
            for (int delta = 1; delta <= 4; delta++)
            {
                // a later segment's SEG.SEQ must not pass for the handshake's (Linux's cookies accept 1..3 off)
                assertFalse(cookies.check(LOCAL, 80, remote, remotePort, clientIsn + delta, cookie, sent),
                    "seed " + seed + ": client ISN " + delta + " off");
            }
        }
    }

    @Test
    void guessedCookiesFail()
    {
        final SplittableRandom random = new SplittableRandom(29);
        final SynCookies cookies = new SynCookies(random.nextLong(), random.nextLong());
        final long now = 1_000 * MINUTE;
        int accepted = 0;
        final int remote = Ipv4Address.parse("10.0.0.1");
        final int clientIsn = 12345;
        final int real = cookies.cookie(LOCAL, 80, remote, 40_000, clientIsn, 3, now);
        for (int i = 0; i < 2_000_000; i++)
        {
            final int guess = random.nextInt();
            if (guess != real && cookies.check(LOCAL, 80, remote, 40_000, clientIsn, guess, now))
            {
                accepted++;
            }
        }
        // a guess passes with probability 2^-29: 0.004 expected in 2 million
        assertTrue(accepted <= 1, accepted + " guesses accepted");
        // near misses of the real cookie fail too (the low 24 bits carry the keyed hash)
        for (int bit = 2; bit < 32; bit++)
        {
            assertFalse(cookies.check(LOCAL, 80, remote, 40_000, clientIsn, real ^ 1 << bit, now), "bit " + bit);
        }
        assertTrue(cookies.check(LOCAL, 80, remote, 40_000, clientIsn, real, now));
        assertFalse(new SynCookies(random.nextLong(), random.nextLong())
            .check(LOCAL, 80, remote, 40_000, clientIsn, real, now), "another key");
    }

    @Test
    void mssTableChoosesTheLargestNotAboveThePeers()
    {
        assertEquals(0, SynCookies.mssIndex(100));
        assertEquals(0, SynCookies.mssIndex(536));
        assertEquals(0, SynCookies.mssIndex(1299));
        assertEquals(1, SynCookies.mssIndex(1300));
        assertEquals(2, SynCookies.mssIndex(1452));
        assertEquals(3, SynCookies.mssIndex(1460));
        assertEquals(3, SynCookies.mssIndex(8960));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2 })
    void optionsRideInTheLowBitsOfTheTimestamp(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final SynCookies cookies = new SynCookies(1, 2);
        for (int i = 0; i < 10_000; i++)
        {
            final int now = random.nextInt();
            final int scale = random.nextInt(16) - 1; // -1: none, 0..14
            final boolean sack = random.nextBoolean();
            final int value = SynCookies.timestampWithOptions(now, Math.min(scale, 14), sack);
            assertTrue(SequenceNumber.lessOrEqual(value, now) && now - value < 64,
                "seed " + seed + ": the TSval is at most 63 behind, never ahead");
            assertTrue(cookies.decodeTimestampOptions(value), "seed " + seed);
            assertEquals(Math.min(scale, 14), cookies.windowScale(), "seed " + seed);
            assertEquals(sack, cookies.sackPermitted(), "seed " + seed);
        }
        assertFalse(cookies.decodeTimestampOptions(0x20), "the reserved bit (Linux's ECN) is never ours");
        assertTrue(cookies.decodeTimestampOptions(0x1F));
        assertEquals(SynCookies.NO_WINDOW_SCALE, cookies.windowScale(), "15 stands for no window scale");
        assertTrue(cookies.sackPermitted());
    }

    @Test
    void makingAndCheckingCookiesAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SynCookies cookies = new SynCookies(3, 4);
        long sink = 0;
        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++)
            {
                final int cookie = cookies.cookie(LOCAL, 80, i, i & 0xFFFF, i * 7, i & 3, i * 1_000_000L);
                sink += cookies.check(LOCAL, 80, i, i & 0xFFFF, i * 7, cookie + (i & 1), i * 1_000_000L) ?
                    cookies.mss() : 1;
                sink += cookies.decodeTimestampOptions(SynCookies.timestampWithOptions(i, i % 15, true)) ? 1 : 0;
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1)
            {
                assertEquals(0, allocated, "bytes allocated (sink " + sink + ")");
            }
        }
    }
}
