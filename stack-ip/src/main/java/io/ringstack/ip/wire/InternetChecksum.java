package io.ringstack.ip.wire;

import io.ringstack.nic.memory.OnesComplementSum;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit words.
 * <p>
 * {@link #sum} is nic-e1000's {@link OnesComplementSum} (the same code the emulated device's checksum offload runs):
 * 8 bytes at a time in the machine's byte order, folded and swapped once; RFC 1071 §2(B)-(C): the sum is
 * associative and byte-order independent, so wide words and deferred carries give the same result. A partial
 * {@code sum} can be chained (pseudo-header, then header, then payload), as long as every piece but the last has an
 * even length.
 */
public final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    /**
     * Adds {@code length} bytes at {@code offset} to {@code initial} (an unfolded partial sum); returns the new
     * partial sum, not yet folded. An odd last byte is padded with a zero byte on the right (RFC 1071 §4.1).
     */
    public static long sum(final DirectBuffer buffer, final int offset, final int length, final long initial)
    {
        buffer.boundsCheck(offset, length);
        return initial + OnesComplementSum.sum(buffer.byteArray(), buffer.addressOffset() + offset, length);
    }

    /** Folds a partial sum to 16 bits (end-around carry), without complementing. */
    public static int fold(final long partial)
    {
        long sum = (partial >>> 32) + (partial & 0xFFFF_FFFFL);
        sum = (sum >>> 16) + (sum & 0xFFFF);
        sum = (sum >>> 16) + (sum & 0xFFFF);
        sum = (sum >>> 16) + (sum & 0xFFFF);
        return (int)sum;
    }

    /** The checksum field value for these bytes (checksum field zeroed or excluded). */
    public static int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        return ~fold(sum(buffer, offset, length, 0)) & 0xFFFF;
    }

    /** Finishes a chained partial sum into the checksum field value. */
    public static int finish(final long partial)
    {
        return ~fold(partial) & 0xFFFF;
    }

    /** True when bytes that include their checksum field sum to 0xFFFF (RFC 1071 §1 step 3). */
    public static boolean verify(final DirectBuffer buffer, final int offset, final int length)
    {
        return fold(sum(buffer, offset, length, 0)) == 0xFFFF;
    }

    /**
     * The partial sum of the IPv4 pseudo-header of TCP and UDP (RFC 768, RFC 9293 §3.1): source, destination, zero,
     * protocol, and the transport length.
     */
    public static long pseudoHeaderSum(final int source, final int destination, final int protocol, final int length)
    {
        return (source & 0xFFFF_FFFFL) + (destination & 0xFFFF_FFFFL) + protocol + length;
    }

    /**
     * Incremental update (RFC 1624 eqn. 3): the new checksum field when one 16-bit word of the covered data
     * changes from {@code oldWord} to {@code newWord}: HC' = ~(~HC + ~m + m').
     */
    public static int update(final int checksum, final int oldWord, final int newWord)
    {
        final long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** Incremental update for a 32-bit field (e.g. an address): two 16-bit words at once. */
    public static int update32(final int checksum, final int oldValue, final int newValue)
    {
        final long sum = (~checksum & 0xFFFF) + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF) +
            (newValue >>> 16 & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }
}
