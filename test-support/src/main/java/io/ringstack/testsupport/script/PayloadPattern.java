package io.ringstack.testsupport.script;

/**
 * The bytes the peer sends as data, and that {@code data pattern} expects from the stack: byte {@code i} of a
 * stream is a function of {@code i} alone, so a retransmission or an overlapping segment carries the same bytes as
 * the original, and a byte delivered at the wrong offset is seen. Stream offset 0 is the byte at relative sequence
 * number 1 (the one after the SYN). Targets use {@link #fill} to make the data for {@code call write N}.
 */
public final class PayloadPattern
{
    private PayloadPattern()
    {
    }

    /** The byte at {@code streamOffset}: the top byte of a multiplicative hash (period 2^64, no short cycles). */
    public static byte byteAt(final long streamOffset)
    {
        return (byte)(((streamOffset + 1) * 0x9E37_79B9_7F4A_7C15L) >>> 56);
    }

    /** {@code length} bytes starting at {@code streamOffset}. */
    public static byte[] bytes(final long streamOffset, final int length)
    {
        final byte[] bytes = new byte[length];
        fill(bytes, 0, length, streamOffset);
        return bytes;
    }

    /** Writes the stream's bytes {@code streamOffset .. streamOffset + length - 1} into {@code destination}. */
    public static void fill(final byte[] destination, final int offset, final int length, final long streamOffset)
    {
        for (int i = 0; i < length; i++)
        {
            destination[offset + i] = byteAt(streamOffset + i);
        }
    }

    /** The first index at which {@code actual} differs from the stream at {@code streamOffset}, or -1. */
    public static int firstDifference(final byte[] actual, final long streamOffset)
    {
        for (int i = 0; i < actual.length; i++)
        {
            if (actual[i] != byteAt(streamOffset + i))
            {
                return i;
            }
        }
        return -1;
    }
}
