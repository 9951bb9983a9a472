package io.ringstack.testsupport.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One run of a script against a target: the timeline, the frames in flight and the failure messages. */
final class ScriptExecution
{
    private static final int IGNORED_SHOWN = 10;

    /** A frame the stack sent, not yet matched to a line. */
    private record Sent(long nanos, DecodedFrame frame, TraceEntry entry)
    {
    }

    /** Where an expected segment may appear, in run time. */
    private record Window(long from, long to, String text)
    {
    }

    private final ScriptConfig config;
    private final Script script;
    private final ScriptTarget target;
    private final SequenceSpaces spaces;
    private final SegmentFormatter formatter;
    private final SegmentMatcher matcher;
    private final ScriptTrace trace;
    private final ArrayDeque<Sent> pending = new ArrayDeque<>();
    private final List<String> ignored = new ArrayList<>();

    private long base;
    private long previousNanos;
    private int identification = 1;
    private ScriptEvent current;

    ScriptExecution(final ScriptConfig config, final Script script, final ScriptTarget target)
    {
        this.config = config;
        this.script = script;
        this.target = target;
        this.spaces = new SequenceSpaces(config.peerIsn());
        this.formatter = new SegmentFormatter(config, spaces);
        this.matcher = new SegmentMatcher(config, spaces, formatter);
        this.trace = new ScriptTrace(config.traceSink());
    }

    ScriptResult run()
    {
        base = target.nowNanos();
        previousNanos = 0;
        for (final ScriptEvent event : script.events())
        {
            current = event;
            execute(event);
        }
        current = null;
        collect();
        final Sent left = pending.peek();
        if (left != null)
        {
            trace.labelled(left.entry(), "unexpected");
            throw failure(null, "unexpected segment after the last line, sent at " + seconds(left.nanos()),
                List.of("actual:   > " + describe(left)), null);
        }
        return new ScriptResult(trace, ignored, now());
    }

    private void execute(final ScriptEvent event)
    {
        switch (event)
        {
            case ScriptEvent.Inject inject ->
            {
                advanceExpectingNothing(pointTime(inject.time()), false);
                inject(inject);
                previousNanos = now();
            }
            case ScriptEvent.Call call ->
            {
                advanceExpectingNothing(pointTime(call.time()), false);
                call(call);
                previousNanos = now();
            }
            case ScriptEvent.ExpectNone none ->
            {
                advanceExpectingNothing(pointTime(none.time()), true);
                previousNanos = now();
            }
            case ScriptEvent.Expect expect -> expect(expect);
        }
    }

    // ---- time

    private long now()
    {
        return target.nowNanos() - base;
    }

    private long pointTime(final EventTime time)
    {
        return time.kind() == EventTime.Kind.RELATIVE ? previousNanos + time.nanos() : time.nanos();
    }

    /** Advances by one tick (or less, to {@code limit}), then collects what the stack sent. */
    private void step(final long limit)
    {
        final long next = Math.min(now() + config.tickNanos(), limit);
        target.advanceTo(base + next);
        if (target.nowNanos() < base + next)
        {
            throw new IllegalStateException("the target's advanceTo(" + (base + next) + ") left nowNanos() at " +
                target.nowNanos() + "; a ScriptTarget must run up to the time it is given");
        }
        collect();
    }

    /** Runs up to {@code until}; any segment the stack sends on the way (or has sent) is unexpected. */
    private void advanceExpectingNothing(final long until, final boolean noneExpected)
    {
        final long from = previousNanos;
        failIfPending(from, until, noneExpected);
        while (now() < until)
        {
            step(until);
            failIfPending(from, until, noneExpected);
        }
    }

    private void failIfPending(final long from, final long until, final boolean noneExpected)
    {
        final Sent sent = pending.peek();
        if (sent == null)
        {
            return;
        }
        final String text = describe(sent);
        trace.labelled(sent.entry(), "unexpected");
        final String headline = noneExpected ?
            "expected no segment from " + seconds(from) + " to " + seconds(until) + ", but one was sent at " +
                seconds(sent.nanos()) :
            "unexpected segment sent at " + seconds(sent.nanos()) + ", before this line (due at " + seconds(until) +
                ")";
        throw failure(current, headline, List.of("actual:   > " + text), null);
    }

    // ---- expected segments

