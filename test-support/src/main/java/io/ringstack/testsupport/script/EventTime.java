package io.ringstack.testsupport.script;

/**
 * When an event happens, in script seconds: {@code 0.100} (absolute, from the start of the run), {@code +0.1}
 * (relative to the previous event), {@code *} (an expected segment at any time from the previous event on, within
 * {@link ScriptConfig#anyTimeBoundNanos()}), or a range {@code 0.2~0.4} / {@code +0.2~+0.4} within which an
 * expected segment must appear (instead of the time plus or minus the tolerance).
 *
 * @param kind          absolute, relative or any
 * @param nanos         the time or offset (0 for any)
 * @param rangeEndNanos the end of a range, inclusive; equal to {@code nanos} when there is no range
 * @param range         true for {@code a~b}
 */
public record EventTime(Kind kind, long nanos, long rangeEndNanos, boolean range)
{
    public static final EventTime ANY = new EventTime(Kind.ANY, 0, 0, false);

    public enum Kind
    {
        ABSOLUTE,
        RELATIVE,
        ANY
    }

    public static EventTime absolute(final long nanos)
    {
        return new EventTime(Kind.ABSOLUTE, nanos, nanos, false);
    }

    public static EventTime relative(final long nanos)
    {
        return new EventTime(Kind.RELATIVE, nanos, nanos, false);
    }

    @Override
    public String toString()
    {
        if (kind == Kind.ANY)
        {
            return "*";
        }
        final String prefix = kind == Kind.RELATIVE ? "+" : "";
        return prefix + seconds(nanos) + (range ? "~" + prefix + seconds(rangeEndNanos) : "");
    }

    /** Nanoseconds as seconds with as few decimals as are needed: 0.1, 0.04, 1, 0.000001. */
    static String seconds(final long nanos)
    {
        final String fraction = String.format("%09d", nanos % 1_000_000_000L).replaceAll("0+$", "");
        return (nanos / 1_000_000_000L) + (fraction.isEmpty() ? "" : "." + fraction);
    }
}
