package io.ringstack.testsupport.script;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Parses script text (grammar in {@link Script}) line by line; every error is a {@link ScriptParseException} naming
 * the line and column.
 */
final class ScriptParser
{
    private static final long MAX_U32 = 0xFFFF_FFFFL;
    private static final long MAX_U16 = 0xFFFF;
    private static final long MAX_U8 = 0xFF;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_SECONDS = 1_000_000;

    private final String scriptName;
    private final List<ScriptEvent> events = new ArrayList<>();
    private long lastAbsoluteNanos = -1;

    // the line being parsed
    private String text;
    private int lineNumber;
    private int pos;
    private int end;

    private ScriptParser(final String scriptName)
    {
        this.scriptName = scriptName;
    }

    static List<ScriptEvent> parse(final String scriptName, final String script)
    {
        final ScriptParser parser = new ScriptParser(scriptName);
        final String[] lines = script.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            parser.parseLine(i + 1, lines[i]);
        }
        return List.copyOf(parser.events);
    }

    private void parseLine(final int number, final String line)
    {
        text = line;
        lineNumber = number;
        pos = 0;
        end = commentStart(line);
        skipSpaces();
        if (atEnd())
        {
            return;
        }
        final int timeColumn = pos;
        final EventTime time = parseTime();
        skipSpaces();
        if (atEnd())
        {
            throw error("expected '<', '>' or 'call' after the time");
        }
        final String source = line.substring(timeColumn, end).strip();
        final int bodyColumn = pos;
        final ScriptEvent event;
        if (peek() == '<')
        {
            pos++;
            event = new ScriptEvent.Inject(number, time, parseSegment(true), source);
        }
        else if (peek() == '>')
        {
            pos++;
            skipSpaces();
            final int wordStart = pos;
            if ("none".equals(readWord()))
            {
                expectEnd();
                event = new ScriptEvent.ExpectNone(number, time, source);
            }
            else
            {
                pos = wordStart;
                event = new ScriptEvent.Expect(number, time, parseSegment(false), source);
            }
        }
        else if ("call".equals(readWord()))
        {
            event = parseCall(number, time, source);
        }
        else
        {
            pos = bodyColumn;
            throw error("expected '<' (inject), '>' (expect) or 'call' after the time");
        }
        checkTime(event, timeColumn);
        events.add(event);
    }

    private void checkTime(final ScriptEvent event, final int timeColumn)
    {
        final EventTime time = event.time();
        final boolean expectsSegment = event instanceof ScriptEvent.Expect;
        if (time.kind() == EventTime.Kind.ANY && !expectsSegment)
        {
            pos = timeColumn;
            throw error("'*' (any time) is only for an expected segment ('> ...')");
        }
        if (time.range() && !expectsSegment)
        {
            pos = timeColumn;
            throw error("a time range 'a~b' is only for an expected segment ('> ...')");
        }
        if (time.kind() == EventTime.Kind.ABSOLUTE)
        {
            if (time.nanos() < lastAbsoluteNanos)
            {
                pos = timeColumn;
                throw error("time " + EventTime.seconds(time.nanos()) + " is before the previous absolute time " +
                    EventTime.seconds(lastAbsoluteNanos) + "; events run in order");
            }
            lastAbsoluteNanos = time.nanos();
        }
    }

    // ---- time

    private EventTime parseTime()
    {
        if (peek() == '*')
        {
            pos++;
            requireSeparator("'*'");
            return EventTime.ANY;
        }
        final boolean relative = peek() == '+';
        final long from = parseSeconds();
        long to = from;
        boolean range = false;
        if (!atEnd() && peek() == '~')
        {
            pos++;
            if (atEnd() || (peek() == '+') != relative)
            {
                throw error("both ends of a time range are " + (relative ? "relative (+a~+b)" : "absolute (a~b)"));
            }
            final int toColumn = pos;
            to = parseSeconds();
            range = true;
            if (to < from)
            {
                pos = toColumn;
                throw error("the end of the time range is before its start");
            }
        }
        requireSeparator("the time");
        return new EventTime(relative ? EventTime.Kind.RELATIVE : EventTime.Kind.ABSOLUTE, from, to, range);
    }

    /** {@code [+]digits[.digits]} or {@code [+].digits}, in seconds, to nanoseconds; at most 9 decimals. */
    private long parseSeconds()
    {
        final int start = pos;
        if (!atEnd() && peek() == '+')
        {
            pos++;
        }
        long seconds = 0;
        int integerDigits = 0;
        while (!atEnd() && isDigit(peek()))
        {
            seconds = seconds * 10 + (peek() - '0');
            integerDigits++;
            pos++;
            if (seconds > MAX_SECONDS)
            {
                pos = start;
                throw error("time too large (at most " + MAX_SECONDS + " seconds)");
            }
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (!atEnd() && peek() == '.')
        {
            pos++;
            while (!atEnd() && isDigit(peek()))
            {
                if (fractionDigits == 9)
                {
                    throw error("more than 9 decimals: times are in seconds with at most nanosecond precision");
                }
                fraction = fraction * 10 + (peek() - '0');
                fractionDigits++;
                pos++;
            }
        }
        if (integerDigits + fractionDigits == 0)
        {
            pos = start;
            throw error("expected a time in seconds (0.1, +0.04, .5, *) at the start of the line");
        }
        for (int i = fractionDigits; i < 9; i++)
        {
            fraction *= 10;
        }
        return seconds * NANOS_PER_SECOND + fraction;
    }

    // ---- segments

    private SegmentSpec parseSegment(final boolean inbound)
    {
        skipSpaces();
        final int flagsColumn = pos;
        final int flags = parseFlags();
        skipSpaces();
        final ScriptNumber sequence = parseNumber("start sequence number", MAX_U32, true, inbound);
        expectChar(':', "between the start and the end sequence number (start:end(length))");
        final int endColumn = pos;
        final ScriptNumber endNumber = parseNumber("end sequence number", MAX_U32, true, inbound);
        expectChar('(', "after the end sequence number (start:end(length))");
        final ScriptNumber length = parseNumber("payload length", MAX_U16, false, inbound);
        expectChar(')', "after the payload length (start:end(length))");
        if (!sequence.any() && !endNumber.any() && sequence.absolute() != endNumber.absolute())
        {
            pos = endColumn;
            throw error("start and end are both absolute (=N:=M) or both relative (N:M)");
        }
        if (!sequence.any() && !endNumber.any() && !length.any() &&
            ((endNumber.value() - sequence.value()) & MAX_U32) != length.value())
        {
            pos = endColumn;
            throw error("end " + endNumber.value() + " - start " + sequence.value() + " = " +
                ((endNumber.value() - sequence.value()) & MAX_U32) + ", but the length says " + length.value());
        }
        ScriptNumber acknowledgment = null;
        ScriptNumber window = null;
        ScriptNumber urgentPointer = null;
        List<TcpOption> options = List.of();
        boolean optionsSeen = false;
        PayloadSpec payload = null;
        int sourcePort = -1;
        int destinationPort = -1;
        boolean badChecksum = false;
        boolean badIpChecksum = false;
        int optionsColumn = -1;
        int payloadColumn = -1;
        while (true)
        {
            skipSpaces();
            if (atEnd())
            {
                break;
            }
            final int fieldColumn = pos;
            if (peek() == '<')
            {
                once(optionsSeen, "options", fieldColumn);
                optionsSeen = true;
                optionsColumn = pos;
                pos++;
                options = parseOptions(inbound);
                continue;
            }
            final String word = readWord();
            switch (word)
            {
                case "ack" ->
                {
                    once(acknowledgment != null, word, fieldColumn);
                    skipSpaces();
                    acknowledgment = parseNumber("acknowledgment number", MAX_U32, true, inbound);
                }
                case "win" ->
                {
                    once(window != null, word, fieldColumn);
                    skipSpaces();
                    window = parseNumber("window", MAX_U16, false, inbound);
                }
                case "urg" ->
                {
                    once(urgentPointer != null, word, fieldColumn);
                    skipSpaces();
                    urgentPointer = parseNumber("urgent pointer", MAX_U16, false, inbound);
                }
                case "sport" ->
                {
                    once(sourcePort >= 0, word, fieldColumn);
                    skipSpaces();
                    sourcePort = (int)parseNumber("source port", MAX_U16, false, true).value();
                }
                case "dport" ->
                {
                    once(destinationPort >= 0, word, fieldColumn);
                    skipSpaces();
                    destinationPort = (int)parseNumber("destination port", MAX_U16, false, true).value();
                }
                case "data" ->
                {
                    once(payload != null, word, fieldColumn);
                    payloadColumn = fieldColumn;
                    payload = parsePayload();
                }
                case "bad-checksum", "bad-ip-checksum" ->
                {
                    if (!inbound)
                    {
                        pos = fieldColumn;
                        throw error("'" + word + "' is for injected segments ('<'); the runner always checks the " +
                            "checksums of the stack's segments");
                    }
                    if (word.equals("bad-checksum"))
                    {
                        once(badChecksum, word, fieldColumn);
                        badChecksum = true;
                    }
                    else
                    {
                        once(badIpChecksum, word, fieldColumn);
                        badIpChecksum = true;
                    }
                }
                default ->
                {
                    pos = fieldColumn;
                    throw error(word.isEmpty() ? "unexpected '" + peek() + "'" : "unknown field '" + word + "'" +
                        " (expected ack, win, urg, <options>, data, sport, dport, bad-checksum, bad-ip-checksum)");
                }
            }
        }
        if (payload != null && !payload.isPattern() && !length.any() && payload.length() != length.value())
        {
            pos = payloadColumn;
            throw error("data has " + payload.length() + " bytes, but the length says " + length.value());
        }
        if (inbound)
        {
            if (TcpFlags.has(flags, TcpFlags.ACK) && acknowledgment == null)
            {
                pos = flagsColumn;
                throw error("an injected segment with ACK ('.') needs 'ack N'");
            }
            if (FrameEncoder.paddedLength(options) > FrameEncoder.MAX_OPTIONS_LENGTH)
            {
                pos = optionsColumn;
                throw error("options take " + FrameEncoder.paddedLength(options) +
                    " bytes with padding; TCP allows 40");
            }
            final long packetLength = FrameEncoder.IPV4_HEADER_LENGTH + FrameEncoder.TCP_HEADER_LENGTH +
                FrameEncoder.paddedLength(options) + length.value();
            if (packetLength > MAX_U16)
            {
                pos = flagsColumn;
                throw error("an IPv4 packet of " + packetLength + " bytes exceeds 65535");
            }
        }
        return new SegmentSpec(flags, sequence, endNumber, length, acknowledgment, window, urgentPointer, options,
            payload, sourcePort, destinationPort, badChecksum, badIpChecksum);
    }

    private int parseFlags()
    {
        final int start = pos;
        int flags = 0;
        boolean none = false;
        while (!atEnd() && !Character.isWhitespace(peek()))
        {
            final char c = peek();
            if (c == '-')
            {
                none = true;
            }
            else
            {
                final int bit = TcpFlags.bit(c);
                if (bit == 0)
                {
                    throw error("'" + c + "' is not a flag (S SYN, . ACK, F FIN, R RST, P PSH, U URG, E ECE, W CWR, " +
                        "- none)");
                }
                if ((flags & bit) != 0)
                {
                    throw error("flag '" + c + "' given twice");
                }
                flags |= bit;
            }
            pos++;
        }
        if (pos == start)
        {
            throw error("expected flags (S, S., ., P., F., R, R., - for none)");
        }
        if (none && (flags != 0 || pos - start != 1))
        {
            pos = start;
            throw error("'-' (no flags) stands alone");
        }
        return flags;
    }

    private List<TcpOption> parseOptions(final boolean inbound)
    {
        skipSpaces();
        if (!atEnd() && peek() == '*')
        {
            if (inbound)
            {
                throw error("'<*>' (any options) is for expected segments ('>')");
            }
            pos++;
            skipSpaces();
            expectChar('>', "to close '<*'");
            return null;
        }
        final List<TcpOption> options = new ArrayList<>();
        skipSpaces();
        if (!atEnd() && peek() == '>')
        {
            pos++;
            return options;
        }
        while (true)
        {
            skipSpaces();
            options.add(parseOption(inbound));
            skipSpaces();
            if (atEnd())
            {
                throw error("options end with '>'");
            }
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            if (peek() == '>')
            {
                pos++;
                return options;
            }
            throw error("expected ',' or '>' after an option");
        }
    }

    private TcpOption parseOption(final boolean inbound)
    {
        final int start = pos;
        final String name = readWord();
        switch (name)
        {
            case "mss":
                skipSpaces();
                return new TcpOption.MaximumSegmentSize(parseNumber("mss", MAX_U16, false, inbound));
            case "wscale":
                skipSpaces();
                return new TcpOption.WindowScale(parseNumber("wscale", MAX_U8, false, inbound));
            case "sackOK":
                return new TcpOption.SackPermitted();
            case "nop":
                return new TcpOption.NoOperation();
            case "eol":
                return new TcpOption.EndOfOptionList();
            case "sack":
            {
                final List<TcpOption.SackBlock> blocks = new ArrayList<>();
                while (true)
                {
                    skipSpaces();
                    if (atEnd() || peek() == ',' || peek() == '>')
                    {
                        break;
                    }
                    final ScriptNumber left = parseNumber("SACK left edge", MAX_U32, true, inbound);
                    expectChar(':', "between the edges of a SACK block (left:right)");
                    final ScriptNumber right = parseNumber("SACK right edge", MAX_U32, true, inbound);
                    blocks.add(new TcpOption.SackBlock(left, right));
                }
                if (blocks.isEmpty())
                {
                    throw error("'sack' needs at least one block left:right");
                }
                return new TcpOption.Sack(blocks);
            }
            case "TS":
            {
                skipSpaces();
                expectWord("val", "'TS val N ecr M'");
                skipSpaces();
                final ScriptNumber value = parseNumber("TS val", MAX_U32, false, inbound);
                skipSpaces();
                expectWord("ecr", "'TS val N ecr M'");
                skipSpaces();
                final ScriptNumber echoReply;
                if (inbound && startsWithWord("echo"))
                {
                    pos += 4;
                    echoReply = ScriptNumber.ECHO;
                }
                else
                {
                    echoReply = parseNumber("TS ecr", MAX_U32, false, inbound);
                }
                return new TcpOption.Timestamps(value, echoReply);
            }
            case "opt":
            {
                skipSpaces();
                final int kind = (int)parseNumber("option kind", MAX_U8, false, true).value();
                skipSpaces();
                final byte[] data = atEnd() || peek() == ',' || peek() == '>' ? new byte[0] : parseHex();
                if (data.length > 38)
                {
                    throw error("option data of " + data.length + " bytes does not fit in 40 bytes of options");
                }
                return new TcpOption.Unknown(kind, data);
            }
            case "raw":
            {
                skipSpaces();
                return new TcpOption.Raw(parseHex());
            }
            default:
                pos = start;
                throw error(name.isEmpty() ? "expected an option" : "unknown option '" + name + "'" +
                    " (expected mss, wscale, sackOK, sack, TS, nop, eol, opt, raw)");
        }
    }

    private PayloadSpec parsePayload()
    {
        skipSpaces();
        if (atEnd())
        {
            throw error("'data' needs pattern, \"text\" or hex HEX");
        }
        if (peek() == '"')
        {
            final int start = pos;
            final byte[] bytes = parseQuoted();
            return PayloadSpec.bytes(bytes, "data " + text.substring(start, pos));
        }
        final int start = pos;
        final String kind = readWord();
        if (kind.equals("pattern"))
        {
            return PayloadSpec.PATTERN;
        }
        if (kind.equals("hex"))
        {
            skipSpaces();
            return PayloadSpec.hex(parseHex());
        }
        pos = start;
        throw error("'data' needs pattern, \"text\" or hex HEX");
    }

    /** A double-quoted string with escapes \\ \" \n \r \t \0 \xHH, as ISO-8859-1 bytes. */
    private byte[] parseQuoted()
    {
        pos++;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true)
        {
            if (atEnd())
            {
                throw error("unterminated string (missing '\"')");
            }
            final char c = peek();
            if (c == '"')
            {
                pos++;
                return bytes.toByteArray();
            }
            if (c == '\\')
            {
                pos++;
                if (atEnd())
                {
                    throw error("unterminated escape");
                }
                final char escaped = peek();
                switch (escaped)
                {
                    case '\\', '"' -> bytes.write(escaped);
                    case 'n' -> bytes.write('\n');
                    case 'r' -> bytes.write('\r');
                    case 't' -> bytes.write('\t');
                    case '0' -> bytes.write(0);
                    case 'x' ->
                    {
                        if (pos + 2 >= end || Character.digit(text.charAt(pos + 1), 16) < 0 ||
                            Character.digit(text.charAt(pos + 2), 16) < 0)
                        {
                            throw error("\\x needs two hex digits");
                        }
                        bytes.write(Integer.parseInt(text.substring(pos + 1, pos + 3), 16));
                        pos += 2;
                    }
                    default -> throw error("unknown escape '\\" + escaped + "' (use \\\\ \\\" \\n \\r \\t \\0 \\xHH)");
                }
                pos++;
                continue;
            }
            if (c > 0xFF)
            {
                throw error("character '" + c + "' is not a byte; write it as \\xHH");
            }
            bytes.write(c);
            pos++;
        }
    }

    private byte[] parseHex()
    {
        final int start = pos;
        while (!atEnd() && Character.digit(peek(), 16) >= 0)
        {
            pos++;
        }
        if (pos == start)
        {
            throw error("expected hex digits");
        }
        if ((pos - start) % 2 != 0)
        {
            pos = start;
            throw error("odd number of hex digits");
        }
        return HexFormat.of().parseHex(text, start, pos);
    }

    /** Whether the text at the cursor is {@code word}, followed by a separator or the end. */
    private boolean startsWithWord(final String word)
    {
        if (!text.startsWith(word, pos))
        {
            return false;
        }
        final int after = pos + word.length();
        return after >= text.length() || !Character.isLetterOrDigit(text.charAt(after));
    }

    /**
     * {@code *}, {@code N} or (where {@code absoluteAllowed}) {@code =N}; {@code *} only in expected segments.
     */
    private ScriptNumber parseNumber(final String what, final long max, final boolean absoluteAllowed,
        final boolean inbound)
    {
        final int start = pos;
        if (atEnd())
        {
            throw error("expected the " + what);
        }
        if (peek() == '*')
        {
            if (inbound)
            {
                throw error("'*' matches any " + what + " in an expected segment ('>'); an injected segment " +
                    "('<') needs a value");
            }
            pos++;
            return ScriptNumber.ANY;
        }
        boolean absolute = false;
        if (peek() == '=')
        {
            if (!absoluteAllowed)
            {
                throw error("'=' (absolute) is only for sequence and acknowledgment numbers");
            }
            absolute = true;
            pos++;
        }
        final int digitsStart = pos;
        long value = 0;
        while (!atEnd() && isDigit(peek()))
        {
            value = value * 10 + (peek() - '0');
            pos++;
            if (value > max)
            {
                pos = start;
                throw error("the " + what + " is at most " + max);
            }
        }
        if (pos == digitsStart)
        {
            pos = start;
            throw error("expected the " + what + " (a number" + (inbound ? "" : " or *") + ")");
        }
        return absolute ? ScriptNumber.absolute(value) : ScriptNumber.of(value);
    }

    // ---- calls

    private ScriptEvent parseCall(final int number, final EventTime time, final String source)
    {
        skipSpaces();
        final int actionStart = pos;
        while (!atEnd() && !Character.isWhitespace(peek()))
        {
            pos++;
        }
        if (pos == actionStart)
        {
            throw error("'call' needs an action (listen, connect, write 1000, close, ...)");
        }
        final String action = text.substring(actionStart, pos);
        final List<String> arguments = new ArrayList<>();
        while (true)
        {
            skipSpaces();
            if (atEnd())
            {
                break;
            }
            if (peek() == '"')
            {
                arguments.add(new String(parseQuoted(), java.nio.charset.StandardCharsets.ISO_8859_1));
                requireSeparator("a quoted argument");
                continue;
            }
            final int start = pos;
            while (!atEnd() && !Character.isWhitespace(peek()))
            {
                pos++;
            }
            arguments.add(text.substring(start, pos));
        }
        return new ScriptEvent.Call(number, time, action, arguments, source);
    }

    // ---- characters

    /** Where a {@code //} comment starts outside a double-quoted string, or the line's length. */
    private static int commentStart(final String line)
    {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/')
            {
                return i;
            }
        }
        return line.length();
    }

    private boolean atEnd()
    {
        return pos >= end;
    }

    private char peek()
    {
        return text.charAt(pos);
    }

    private void skipSpaces()
    {
        while (!atEnd() && Character.isWhitespace(peek()))
        {
            pos++;
        }
    }

    /** Letters, digits, '-' and '_'. */
    private String readWord()
    {
        final int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '-' || peek() == '_'))
        {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void expectWord(final String word, final String context)
    {
        final int start = pos;
        if (!readWord().equals(word))
        {
            pos = start;
            throw error("expected '" + word + "' in " + context);
        }
    }

    private void expectChar(final char c, final String context)
    {
        if (atEnd() || peek() != c)
        {
            throw error("expected '" + c + "' " + context);
        }
        pos++;
    }

    private void expectEnd()
    {
        skipSpaces();
        if (!atEnd())
        {
            throw error("nothing may follow '> none' (a comment starts with //)");
        }
    }

    private void requireSeparator(final String after)
    {
        if (!atEnd() && !Character.isWhitespace(peek()))
        {
            throw error("expected a space after " + after);
        }
    }

    private void once(final boolean seen, final String field, final int column)
    {
        if (seen)
        {
            pos = column;
            throw error("'" + field + "' given twice");
        }
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private ScriptParseException error(final String problem)
    {
        return new ScriptParseException(scriptName, lineNumber, pos + 1, problem, text);
    }
}