    private void expect(final ScriptEvent.Expect expect)
    {
        final Window window = window(expect.time());
        Sent sent = pending.peek();
        while (sent == null && now() < window.to())
        {
            step(window.to());
            sent = pending.peek();
        }
        final String expectedText = "expected: > " + expect.segment() + "   " + window.text();
        if (sent == null)
        {
            throw missing(expect, window, expectedText);
        }
        pending.poll();
        if (!(sent.frame() instanceof DecodedFrame.Tcp tcp))
        {
            trace.labelled(sent.entry(), "unexpected");
            throw failure(expect, "expected a TCP segment, the stack sent another frame at " + seconds(sent.nanos()),
                List.of(expectedText, "actual:   > " + sent.frame().describe()), null);
        }
        final TcpSegment segment = tcp.segment();
        spaces.stackSent(spaces.connection(segment.sourcePort(), segment.destinationPort()), segment,
            expect.segment().sequence());
        final String actualText = formatter.sent(segment);
        final List<String> differences = matcher.differences(expect.segment(), segment);
        final boolean early = sent.nanos() < window.from();
        final boolean late = sent.nanos() > window.to();
        if (differences.isEmpty() && !early && !late)
        {
            sent.entry().text(actualText);
            trace.labelled(sent.entry(), "line " + expect.line());
            previousNanos = sent.nanos();
            return;
        }
        sent.entry().text(actualText);
        trace.labelled(sent.entry(), differences.isEmpty() ? "mistimed" : "mismatch");
        final String timing = early ? ", " + ScriptTrace.millis(window.from() - sent.nanos()) + " too early" :
            late ? ", " + ScriptTrace.millis(sent.nanos() - window.to()) + " too late" : "";
        final List<String> details = new ArrayList<>();
        details.add(expectedText);
        details.add("actual:   > " + actualText + "   at " + seconds(sent.nanos()) + timing);
        if (!differences.isEmpty())
        {
            details.add("differs:  " + String.join("; ", differences));
        }
        final String headline = differences.isEmpty() ? "segment sent at the wrong time" + timing :
            (early || late ? "segment differs and was sent at the wrong time" + timing : "segment differs");
        throw failure(expect, headline, details, null);
    }

    private Window window(final EventTime time)
    {
        switch (time.kind())
        {
            case ANY:
            {
                final long to = previousNanos + config.anyTimeBoundNanos();
                return new Window(previousNanos, to, "any time from " + seconds(previousNanos) + " to " +
                    seconds(to));
            }
            case RELATIVE:
            case ABSOLUTE:
            default:
            {
                final long offset = time.kind() == EventTime.Kind.RELATIVE ? previousNanos : 0;
                if (time.range())
                {
                    final long from = offset + time.nanos();
                    final long to = offset + time.rangeEndNanos();
                    return new Window(from, to, "between " + seconds(from) + " and " + seconds(to));
                }
                final long at = offset + time.nanos();
                final long from = Math.max(0, at - config.toleranceNanos());
                final long to = at + config.toleranceNanos();
                return new Window(from, to, "at " + seconds(at) + " (+/-" +
                    ScriptTrace.millis(config.toleranceNanos()) + ": " + seconds(from) + ".." + seconds(to) + ")");
            }
        }
    }

    /** Nothing came in the window: looks on for a while to tell "late" from "never", then fails. */
    private ScriptFailure missing(final ScriptEvent.Expect expect, final Window window, final String expectedText)
    {
        final long lookaheadEnd = window.to() + config.lookaheadNanos();
        Sent later = pending.peek();
        while (later == null && now() < lookaheadEnd)
        {
            step(lookaheadEnd);
            later = pending.peek();
        }
        final List<String> details = new ArrayList<>();
        details.add(expectedText);
        if (later == null)
        {
            details.add("actual:   nothing sent up to " + seconds(now()));
            return failure(expect, "expected segment not sent", details, null);
        }
        trace.labelled(later.entry(), "late");
        if (later.frame() instanceof DecodedFrame.Tcp tcp)
        {
            final TcpSegment segment = tcp.segment();
            spaces.stackSent(spaces.connection(segment.sourcePort(), segment.destinationPort()), segment,
                expect.segment().sequence());
            later.entry().text(formatter.sent(segment));
        }
        details.add("actual:   > " + later.entry().text() + "   at " + seconds(later.nanos()) + ", " +
            ScriptTrace.millis(later.nanos() - window.to()) + " too late");
        return failure(expect, "expected segment not sent in time; the next segment came " +
            ScriptTrace.millis(later.nanos() - window.to()) + " too late", details, null);
    }

    // ---- injected segments and calls

