package io.ringstack.tcp;

/**
 * SYN cookies (RFC 4987 §3.6): when a listener's SYN queue is full, the state of a half-open connection is
 * folded into the initial sequence number of our SYN,ACK, and rebuilt from the acknowledgment number of the ACK
 * that completes the handshake, so that a SYN flood costs no memory. The encoding is Linux's
 * (net/ipv4/syncookies.c), keyed with SipHash-2-4 under the layer's secret, except that the client's ISN enters
 * the second hash too (Linux only adds it, so an ACK whose SEG.SEQ is 1 to 3 off still passes, with another MSS
 * index, and would start the receive sequence in the wrong place):
 * <pre>
 *   cookie = H(4-tuple) + client ISN + (counter &lt;&lt; 24) + ((H(4-tuple, counter, client ISN) + MSS index) mod 2^24)
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |    counter    |  H(4-tuple, counter, ISN) + MSS index (24 b)  |   after subtracting
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   H(4-tuple) + client ISN
 * </pre>
 * The counter moves once a minute; a cookie is valid while the counter is at most {@link #MAX_AGE} - 1 ahead of
 * the one it carries (one to two minutes). The check recovers the counter from the top byte, then the MSS index
 * from the low 24 bits, which must be below the table's size: a guessed cookie passes with a probability of about
 * 2/256 * 4/2^24 (2^-29).
 * <p>
 * The MSS is one of {@link #MSS_TABLE} (the largest not above the peer's). Window scale and SACK-Permitted do not
 * fit in 32 bits; when the SYN carried timestamps they ride in the low 6 bits of our TSval, which the peer echoes
 * in every TSecr (Linux's cookie_init_timestamp):
 * <pre>
 *   TSval bits 0-3: the peer's window scale shift (0..14; 15 = none)   bit 4: SACK-Permitted   bit 5: 0 (Linux: ECN)
 * </pre>
 * A SYN without timestamps gets a SYN,ACK with the MSS option only. Nothing here allocates.
 */
final class SynCookies
{
    /** Linux's msstab for IPv4: the MSS values most peers send (536: RFC 9293's default; 1440: PPPoE). */
    static final int[] MSS_TABLE = { 536, 1300, 1440, 1460 };
    /** The counter's period: Linux's tcp_cookie_time() (one minute). */
    static final long COUNTER_NANOS = 60_000_000_000L;
    /** Counters a cookie stays valid for (Linux's MAX_SYNCOOKIE_AGE). */
    static final int MAX_AGE = 2;
    /** How long after sending cookies a listener checks ACKs for them (Linux's TCP_SYNCOOKIE_VALID). */
    static final long LIFETIME_NANOS = MAX_AGE * COUNTER_NANOS;
    static final int NO_WINDOW_SCALE = -1;

    private static final int COOKIE_BITS = 24;
    private static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;
    private static final long DOMAIN_TUPLE = 0x3143_4e59L;   // "YNC1": H(4-tuple)
    private static final long DOMAIN_COUNTER = 0x3243_4e59L; // "YNC2": H(4-tuple, counter, client ISN)
    private static final int TS_WINDOW_SCALE_MASK = 0xF;
    private static final int TS_SACK = 0x10;
    private static final int TS_RESERVED = 0x20;
    private static final int TS_BITS = 6;

    private final SipHash hash;
    private int mssIndex;
    private int windowScale = NO_WINDOW_SCALE;
    private boolean sackPermitted;

    SynCookies(final long k0, final long k1)
    {
        this.hash = new SipHash(k0, k1);
    }

    /** The index of the largest table MSS not above {@code peerMss} (the smallest when all are above). */
    static int mssIndex(final int peerMss)
    {
        int index = 0;
        for (int i = MSS_TABLE.length - 1; i > 0; i--)
        {
            if (peerMss >= MSS_TABLE[i])
            {
                index = i;
                break;
            }
        }
        return index;
    }

    static long counter(final long nowNanos)
    {
        return Math.floorDiv(nowNanos, COUNTER_NANOS);
    }

