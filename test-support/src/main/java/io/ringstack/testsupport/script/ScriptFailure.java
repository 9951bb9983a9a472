package io.ringstack.testsupport.script;

/**
 * A script that the stack did not follow: a segment missing, unexpected, different or at the wrong time, a call
 * that threw, a malformed frame. An {@link AssertionError}, so JUnit reports it as a test failure. The message
 * names the script and line, shows expected and actual segments in script syntax with their times, and the recent
 * trace; {@link #trace()} has the whole run.
 */
public final class ScriptFailure extends AssertionError
{
    private static final long serialVersionUID = 1L;

    private final String scriptName;
    private final int line;
    private final transient ScriptTrace trace;

    ScriptFailure(final String message, final String scriptName, final int line, final ScriptTrace trace,
        final Throwable cause)
    {
        super(message, cause);
        this.scriptName = scriptName;
        this.line = line;
        this.trace = trace;
    }

    public String scriptName()
    {
        return scriptName;
    }

    /** The script line that failed; 0 when the failure came after the last line. */
    public int line()
    {
        return line;
    }

    /** The whole run up to the failure. */
    public ScriptTrace trace()
    {
        return trace;
    }
}