    private void inject(final ScriptEvent.Inject inject)
    {
        final SegmentSpec spec = inject.segment();
        final int sourcePort = spec.sourcePort() >= 0 ? spec.sourcePort() : config.peerPort();
        final int destinationPort = spec.destinationPort() >= 0 ? spec.destinationPort() : config.stackPort();
        final SequenceSpaces.Connection connection = spaces.connection(destinationPort, sourcePort);
        final ScriptNumber sequence = spec.sequence();
        final long scriptSequence = sequence.absolute() ?
            spaces.peerFromWire(sequence.value()) : sequence.value();
        final boolean syn = spec.has(TcpFlags.SYN);
        if (syn)
        {
            spaces.peerSyn(connection, scriptSequence, spec.has(TcpFlags.ACK));
        }
        final int length = (int)spec.length().value();
        final byte[] payload = spec.payload() == null || spec.payload().isPattern() ?
            PayloadPattern.bytes(spaces.peerStreamOffset(connection, scriptSequence, syn), length) :
            spec.payload().bytes();
        final TcpSegment segment = new TcpSegment(config.peerMac(), config.stackMac(), config.peerAddress(),
            config.stackAddress(), identification, config.timeToLive(), true, sourcePort, destinationPort,
            spaces.peerToWire(sequence),
            spec.acknowledgment() == null ? 0 : spaces.stackToWire(connection, spec.acknowledgment()),
            spec.flags(), spec.window() == null ? config.peerWindow() : (int)spec.window().value(),
            spec.urgentPointer() == null ? 0 : (int)spec.urgentPointer().value(),
            wireOptions(spec.options(), connection), payload, !spec.badIpChecksum(), !spec.badChecksum());
        identification = (identification + 1) & 0xFFFF;
        final byte[] frame = FrameEncoder.encode(segment, config.padFrames());
        trace.add(now(), TraceEntry.Kind.INJECTED, "line " + inject.line(), formatter.injected(segment));
        try
        {
            target.inject(frame);
        }
        catch (final RuntimeException | AssertionError ex)
        {
            throw failure(inject, "the target threw while receiving this segment: " + ex, List.of(), ex);
        }
        collect();
    }

    /** SACK edges in an injected segment acknowledge the stack's data: the stack's sequence space. */
    private List<TcpOption> wireOptions(final List<TcpOption> options, final SequenceSpaces.Connection connection)
    {
        final List<TcpOption> wire = new ArrayList<>(options.size());
        for (final TcpOption option : options)
        {
            if (option instanceof TcpOption.Sack sack)
            {
                final List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (final TcpOption.SackBlock block : sack.blocks())
                {
                    blocks.add(new TcpOption.SackBlock(
                        ScriptNumber.of(spaces.stackToWire(connection, block.left())),
                        ScriptNumber.of(spaces.stackToWire(connection, block.right()))));
                }
                wire.add(new TcpOption.Sack(blocks));
            }
            else if (option instanceof TcpOption.Timestamps timestamps && timestamps.echoReply().echo())
            {
                wire.add(new TcpOption.Timestamps(timestamps.value(),
                    ScriptNumber.of(connection.lastStackTimestamp())));
            }
            else
            {
                wire.add(option);
            }
        }
        return wire;
    }

    private void call(final ScriptEvent.Call call)
    {
        trace.add(now(), TraceEntry.Kind.CALL, "line " + call.line(),
            call.action() + (call.arguments().isEmpty() ? "" : " " + String.join(" ", call.arguments())));
        try
        {
            target.call(call.action(), call.arguments());
        }
        catch (final RuntimeException | AssertionError ex)
        {
            throw failure(call, "call " + call.action() + " failed: " + ex, List.of(), ex);
        }
        collect();
    }

    // ---- frames from the stack

    private void collect()
    {
        byte[] bytes;
        while ((bytes = target.pollTransmitted()) != null)
        {
            final long at = now();
            final DecodedFrame frame = FrameDecoder.decode(bytes);
            switch (frame)
            {
                case DecodedFrame.Tcp tcp ->
                {
                    final String text = formatter.sent(tcp.segment());
                    final TraceEntry entry = trace.add(at, TraceEntry.Kind.SENT, "pending", text);
                    checkSent(tcp.segment(), at, text);
                    pending.add(new Sent(at, frame, entry));
                }
                case DecodedFrame.Malformed malformed -> throw failure(current,
                    "the stack sent a malformed frame at " + seconds(at), List.of(malformed.describe()), null);
                case DecodedFrame.Arp arp when config.answerArp() && arp.operation() == DecodedFrame.Arp.REQUEST &&
                    arp.targetAddress() == config.peerAddress() -> answer(arp, at);
                default ->
                {
                    if (config.ignoreNonTcp())
                    {
                        ignored.add(seconds(at) + "  " + frame.describe());
                        trace.add(at, TraceEntry.Kind.IGNORED, "ignored", frame.describe());
                    }
                    else
                    {
                        pending.add(new Sent(at, frame, trace.add(at, TraceEntry.Kind.SENT, "pending",
                            frame.describe())));
                    }
                }
            }
        }
    }

