package io.ringstack.demo.http;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers for HTTP's ASCII syntax: nothing here allocates. */
final class Ascii
{
    static final byte SP = ' ';
    static final byte HTAB = '\t';
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte COLON = ':';
    static final byte COMMA = ',';

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /**
     * RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" /
     * "~" / DIGIT / ALPHA
     */
    private static final boolean[] TCHAR = new boolean[256];

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            TCHAR[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++)
        {
            TCHAR[c] = true;
            TCHAR[c + 32] = true;
        }
        for (final char c : "!#$%&'*+-.^_`|~".toCharArray())
        {
            TCHAR[c] = true;
        }
    }

    private Ascii()
    {
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean isTchar(final byte b)
    {
        return TCHAR[b & 0xFF];
    }

    static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    static boolean isWhitespace(final byte b)
    {
        return b == SP || b == HTAB;
    }

    /** RFC 9110 §5.5: field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value. */
    static boolean isFieldValueByte(final byte b)
    {
        final int c = b & 0xFF;
        return c == SP || c == HTAB || (c > 0x20 && c != 0x7F);
    }

    /** RFC 9112 §3.2: the request-target holds visible ASCII only (no SP, no CTL). */
    static boolean isTargetByte(final byte b)
    {
        return b > 0x20 && b < 0x7F;
    }

    static byte lower(final byte b)
    {
        return b >= 'A' && b <= 'Z' ? (byte)(b + 32) : b;
    }

    /** Whether {@code buffer[offset, offset + length)} equals {@code lowerCase}, ignoring ASCII case. */
    static boolean equalsIgnoreCase(final DirectBuffer buffer, final int offset, final int length,
        final byte[] lowerCase)
    {
        if (length != lowerCase.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (lower(buffer.getByte(offset + i)) != lowerCase[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buffer[offset, offset + length)} equals {@code expected} exactly. */
    static boolean equals(final DirectBuffer buffer, final int offset, final int length, final byte[] expected)
    {
        if (length != expected.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buffer[offset, offset + length)} starts with {@code prefix} exactly. */
    static boolean startsWith(final DirectBuffer buffer, final int offset, final int length, final byte[] prefix)
    {
        if (length < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (buffer.getByte(offset + i) != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /** 1*DIGIT as a number, or -1 when empty, not all digits, or longer than 18 digits. */
    static long parseDecimal(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 1 || length > 18)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (!isDigit(b))
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    /** Writes {@code value} (>= 0) in decimal; returns the bytes written. */
    static int putDecimal(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10)
        {
            digits++;
        }
        long v = value;
        for (int i = digits - 1; i >= 0; i--)
        {
            buffer.putByte(offset + i, (byte)('0' + (v % 10)));
            v /= 10;
        }
        return digits;
    }

    /** Writes {@code value} (>= 0) in lower-case hexadecimal without leading zeros; returns the bytes written. */
    static int putHex(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        int digits = 1;
        for (long v = value >>> 4; v > 0; v >>>= 4)
        {
            digits++;
        }
        long v = value;
        for (int i = digits - 1; i >= 0; i--)
        {
            buffer.putByte(offset + i, HEX[(int)(v & 0xF)]);
            v >>>= 4;
        }
        return digits;
    }

    static int put(final MutableDirectBuffer buffer, final int offset, final byte[] bytes)
    {
        buffer.putBytes(offset, bytes);
        return bytes.length;
    }
}
