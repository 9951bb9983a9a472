package io.ringstack.ip.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class InternetChecksumTest
{
    /** RFC 1071 §4.1's reference algorithm, 16 bits at a time. */
    private static int reference(final byte[] data, final int offset, final int length)
    {
        long sum = 0;
        int i = offset;
        int count = length;
        while (count > 1)
        {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
            i += 2;
            count -= 2;
        }
        if (count > 0)
        {
            sum += (data[i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    @Test
    void rfc1071Example()
    {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (one's complement sum), checksum 220d
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[] { 0x00, 0x01, (byte)0xf2, 0x03, (byte)0xf4, (byte)0xf5, (byte)0xf6, (byte)0xf7 });
        assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.sum(buffer, 0, 8, 0)));
        assertEquals(0x220d, InternetChecksum.checksum(buffer, 0, 8));
    }

    @Test
    void realIpv4Header()
    {
        // A header captured from Linux: 45 00 00 54 a6 f2 40 00 40 01 [2a 9f?] c0 a8 00 01 c0 a8 00 c7
        final byte[] header = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
            (byte)0xc0, (byte)0xa8, 0x00, 0x01, (byte)0xc0, (byte)0xa8, 0x00, (byte)0xc7 };
        // Wikipedia's worked example (RFC 1071 arithmetic): checksum b861
        assertEquals(0xb861, InternetChecksum.checksum(new UnsafeBuffer(header), 0, 20));
        header[10] = (byte)0xb8;
        header[11] = 0x61;
        assertTrue(InternetChecksum.verify(new UnsafeBuffer(header), 0, 20));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
    void wideSumEqualsTheReferenceForEveryLengthAndAlignment(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] data = new byte[3000];
        for (int round = 0; round < 500; round++)
        {
            for (int i = 0; i < data.length; i++)
            {
                data[i] = (byte)(random.nextInt(10) == 0 ? 0xFF : random.nextInt(256));
            }
            final int offset = random.nextInt(16);
            final int length = random.nextInt(data.length - 16);
            assertEquals(reference(data, offset, length), InternetChecksum.checksum(new UnsafeBuffer(data), offset, length),
                "seed " + seed + " round " + round + " offset " + offset + " length " + length);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 21, 22, 23 })
    void incrementalUpdateEqualsRecomputation(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] data = new byte[64];
        final UnsafeBuffer buffer = new UnsafeBuffer(data);
        for (int round = 0; round < 2000; round++)
        {
            for (int i = 0; i < data.length; i++)
            {
                data[i] = (byte)random.nextInt(256);
            }
            final int checksum = InternetChecksum.checksum(buffer, 0, 64);
            final int at = random.nextInt(16) * 2;
            final int oldWord = buffer.getShort(at, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int newWord = random.nextInt(0x10000);
            buffer.putShort(at, (short)newWord, java.nio.ByteOrder.BIG_ENDIAN);
            final int expected = InternetChecksum.checksum(buffer, 0, 64);
            final int updated = InternetChecksum.update(checksum, oldWord, newWord);
            // RFC 1624 §3: eqn. 3 may give 0xFFFF where recomputation gives 0x0000 (both are -0/+0): compare folded
            assertEquals(expected == 0xFFFF ? 0 : expected, updated == 0xFFFF ? 0 : updated, "seed " + seed + " round " + round);

            final int at32 = random.nextInt(8) * 4;
            final int oldValue = buffer.getInt(at32, java.nio.ByteOrder.BIG_ENDIAN);
            final int newValue = random.nextInt();
            final int before = InternetChecksum.checksum(buffer, 0, 64);
            buffer.putInt(at32, newValue, java.nio.ByteOrder.BIG_ENDIAN);
            final int expected32 = InternetChecksum.checksum(buffer, 0, 64);
            final int updated32 = InternetChecksum.update32(before, oldValue, newValue);
            assertEquals(expected32 == 0xFFFF ? 0 : expected32, updated32 == 0xFFFF ? 0 : updated32);
        }
    }
}
