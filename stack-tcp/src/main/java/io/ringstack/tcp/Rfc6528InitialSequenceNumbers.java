package io.ringstack.tcp;

import java.security.SecureRandom;

/**
 * Initial sequence numbers per RFC 6528 §3: {@code ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey)}, where M is the RFC 9293 clock (a counter ticking every 4 microseconds, from the stack's clock) and
 * F a keyed pseudorandom function of the connection-id: here SipHash-2-4 under a 128-bit key (RFC 6528 §3 asks for
 * a function that "not be computable from the outside"; Linux uses SipHash too). Connections to different peers
 * get unrelated ISNs, while one 4-tuple's ISNs still advance with the clock, so old segments of an earlier
 * incarnation stay outside the new one's window (RFC 9293 §3.4.1).
 * <pre>
 *   message (16 bytes, little-endian words)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       local address                           |  word 0, low half
 *   |                       remote address                          |  word 0, high half
 *   |          local port           |          remote port          |  word 1, low half
 *   |                    domain: "ISN " (0x2053_4e49)               |  word 1, high half
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The domain word keeps these hashes apart from the SYN cookies', which use the same key ({@link SynCookies}).
 * Allocates nothing per call; used on the stack thread.
 */
public final class Rfc6528InitialSequenceNumbers implements InitialSequenceNumbers
{
    /** RFC 9293 §3.4.1 / RFC 6528 §3: M ticks every 4 microseconds. */
    public static final long TICK_NANOS = 4_000L;
    static final long DOMAIN_ISN = 0x2053_4e49L;

    private final SipHash hash;

    /** F keyed with the 128-bit key {@code k0}, {@code k1}. */
    public Rfc6528InitialSequenceNumbers(final long k0, final long k1)
    {
        this.hash = new SipHash(k0, k1);
    }

    /** F keyed with 128 bits from {@code random} (RFC 6528 §3: the secret key should be random). */
    public static Rfc6528InitialSequenceNumbers withRandomKey(final SecureRandom random)
    {
        return new Rfc6528InitialSequenceNumbers(random.nextLong(), random.nextLong());
    }

    @Override
    public int initialSequenceNumber(
        final int localAddress, final int localPort, final int remoteAddress, final int remotePort,
        final long nowNanos)
    {
        final int m = (int)Math.floorDiv(nowNanos, TICK_NANOS);
        return m + f(localAddress, localPort, remoteAddress, remotePort);
    }

    /** F: the keyed hash of the connection-id (the low 32 bits of SipHash-2-4). */
    int f(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        final long word0 = (localAddress & 0xFFFF_FFFFL) | (long)remoteAddress << 32;
        final long word1 = (localPort & 0xFFFFL) | (remotePort & 0xFFFFL) << 16 | DOMAIN_ISN << 32;
        return (int)hash.hash(word0, word1);
    }
}
