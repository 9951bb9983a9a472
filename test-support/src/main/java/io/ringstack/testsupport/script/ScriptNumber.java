package io.ringstack.testsupport.script;

/**
 * A number in a script: a value, {@code *} (any value matches; only in expected segments), or, for sequence and
 * acknowledgment numbers, {@code =value}: absolute, taken as it is on the wire instead of relative to an ISN.
 *
 * @param value    the number (0 for {@code *})
 * @param any      true for {@code *}
 * @param absolute true for {@code =value}
 */
public record ScriptNumber(long value, boolean any, boolean absolute)
{
    public static final ScriptNumber ANY = new ScriptNumber(0, true, false);

    public static ScriptNumber of(final long value)
    {
        return new ScriptNumber(value, false, false);
    }

    public static ScriptNumber absolute(final long value)
    {
        return new ScriptNumber(value, false, true);
    }

    /** True when this is a value that {@code actual} equals ({@code *} matches everything). */
    public boolean matches(final long actual)
    {
        return any || value == actual;
    }

    @Override
    public String toString()
    {
        return any ? "*" : absolute ? "=" + value : Long.toString(value);
    }
}
