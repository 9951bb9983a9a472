package io.ringstack.testsupport.script;

import java.util.List;

/** One line of a script that does something. Each knows its line number and its own text, for messages. */
public sealed interface ScriptEvent
{
    /** 1-based line number in the script. */
    int line();

    EventTime time();

    /** The line as written, without its comment. */
    String source();

    /** {@code < segment}: the peer sends this segment to the stack. */
    record Inject(int line, EventTime time, SegmentSpec segment, String source) implements ScriptEvent
    {
        @Override
        public String toString()
        {
            return time + " < " + segment;
        }
    }

    /** {@code > segment}: the stack must send this segment (within the tolerance of the time). */
    record Expect(int line, EventTime time, SegmentSpec segment, String source) implements ScriptEvent
    {
        @Override
        public String toString()
        {
            return time + " > " + segment;
        }
    }

    /** {@code > none}: the stack sends no TCP segment between the previous event and this time. */
    record ExpectNone(int line, EventTime time, String source) implements ScriptEvent
    {
        @Override
        public String toString()
        {
            return time + " > none";
        }
    }

    /** {@code call action args...}: an application action, run by {@link ScriptTarget#call}. */
    record Call(int line, EventTime time, String action, List<String> arguments, String source)
        implements ScriptEvent
    {
        public Call
        {
            arguments = List.copyOf(arguments);
        }

        @Override
        public String toString()
        {
            return time + " call " + action + (arguments.isEmpty() ? "" : " " + String.join(" ", arguments));
        }
    }
}