    /** Our ISS for a SYN from {@code remoteAddress:remotePort} with sequence number {@code clientIsn}. */
    int cookie(
        final int localAddress, final int localPort, final int remoteAddress, final int remotePort,
        final int clientIsn, final int mssIndex, final long nowNanos)
    {
        final long count = counter(nowNanos);
        return tupleHash(localAddress, localPort, remoteAddress, remotePort) + clientIsn + ((int)count << COOKIE_BITS) +
            ((counterHash(localAddress, localPort, remoteAddress, remotePort, count, clientIsn) + mssIndex) &
            COOKIE_MASK);
    }

    /**
     * Whether {@code cookie} (SEG.ACK - 1 of the ACK) is one we made for this 4-tuple and client ISN (SEG.SEQ - 1)
     * within the last {@link #MAX_AGE} counters; if so, {@link #mss()} is the MSS it carries.
     */
    boolean check(
        final int localAddress, final int localPort, final int remoteAddress, final int remotePort,
        final int clientIsn, final int cookie, final long nowNanos)
    {
        final long count = counter(nowNanos);
        final int c = cookie - tupleHash(localAddress, localPort, remoteAddress, remotePort) - clientIsn;
        final int age = ((int)count - (c >>> COOKIE_BITS)) & 0xFF;
        if (age >= MAX_AGE)
        {
            return false;
        }
        final int data = (c - counterHash(localAddress, localPort, remoteAddress, remotePort, count - age,
            clientIsn)) & COOKIE_MASK;
        if (data >= MSS_TABLE.length)
        {
            return false;
        }
        mssIndex = data;
        return true;
    }

    /** The MSS the last valid cookie carried. */
    int mss()
    {
        return MSS_TABLE[mssIndex];
    }

    /**
     * Our TSval for a cookie's SYN,ACK: {@code timestampNow} with its low 6 bits replaced by the options, moved
     * back by 64 if that put it ahead, so that the connection's later TSvals never go below it (RFC 7323 §5.4).
     *
     * @param peerWindowScale the shift the peer's SYN offered (at most 14), or {@link #NO_WINDOW_SCALE}
     */
    static int timestampWithOptions(final int timestampNow, final int peerWindowScale, final boolean sack)
    {
        final int options = (peerWindowScale == NO_WINDOW_SCALE ? TS_WINDOW_SCALE_MASK : peerWindowScale) |
            (sack ? TS_SACK : 0);
        int value = (timestampNow >>> TS_BITS << TS_BITS) | options;
        if (value - timestampNow > 0)
        {
            value -= 1 << TS_BITS;
        }
        return value;
    }

    /**
     * Decodes the options from the TSecr of the handshake's ACK into {@link #windowScale()} and
     * {@link #sackPermitted()}.
     *
     * @return false when the bits are not ones we send (the reserved bit).
     */
    boolean decodeTimestampOptions(final int timestampEchoReply)
    {
        final int options = timestampEchoReply & ((1 << TS_BITS) - 1);
        if ((options & TS_RESERVED) != 0)
        {
            return false;
        }
        final int shift = options & TS_WINDOW_SCALE_MASK; // 0..14 as sent (RFC 7323 §2.3), 15: none
        windowScale = shift == TS_WINDOW_SCALE_MASK ? NO_WINDOW_SCALE : shift;
        sackPermitted = (options & TS_SACK) != 0;
        return true;
    }

    /** The peer's window scale shift from the last decoded TSecr, or {@link #NO_WINDOW_SCALE}. */
    int windowScale()
    {
        return windowScale;
    }

    boolean sackPermitted()
    {
        return sackPermitted;
    }

    private int tupleHash(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        return (int)hash.hash(addresses(localAddress, remoteAddress), ports(localPort, remotePort, DOMAIN_TUPLE));
    }

    private int counterHash(
        final int localAddress, final int localPort, final int remoteAddress, final int remotePort, final long count,
        final int clientIsn)
    {
        return (int)hash.hash(addresses(localAddress, remoteAddress), ports(localPort, remotePort, DOMAIN_COUNTER),
            (count & 0xFFFF_FFFFL) | (long)clientIsn << 32);
    }

    private static long addresses(final int localAddress, final int remoteAddress)
    {
        return (localAddress & 0xFFFF_FFFFL) | (long)remoteAddress << 32;
    }

    private static long ports(final int localPort, final int remotePort, final long domain)
    {
        return (localPort & 0xFFFFL) | (remotePort & 0xFFFFL) << 16 | domain << 32;
    }
}
