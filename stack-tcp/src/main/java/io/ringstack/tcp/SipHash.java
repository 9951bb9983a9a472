package io.ringstack.tcp;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * SipHash-2-4 (J.-P. Aumasson, D. J. Bernstein, "SipHash: a fast short-input PRF", INDOCRYPT 2012): a keyed
 * 64-bit pseudorandom function, fast on the short inputs TCP hashes (a 4-tuple), the function Linux keys its ISNs
 * and SYN cookies with. Two compression rounds per 8-byte word, four finalization rounds:
 * <pre>
 *   v0 = k0 ^ "somepseu"   v1 = k1 ^ "dorandom"   v2 = k0 ^ "lygenera"   v3 = k1 ^ "tedbytes"
 *   for each word m (little-endian):         v3 ^= m; SipRound x 2; v0 ^= m
 *   last word b = (length mod 256) << 56 | the 0..7 remaining bytes
 *   finalization:                            v2 ^= 0xff; SipRound x 4; hash = v0 ^ v1 ^ v2 ^ v3
 *
 *   SipRound:  v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
 *              v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
 *              v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
 *              v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
 * </pre>
 * The key is two 64-bit words (k0 = key bytes 0..7 little-endian, k1 = bytes 8..15). An instance holds the key
 * and the state of one computation in fields, so that hashing allocates nothing; it is not thread-safe (the stack
 * thread uses its own).
 */
public final class SipHash
{
    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    public SipHash(final long k0, final long k1)
    {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The hash of {@code length} bytes at {@code offset}. */
    public long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        initialize();
        final int words = length & ~7;
        for (int i = 0; i < words; i += 8)
        {
            compress(buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN));
        }
        long last = (long)(length & 0xFF) << 56;
        for (int i = 0; i < (length & 7); i++)
        {
            last |= (buffer.getByte(offset + words + i) & 0xFFL) << (8 * i);
        }
        compress(last);
        return finish();
    }

    /** The hash of the 16-byte message {@code m0} then {@code m1}, each written little-endian. */
    public long hash(final long m0, final long m1)
    {
        initialize();
        compress(m0);
        compress(m1);
        compress(16L << 56);
        return finish();
    }

    /** The hash of the 24-byte message {@code m0}, {@code m1}, {@code m2}, each written little-endian. */
    public long hash(final long m0, final long m1, final long m2)
    {
        initialize();
        compress(m0);
        compress(m1);
        compress(m2);
        compress(24L << 56);
        return finish();
    }

    private void initialize()
    {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
    }

    private void compress(final long m)
    {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }

    private long finish()
    {
        v2 ^= 0xFF;
        round();
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void round()
    {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
