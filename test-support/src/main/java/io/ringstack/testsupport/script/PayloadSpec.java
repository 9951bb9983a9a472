package io.ringstack.testsupport.script;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The data of a script segment: {@code data pattern} ({@link PayloadPattern}'s bytes for the segment's place in the
 * stream) or given bytes, {@code data "GET /\r\n"} or {@code data hex 0a0b0c}. An injected segment without
 * {@code data} carries the pattern; an expected segment without it has only its length checked.
 */
public final class PayloadSpec
{
    public static final PayloadSpec PATTERN = new PayloadSpec(null, "data pattern");

    private final byte[] bytes;
    private final String text;

    private PayloadSpec(final byte[] bytes, final String text)
    {
        this.bytes = bytes;
        this.text = text;
    }

    public static PayloadSpec bytes(final byte[] bytes, final String text)
    {
        return new PayloadSpec(bytes.clone(), text);
    }

    public static PayloadSpec hex(final byte[] bytes)
    {
        return new PayloadSpec(bytes.clone(), "data hex " + HexFormat.of().formatHex(bytes));
    }

    public boolean isPattern()
    {
        return bytes == null;
    }

    /** The given bytes; only when not {@link #isPattern()}. */
    public byte[] bytes()
    {
        if (bytes == null)
        {
            throw new IllegalStateException("data pattern has no fixed bytes; use PayloadPattern");
        }
        return bytes.clone();
    }

    public int length()
    {
        return bytes == null ? -1 : bytes.length;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof PayloadSpec that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString()
    {
        return text;
    }
}
