package io.ringstack.testsupport.script;

/**
 * Text forms of the house's address representations: IPv4 addresses as ints in network order (the first octet in
 * the top byte), MAC addresses as longs (the first octet in bits 47..40).
 */
public final class Addresses
{
    private Addresses()
    {
    }

    /** {@code "198.18.0.1"} to an int in network order; throws naming the text when it is not a dotted quad. */
    public static int ipv4(final String dotted)
    {
        final String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("not an IPv4 address (want a.b.c.d): " + dotted);
        }
        int address = 0;
        for (final String part : parts)
        {
            final int octet = parseNumber(part, 10, 255, dotted);
            address = (address << 8) | octet;
        }
        return address;
    }

    /** {@code "02:00:00:00:00:01"} to a long; throws naming the text when it is not six hex octets. */
    public static long mac(final String text)
    {
        final String[] parts = text.split(":", -1);
        if (parts.length != 6)
        {
            throw new IllegalArgumentException("not a MAC address (want xx:xx:xx:xx:xx:xx): " + text);
        }
        long mac = 0;
        for (final String part : parts)
        {
            mac = (mac << 8) | parseNumber(part, 16, 255, text);
        }
        return mac;
    }

    public static String ipv4(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." +
            (address & 0xFF);
    }

    public static String mac(final long mac)
    {
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int octet = (int)(mac >>> shift) & 0xFF;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }

    private static int parseNumber(final String part, final int radix, final int max, final String whole)
    {
        if (part.isEmpty() || part.length() > (radix == 16 ? 2 : 3))
        {
            throw new IllegalArgumentException("bad octet '" + part + "' in " + whole);
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++)
        {
            final int digit = Character.digit(part.charAt(i), radix);
            if (digit < 0)
            {
                throw new IllegalArgumentException("bad octet '" + part + "' in " + whole);
            }
            value = value * radix + digit;
        }
        if (value > max)
        {
            throw new IllegalArgumentException("octet " + part + " out of range in " + whole);
        }
        return value;
    }
}
