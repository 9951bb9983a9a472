package io.ringstack.demo.http;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Date field's format, the generated pattern, and the number writers. */
class HttpFormatsTest
{
    private static final DateTimeFormatter IMF_FIXDATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(longs = {0L, 784111777L, 951782400L, 1709164800L, 4102444799L, 253402300799L})
    void datesAreImfFixdate(final long epochSecond)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        HttpDate.format(epochSecond, buffer, 3);
        assertEquals(IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond)),
            buffer.getStringWithoutLengthAscii(3, HttpDate.LENGTH), "second " + epochSecond);
    }

    @Test
    void datesOverAWideRangeMatchTheJdk()
    {
        final SplittableRandom random = new SplittableRandom(8);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[HttpDate.LENGTH]);
        for (int i = 0; i < 20_000; i++)
        {
            final long second = random.nextLong(0, 253402300800L); // to the end of year 9999
            HttpDate.format(second, buffer, 0);
            assertEquals(IMF_FIXDATE.format(Instant.ofEpochSecond(second)),
                buffer.getStringWithoutLengthAscii(0, HttpDate.LENGTH), "seed 8, second " + second);
        }
        HttpDate.format(784111777L, buffer, 0);
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", buffer.getStringWithoutLengthAscii(0, HttpDate.LENGTH),
            "RFC 9110 §5.6.7's example");
    }

    @Test
    void thePatternIsPrintableLinesAndCopiesMatchByteAt()
    {
        final byte[] first = new byte[128];
        BytesPattern.copy(0, first, 0, first.length);
        assertEquals("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0\n" +
            "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz01\n", new String(first, StandardCharsets.US_ASCII));
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200; i++)
        {
            final long position = random.nextLong(0, 1L << 40);
            final int length = random.nextInt(1, 40_000);
            final UnsafeBuffer into = new UnsafeBuffer(new byte[length + 7]);
            BytesPattern.copy(position, into, 7, length);
            for (int j = 0; j < length; j += 97)
            {
                assertEquals(BytesPattern.byteAt(position + j), into.getByte(7 + j), "seed 3, position " + position);
            }
            final byte[] copy = new byte[length];
            into.getBytes(7, copy);
            assertEquals(0, BytesPattern.mismatches(position, copy, 0, length));
            copy[length / 2] ^= 1;
            assertEquals(1, BytesPattern.mismatches(position, copy, 0, length));
        }
    }

    @Test
    void theDigestPrintedForCurlIsThePatterns() throws Exception
    {
        final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        final byte[] block = new byte[1 << 20];
        for (long at = 0; at < 100_000_000L; at += block.length)
        {
            final int n = (int)Math.min(block.length, 100_000_000L - at);
            BytesPattern.copy(at, block, 0, n);
            sha256.update(block, 0, n);
        }
        assertEquals(BytesPattern.SHA256_OF_100_MB, HexFormat.of().formatHex(sha256.digest()),
            "the digest ringstack http prints next to its curl command");
    }

    @Test
    void decimalAndHexWritersWriteNoLeadingZeros()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        for (final long v : new long[] {0, 9, 10, 4095, 4096, 1L << 40, Long.MAX_VALUE})
        {
            assertEquals(Long.toString(v), buffer.getStringWithoutLengthAscii(0, Ascii.putDecimal(buffer, 0, v)));
            assertEquals(Long.toHexString(v), buffer.getStringWithoutLengthAscii(0, Ascii.putHex(buffer, 0, v)));
        }
    }
}
