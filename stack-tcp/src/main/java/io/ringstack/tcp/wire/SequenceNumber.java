package io.ringstack.tcp.wire;

/**
 * Sequence number arithmetic modulo 2^32 (RFC 9293 §3.4): a number is "less than" another when it lies less than
 * 2^31 behind it on the circle. Sequence numbers are kept in plain {@code int}s; these comparisons are the only
 * ones that may be applied to them.
 */
public final class SequenceNumber
{
    private SequenceNumber()
    {
    }

    /** {@code a < b} modulo 2^32. */
    public static boolean lessThan(final int a, final int b)
    {
        return a - b < 0;
    }

    /** {@code a =< b} modulo 2^32. */
    public static boolean lessOrEqual(final int a, final int b)
    {
        return a - b <= 0;
    }

    /** {@code a > b} modulo 2^32. */
    public static boolean greaterThan(final int a, final int b)
    {
        return a - b > 0;
    }

    /** {@code a >= b} modulo 2^32. */
    public static boolean greaterOrEqual(final int a, final int b)
    {
        return a - b >= 0;
    }

    /** {@code low =< value < high} modulo 2^32, for a window {@code [low, high)} shorter than 2^31. */
    public static boolean inWindow(final int value, final int low, final int high)
    {
        return value - low >= 0 && value - high < 0;
    }

    /** The later of two sequence numbers. */
    public static int max(final int a, final int b)
    {
        return a - b >= 0 ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(final int a, final int b)
    {
        return a - b <= 0 ? a : b;
    }

    /** An unsigned rendering for logs and test messages. */
    public static String toString(final int sequence)
    {
        return Integer.toUnsignedString(sequence);
    }
}