    /** Addresses and checksums of every segment the stack sends, whatever the script expects. */
    private void checkSent(final TcpSegment segment, final long at, final String text)
    {
        final List<String> problems = new ArrayList<>();
        if (segment.sourceMac() != config.stackMac() || segment.destinationMac() != config.peerMac())
        {
            problems.add("Ethernet " + Addresses.mac(segment.sourceMac()) + " > " +
                Addresses.mac(segment.destinationMac()) + " (expected " + Addresses.mac(config.stackMac()) + " > " +
                Addresses.mac(config.peerMac()) + ")");
        }
        if (segment.sourceAddress() != config.stackAddress() || segment.destinationAddress() != config.peerAddress())
        {
            problems.add("IPv4 " + Addresses.ipv4(segment.sourceAddress()) + " > " +
                Addresses.ipv4(segment.destinationAddress()) + " (expected " + Addresses.ipv4(config.stackAddress()) +
                " > " + Addresses.ipv4(config.peerAddress()) + ")");
        }
        if (!segment.ipChecksumValid())
        {
            problems.add("the IPv4 header checksum does not verify (RFC 791 §3.1)");
        }
        if (!segment.tcpChecksumValid())
        {
            problems.add("the TCP checksum does not verify (RFC 9293 §3.1)");
        }
        if (!problems.isEmpty())
        {
            final List<String> details = new ArrayList<>();
            details.add("actual:   > " + text);
            details.addAll(problems);
            throw failure(current, "the stack sent a broken segment at " + seconds(at), details, null);
        }
    }

    /** RFC 826 "Packet Reception": the peer answers a request for its address with its hardware address. */
    private void answer(final DecodedFrame.Arp request, final long at)
    {
        trace.add(at, TraceEntry.Kind.IGNORED, "answered", request.describe());
        final byte[] reply = FrameEncoder.arpReply(config.peerMac(), config.peerAddress(), request.senderMac(),
            request.senderAddress());
        trace.add(at, TraceEntry.Kind.ANSWERED, "arp-reply", FrameDecoder.decode(reply).describe());
        target.inject(reply);
    }

    // ---- messages

    private String describe(final Sent sent)
    {
        if (sent.frame() instanceof DecodedFrame.Tcp tcp)
        {
            final TcpSegment segment = tcp.segment();
            spaces.stackSent(spaces.connection(segment.sourcePort(), segment.destinationPort()), segment, null);
            sent.entry().text(formatter.sent(segment));
        }
        return sent.entry().text();
    }

    private static String seconds(final long nanos)
    {
        return ScriptTrace.seconds(nanos);
    }

    private ScriptFailure failure(final ScriptEvent event, final String headline, final List<String> details,
        final Throwable cause)
    {
        final StringBuilder message = new StringBuilder();
        message.append(script.name()).append(':');
        if (event != null)
        {
            message.append(event.line()).append(": ");
        }
        else
        {
            message.append(' ');
        }
        message.append(headline).append('\n');
        if (event != null)
        {
            message.append("    ").append(event.source()).append('\n');
        }
        for (final String detail : details)
        {
            message.append("  ").append(detail).append('\n');
        }
        final int shown = Math.min(config.historySize(), trace.size());
        message.append("trace (").append(shown == trace.size() ? "all " + shown : "last " + shown + " of " +
            trace.size()).append(", oldest first; time, direction, line, segment in script syntax):\n");
        message.append(trace.recent(shown));
        if (!ignored.isEmpty())
        {
            message.append("non-TCP frames ignored: ").append(ignored.size()).append('\n');
            for (final String frame : ignored.subList(Math.max(0, ignored.size() - IGNORED_SHOWN), ignored.size()))
            {
                message.append("  ").append(frame).append('\n');
            }
        }
        return new ScriptFailure(message.toString(), script.name(), event == null ? 0 : event.line(), trace, cause);
    }
}
