package io.ringstack.nic.memory;

import java.nio.ByteOrder;

/**
 * The 16-bit one's complement sum of the Internet checksum (RFC 1071), over raw memory: what the 8254x computes
 * for checksum offload (SDM §3.3.5) and what the IP layers compute in software.
 * <p>
 * RFC 1071 §2(B): the sum is independent of byte order, so the words are loaded in the machine's order (no byte
 * swap per load), 8 bytes at a time into two 64-bit accumulators, and the folded result is swapped once at the
 * end. The result is the sum as if the words had been read in network order, so it chains with sums computed
 * elsewhere (a pseudo-header), as long as every piece but the last has an even length.
 */
public final class OnesComplementSum
{
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private OnesComplementSum()
    {
    }

    /**
     * The sum of {@code length} bytes at {@code address} ({@code base} null for native memory, else the array with
     * {@code address} its array offset), folded to 16 bits, in network byte order; an odd last byte is padded with
     * a zero byte on the right (RFC 1071 §4.1). The caller has checked the bytes are inside their memory.
     */
    public static int sum(final Object base, final long address, final int length)
    {
        long even = 0;
        long odd = 0;
        long i = address;
        final long end = address + length;
        // Each step adds two 32-bit halves (at most 2^33) to each accumulator: no overflow below 2^30 steps.
        while (i + 16 <= end)
        {
            final long a = RawMemory.getLongUnaligned(base, i);
            final long b = RawMemory.getLongUnaligned(base, i + 8);
            even += (a >>> 32) + (a & LOW_32);
            odd += (b >>> 32) + (b & LOW_32);
            i += 16;
        }
        long sum = even + odd;
        if (i + 8 <= end)
        {
            final long a = RawMemory.getLongUnaligned(base, i);
            sum += (a >>> 32) + (a & LOW_32);
            i += 8;
        }
        if (i + 4 <= end)
        {
            sum += RawMemory.getIntUnaligned(base, i) & LOW_32;
            i += 4;
        }
        if (i + 2 <= end)
        {
            sum += RawMemory.getShortUnaligned(base, i) & 0xFFFF;
            i += 2;
        }
        if (i < end)
        {
            final int last = RawMemory.getByte(base, i) & 0xFF;
            sum += LITTLE_ENDIAN ? last : last << 8; // the high byte of a network-order word
        }
        final int folded = fold(sum);
        return LITTLE_ENDIAN ? Integer.reverseBytes(folded) >>> 16 : folded;
    }

    /** Folds a partial sum to 16 bits (end-around carry), without complementing. */
    public static int fold(final long partial)
    {
        long sum = (partial >>> 32) + (partial & LOW_32);
        sum = (sum >>> 16) + (sum & 0xFFFF);
        sum = (sum >>> 16) + (sum & 0xFFFF);
        sum = (sum >>> 16) + (sum & 0xFFFF);
        return (int)sum;
    }

    /**
     * Completes a checksum left to the device (SDM §3.3.3, legacy descriptor CMD.IC): the 16-bit field at
     * {@code address + checksumOffset} holds the pseudo-header's sum (software put it there); the one's complement
     * of the sum from {@code checksumStart} to the end of the frame replaces it.
     */
    public static void insert(
        final Object base, final long frameAddress, final int frameLength, final int checksumStart,
        final int checksumOffset)
    {
        final int folded = sum(base, frameAddress + checksumStart, frameLength - checksumStart);
        final int checksum = ~folded & 0xFFFF;
        RawMemory.putShortBigEndian(base, frameAddress + checksumOffset, (short)checksum);
    }
}
