package io.ringstack.tcp.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TcpOptionsTest
{
    private final TcpOptions options = new TcpOptions();

    private static UnsafeBuffer of(final int... bytes)
    {
        final byte[] array = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            array[i] = (byte)bytes[i];
        }
        return new UnsafeBuffer(array);
    }

    @Test
    void zeroLengthOptionIsMalformed()
    {
        assertFalse(options.parse(of(2, 0, 5, 0xb4), 0, 4));
    }

    @Test
    void lengthPastTheHeaderIsMalformed()
    {
        assertFalse(options.parse(of(1, 8, 10, 0, 0, 0, 0), 0, 7));
    }

    @Test
    void kindWithoutLengthByteIsMalformed()
    {
        assertFalse(options.parse(of(1, 1, 1, 2), 0, 4));
    }

    @Test
    void unknownKindsAreSkippedByLength()
    {
        assertTrue(options.parse(of(30, 4, 0xFF, 0xFF, 2, 4, 0x05, 0xb4), 0, 8));
        assertEquals(1460, options.mss());
    }

    @Test
    void knownKindsWithTheWrongLengthAreIgnoredAndCounted()
    {
        final long before = options.ignoredOptions();
        assertTrue(options.parse(of(2, 3, 5, 3, 4, 7, 1, 1), 0, 8));
        assertFalse(options.hasMss());
        assertFalse(options.hasWindowScale());
        assertEquals(before + 2, options.ignoredOptions());
    }

    @Test
    void endOfListStopsParsing()
    {
        assertTrue(options.parse(of(0, 2, 4, 5, 0xb4), 0, 5));
        assertFalse(options.hasMss());
    }

    @Test
    void parseResetsThePreviousSegmentsOptions()
    {
        assertTrue(options.parse(of(2, 4, 5, 0xb4, 1, 3, 3, 7), 0, 8));
        assertTrue(options.hasMss());
        assertTrue(options.parse(of(1, 1, 1, 1), 0, 4));
        assertFalse(options.hasMss());
        assertFalse(options.hasWindowScale());
        assertFalse(options.hasTimestamps());
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void synWritersRoundTrip(final boolean sack)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        for (final boolean timestamps : new boolean[] { false, true })
        {
            for (final int scale : new int[] { -1, 0, 14 })
            {
                final int length = TcpOptions.writeSyn(buffer, 0, 1460, scale, sack, timestamps, 123, 456);
                assertEquals(0, length % 4);
                assertEquals(TcpOptions.synLength(scale, sack, timestamps), length);
                assertTrue(options.parse(buffer, 0, length));
                assertEquals(1460, options.mss());
                assertEquals(scale, options.windowScale());
                assertEquals(sack, options.sackPermitted());
                assertEquals(timestamps, options.hasTimestamps());
                if (timestamps)
                {
                    assertEquals(123, options.timestampValue());
                    assertEquals(456, options.timestampEchoReply());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 0xC0FFEE, 20260601 })
    void randomOptionBytesNeverThrowNorReadOutside(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        // The options end where the buffer ends (bounds-checked): a read past them throws
        final UnsafeBuffer[] buffers = new UnsafeBuffer[41];
        for (int length = 0; length < buffers.length; length++)
        {
            buffers[length] = new UnsafeBuffer(new byte[20 + length]);
        }
        for (int round = 0; round < 20_000; round++)
        {
            final int length = random.nextInt(41);
            final UnsafeBuffer buffer = buffers[length];
            for (int i = 0; i < buffer.capacity(); i++)
            {
                buffer.putByte(i, (byte)(random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(256)));
            }
            try
            {
                options.parse(buffer, 20, length);
                assertTrue(options.sackBlockCount() <= TcpOptions.MAX_SACK_BLOCKS);
            }
            catch (final RuntimeException ex)
            {
                fail("seed " + seed + " round " + round + ": parse threw " + ex);
            }
        }
    }
}
