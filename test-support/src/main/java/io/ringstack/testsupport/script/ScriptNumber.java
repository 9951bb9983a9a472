package io.ringstack.testsupport.script;

/**
 * A number in a script: a value, {@code *} (any value matches; only in expected segments), or, for sequence and
 * acknowledgment numbers, {@code =value}: absolute, taken as it is on the wire instead of relative to an ISN; or,
 * for the TSecr of an injected segment, {@code echo}: the last TSval the stack sent on that connection (what a
 * real peer echoes, RFC 7323 §4.3).
 *
 * @param value    the number (0 for {@code *} and {@code echo})
 * @param any      true for {@code *}
 * @param absolute true for {@code =value}
 * @param echo     true for {@code echo}
 */
public record ScriptNumber(long value, boolean any, boolean absolute, boolean echo)
{
    public static final ScriptNumber ANY = new ScriptNumber(0, true, false, false);
    public static final ScriptNumber ECHO = new ScriptNumber(0, false, false, true);

    public static ScriptNumber of(final long value)
    {
        return new ScriptNumber(value, false, false, false);
    }

    public static ScriptNumber absolute(final long value)
    {
        return new ScriptNumber(value, false, true, false);
    }

    /** True when this is a value that {@code actual} equals ({@code *} matches everything). */
    public boolean matches(final long actual)
    {
        return any || value == actual;
    }

    @Override
    public String toString()
    {
        return any ? "*" : echo ? "echo" : absolute ? "=" + value : Long.toString(value);
    }
}
