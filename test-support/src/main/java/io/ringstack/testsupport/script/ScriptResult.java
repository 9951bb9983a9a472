package io.ringstack.testsupport.script;

import java.util.List;

/**
 * A run that followed its script.
 *
 * @param trace          every segment both ways, calls and ignored frames
 * @param ignoredFrames  descriptions of the non-TCP frames the stack sent (ignored by configuration)
 * @param endNanos       virtual time at the end of the run, since its start
 */
public record ScriptResult(ScriptTrace trace, List<String> ignoredFrames, long endNanos)
{
    public ScriptResult
    {
        ignoredFrames = List.copyOf(ignoredFrames);
    }

    /** The trace as text, one line per entry. */
    public String traceText()
    {
        return trace.text();
    }
}
