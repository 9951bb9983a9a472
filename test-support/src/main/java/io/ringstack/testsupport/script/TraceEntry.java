package io.ringstack.testsupport.script;

import java.util.Locale;

/**
 * One line of a run's trace: a segment either way, a call, an ignored frame. A segment the stack sent is entered
 * when it appears and labelled once the runner knows what it was (the line it matched, or "unexpected").
 */
public final class TraceEntry
{
    /** Which way, or what. */
    public enum Kind
    {
        /** The peer injected a segment. */
        INJECTED("<"),
        /** The stack sent a TCP segment. */
        SENT(">"),
        /** The stack sent a frame that is not TCP, ignored. */
        IGNORED(">"),
        /** The runner answered an ARP request. */
        ANSWERED("<"),
        /** An application call. */
        CALL("call");

        private final String symbol;

        Kind(final String symbol)
        {
            this.symbol = symbol;
        }

        public String symbol()
        {
            return symbol;
        }
    }

    private final long timeNanos;
    private final Kind kind;
    private String text;
    private String label;

    TraceEntry(final long timeNanos, final Kind kind, final String label, final String text)
    {
        this.timeNanos = timeNanos;
        this.kind = kind;
        this.label = label;
        this.text = text;
    }

    /** Virtual time since the start of the run. */
    public long timeNanos()
    {
        return timeNanos;
    }

    public Kind kind()
    {
        return kind;
    }

    /** {@code line 12}, {@code unexpected}, {@code ignored}, {@code pending} (not yet matched). */
    public String label()
    {
        return label;
    }

    /** The segment in script syntax, the call, or the frame's description. */
    public String text()
    {
        return text;
    }

    void label(final String newLabel)
    {
        label = newLabel;
    }

    /** A sent segment's text again, once a SYN has taught the runner the stack's ISN. */
    void text(final String newText)
    {
        text = newText;
    }

    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "%12s %-4s %-11s %s", ScriptTrace.seconds(timeNanos), kind.symbol(), label,
            text);
    }
}
