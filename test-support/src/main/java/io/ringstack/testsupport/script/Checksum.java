package io.ringstack.testsupport.script;

/**
 * The Internet checksum (RFC 1071) over byte arrays: the 16-bit one's complement of the one's complement sum of
 * the 16-bit big-endian words. Test code, so plain and byte-wise; the stack's own implementation lives in stack-ip
 * and is deliberately not reused (the runner is an independent oracle).
 */
final class Checksum
{
    private Checksum()
    {
    }

    /** Adds {@code length} bytes to a partial sum; an odd last byte is padded with zero on the right (§4.1). */
    static long add(final long partial, final byte[] bytes, final int offset, final int length)
    {
        long sum = partial;
        int i = offset;
        final int end = offset + length;
        while (i + 1 < end)
        {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
            i += 2;
        }
        if (i < end)
        {
            sum += (bytes[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** Adds one 16-bit word. */
    static long addWord(final long partial, final int word)
    {
        return partial + (word & 0xFFFF);
    }

    /** Folds the carries back in (end-around carry) until 16 bits remain. */
    static int fold(final long partial)
    {
        long sum = partial;
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    /** The value for the checksum field: the complement of the folded sum. */
    static int finish(final long partial)
    {
        return ~fold(partial) & 0xFFFF;
    }

    /** The TCP pseudo-header of RFC 9293 §3.1 (source, destination, zero, PTCL = 6, TCP length) as a partial sum. */
    static long tcpPseudoHeader(final int source, final int destination, final int tcpLength)
    {
        long sum = 0;
        sum = addWord(sum, source >>> 16);
        sum = addWord(sum, source);
        sum = addWord(sum, destination >>> 16);
        sum = addWord(sum, destination);
        sum = addWord(sum, 6);
        sum = addWord(sum, tcpLength);
        return sum;
    }

    /**
     * A checksum field value that is certainly wrong: one more than the right one. 0xFFFF and 0x0000 are the same
     * number in one's complement, so the right value 0xFFFF becomes 0x0001, never 0x0000.
     */
    static int corrupt(final int correct)
    {
        return correct == 0xFFFF ? 0x0001 : (correct + 1) & 0xFFFF;
    }
}
