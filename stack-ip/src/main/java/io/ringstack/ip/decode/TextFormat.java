package io.ringstack.ip.decode;

/** Appends addresses and numbers to a {@link StringBuilder} without creating strings on the way. */
final class TextFormat
{
    private static final String[] TCP_FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    private TextFormat()
    {
    }

    /** {@code aa:bb:cc:dd:ee:ff}. */
    static StringBuilder mac(final StringBuilder out, final long mac)
    {
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            hex(out, (int)(mac >>> shift) & 0xFF, 2);
            if (shift > 0)
            {
                out.append(':');
            }
        }
        return out;
    }

    /** Dotted quad of an address in network order (first octet most significant). */
    static StringBuilder ipv4(final StringBuilder out, final int address)
    {
        return out.append(address >>> 24).append('.').append(address >>> 16 & 0xFF).append('.')
            .append(address >>> 8 & 0xFF).append('.').append(address & 0xFF);
    }

    /** Lower-case hex, zero-padded to {@code digits}. */
    static StringBuilder hex(final StringBuilder out, final int value, final int digits)
    {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            out.append(Character.forDigit(value >>> shift & 0xF, 16));
        }
        return out;
    }

    /** Flag names joined by {@code |} (e.g. {@code SYN|ACK}), reserved bits as hex, or {@code none}. */
    static StringBuilder tcpFlags(final StringBuilder out, final int flags)
    {
        if (flags == 0)
        {
            return out.append("none");
        }
        boolean first = true;
        for (int bit = 0; bit < TCP_FLAG_NAMES.length; bit++)
        {
            if ((flags & (1 << bit)) != 0)
            {
                out.append(first ? "" : "|").append(TCP_FLAG_NAMES[bit]);
                first = false;
            }
        }
        final int reserved = flags & 0xF00;
        if (reserved != 0)
        {
            hex(out.append(first ? "" : "|").append("RESERVED=0x"), reserved, 3);
        }
        return out;
    }
}
