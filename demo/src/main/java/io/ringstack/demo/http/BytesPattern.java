package io.ringstack.demo.http;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The deterministic content of {@code /bytes/N} and {@code /chunked/N}: printable lines of 64 bytes, 63 characters
 * of the alphabet {@code 0-9A-Za-z} rotated by one more place on each line, then a line feed; the pattern repeats
 * after 62 lines ({@value #PERIOD} bytes). Byte {@code i} of every response is {@link #byteAt(long) byteAt(i)}, so a
 * client can check any range, and {@code curl .../bytes/N | sha256sum} equals the digest of the first N bytes.
 * <pre>
 *   line 0:  0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0\n
 *   line 1:  123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz01\n
 *   ...
 * </pre>
 * Bytes are produced by copying from a table ({@link #copy}), straight into the TX buffer a segment leaves from.
 */
public final class BytesPattern
{
    private static final byte[] ALPHABET =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int LINE = 64;
    /** SHA-256 of {@code /bytes/100000000}: what {@code curl -s .../bytes/100000000 | sha256sum} prints. */
    public static final String SHA256_OF_100_MB = "99490301f4a200fd9f32ab03d2576131492edbf91efaacbe381702111f8e40b1";
    /** Bytes after which the pattern repeats. */
    public static final int PERIOD = LINE * ALPHABET.length;
    /** The longest run one {@code putBytes} copies: the table holds the period plus this much. */
    private static final int RUN = 16384;
    private static final UnsafeBuffer TABLE;

    static
    {
        final byte[] table = new byte[PERIOD + RUN];
        for (int i = 0; i < table.length; i++)
        {
            table[i] = compute(i % PERIOD);
        }
        TABLE = new UnsafeBuffer(table);
    }

    private BytesPattern()
    {
    }

    private static byte compute(final int position)
    {
        final int line = position / LINE;
        final int column = position % LINE;
        return column == LINE - 1 ? (byte)'\n' : ALPHABET[(line + column) % ALPHABET.length];
    }

    /** Byte {@code position} of the pattern. */
    public static byte byteAt(final long position)
    {
        return TABLE.getByte((int)(position % PERIOD));
    }

    /** Writes bytes {@code position .. position + length} of the pattern to {@code destination} at {@code offset}. */
    public static void copy(final long position, final MutableDirectBuffer destination, final int offset,
        final int length)
    {
        int done = 0;
        while (done < length)
        {
            final int n = Math.min(RUN, length - done);
            destination.putBytes(offset + done, TABLE, (int)((position + done) % PERIOD), n);
            done += n;
        }
    }

    /** Writes bytes {@code position .. position + length} of the pattern into {@code destination} at {@code offset}. */
    public static void copy(final long position, final byte[] destination, final int offset, final int length)
    {
        int done = 0;
        while (done < length)
        {
            final int n = Math.min(RUN, length - done);
            TABLE.getBytes((int)((position + done) % PERIOD), destination, offset + done, n);
            done += n;
        }
    }

    /** How many of {@code length} bytes at {@code source[offset..]} differ from the pattern at {@code position}. */
    public static int mismatches(final long position, final byte[] source, final int offset, final int length)
    {
        int wrong = 0;
        for (int i = 0; i < length; i++)
        {
            if (source[offset + i] != TABLE.getByte((int)((position + i) % PERIOD)))
            {
                wrong++;
            }
        }
        return wrong;
    }
}
