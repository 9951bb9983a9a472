package io.ringstack.testsupport.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Everything that crossed between the peer and the stack during a run, in order, as text in the script's own
 * syntax (relative sequence numbers):
 * <pre>
 *     0.000000 call line 1      listen 8080
 *     0.000000 &lt;    line 2      S 0:0(0) win 65535 &lt;mss 1460&gt;
 *     0.000000 &gt;    line 3      S. 0:0(0) ack 1 win 64240 &lt;mss 1460&gt;
 *     0.000000 &gt;    ignored     ARP request who-has 198.18.0.2 tell 198.18.0.1 (02:00:00:00:00:01)
 * </pre>
 * A text trace, no pcap: readable in a failure message and in a test log.
 */
public final class ScriptTrace
{
    private final List<TraceEntry> entries = new ArrayList<>();
    private final Consumer<String> sink;

    ScriptTrace(final Consumer<String> sink)
    {
        this.sink = sink;
    }

    TraceEntry add(final long timeNanos, final TraceEntry.Kind kind, final String label, final String text)
    {
        final TraceEntry entry = new TraceEntry(timeNanos, kind, label, text);
        entries.add(entry);
        if (sink != null && kind != TraceEntry.Kind.SENT)
        {
            sink.accept(entry.toString());
        }
        return entry;
    }

    /** A sent segment's label is final: show it to the live sink now. */
    void labelled(final TraceEntry entry, final String label)
    {
        entry.label(label);
        if (sink != null)
        {
            sink.accept(entry.toString());
        }
    }

    public List<TraceEntry> entries()
    {
        return List.copyOf(entries);
    }

    /** The whole trace, one entry a line. */
    public String text()
    {
        return format(entries);
    }

    /** The last {@code count} entries, one a line. */
    public String recent(final int count)
    {
        return format(entries.subList(Math.max(0, entries.size() - count), entries.size()));
    }

    public int size()
    {
        return entries.size();
    }

    static String format(final List<TraceEntry> lines)
    {
        final StringBuilder text = new StringBuilder();
        for (final TraceEntry entry : lines)
        {
            text.append(entry).append('\n');
        }
        return text.toString();
    }

    /** Seconds with six decimals, nine when the time is not a whole microsecond: {@code 0.240000}. */
    static String seconds(final long nanos)
    {
        final long magnitude = Math.abs(nanos);
        final String sign = nanos < 0 ? "-" : "";
        final long whole = magnitude / 1_000_000_000L;
        final long fraction = magnitude % 1_000_000_000L;
        if (fraction % 1000 == 0)
        {
            return sign + whole + "." + String.format(Locale.ROOT, "%06d", fraction / 1000);
        }
        return sign + whole + "." + String.format(Locale.ROOT, "%09d", fraction);
    }

    /** A duration in milliseconds with three decimals: {@code 55.000 ms}. */
    static String millis(final long nanos)
    {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
