package io.ringstack.testsupport.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every element of the script language, and the errors with their line and column. */
final class ScriptParserTest
{
    private static ScriptEvent only(final String line)
    {
        final List<ScriptEvent> events = Script.parse("t.pkt", line).events();
        assertEquals(1, events.size(), line);
        return events.getFirst();
    }

    private static SegmentSpec inject(final String line)
    {
        return assertInstanceOf(ScriptEvent.Inject.class, only(line)).segment();
    }

    private static SegmentSpec expect(final String line)
    {
        return assertInstanceOf(ScriptEvent.Expect.class, only(line)).segment();
    }

    @Test
    void parsesTheExampleScriptFromTheClasspath()
    {
        final Script script = Script.fromResource(ScriptParserTest.class, "handshake.pkt");
        assertEquals("io/ringstack/testsupport/script/handshake.pkt", script.name());
        final List<ScriptEvent> events = script.events();
        assertEquals(9, events.size());
        final ScriptEvent.Call listen = assertInstanceOf(ScriptEvent.Call.class, events.get(0));
        assertEquals(2, listen.line());
        assertEquals("listen", listen.action());
        assertEquals(List.of("8080"), listen.arguments());
        assertEquals(EventTime.absolute(0), listen.time());

        final ScriptEvent.Inject syn = assertInstanceOf(ScriptEvent.Inject.class, events.get(1));
        assertEquals(EventTime.relative(0), syn.time());
        assertEquals(TcpFlags.SYN, syn.segment().flags());
        assertEquals(ScriptNumber.of(65535), syn.segment().window());
        assertEquals(List.of(new TcpOption.MaximumSegmentSize(ScriptNumber.of(1460)), new TcpOption.SackPermitted(),
            new TcpOption.Timestamps(ScriptNumber.of(100), ScriptNumber.of(0)), new TcpOption.NoOperation(),
            new TcpOption.WindowScale(ScriptNumber.of(7))), syn.segment().options());

        final SegmentSpec synAck = assertInstanceOf(ScriptEvent.Expect.class, events.get(2)).segment();
        assertEquals(TcpFlags.SYN | TcpFlags.ACK, synAck.flags());
        assertEquals(ScriptNumber.of(1), synAck.acknowledgment());
        assertEquals(ScriptNumber.ANY, synAck.window());
        assertEquals(new TcpOption.Timestamps(ScriptNumber.ANY, ScriptNumber.of(100)), synAck.options().get(2));
        assertEquals(new TcpOption.WindowScale(ScriptNumber.ANY), synAck.options().get(4));

        final ScriptEvent.Inject data = assertInstanceOf(ScriptEvent.Inject.class, events.get(5));
        assertEquals(EventTime.relative(200_000_000), data.time());
        assertEquals(ScriptNumber.of(1), data.segment().sequence());
        assertEquals(ScriptNumber.of(1001), data.segment().end());
        assertEquals(ScriptNumber.of(1000), data.segment().length());
        assertEquals(EventTime.relative(40_000_000), events.get(6).time());

        final ScriptEvent.ExpectNone none = assertInstanceOf(ScriptEvent.ExpectNone.class, events.get(7));
        assertEquals(EventTime.relative(1_000_000_000), none.time());
        assertEquals("+1.0   > none", none.source(), "the source without its comment");

        final ScriptEvent.Expect rst = assertInstanceOf(ScriptEvent.Expect.class, events.get(8));
        assertEquals(EventTime.ANY, rst.time());
        assertEquals(TcpFlags.RST, rst.segment().flags());
        assertEquals(List.of(), rst.segment().options(), "no options written: none expected");
        assertNull(rst.segment().window(), "no win written: not checked");
        assertNull(rst.segment().acknowledgment());
    }

    @Test
    void loadsByAbsoluteResourceNameAndFromFiles(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        assertEquals(9, Script.fromResource("io/ringstack/testsupport/script/handshake.pkt").events().size());
        assertEquals(9, Script.fromResource(ScriptParserTest.class, "/io/ringstack/testsupport/script/handshake.pkt")
            .events().size());
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> Script.fromResource("no/such.pkt"));
        assertTrue(missing.getMessage().contains("no script resource 'no/such.pkt'"), missing.getMessage());
        final java.nio.file.Path file = dir.resolve("one.pkt");
        java.nio.file.Files.writeString(file, "0 call close\n");
        final Script script = Script.fromFile(file);
        assertEquals(file.toString(), script.name());
        assertEquals("close", ((ScriptEvent.Call)script.events().getFirst()).action());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0           | ABSOLUTE | 0          | 0",
        "0.100       | ABSOLUTE | 100000000  | 100000000",
        ".5          | ABSOLUTE | 500000000  | 500000000",
        "12          | ABSOLUTE | 12000000000 | 12000000000",
        "1.000000001 | ABSOLUTE | 1000000001 | 1000000001",
        "+0.1        | RELATIVE | 100000000  | 100000000",
        "+.25        | RELATIVE | 250000000  | 250000000",
        "+0          | RELATIVE | 0          | 0",
        "0.2~0.4     | ABSOLUTE | 200000000  | 400000000",
        "+0.2~+0.25  | RELATIVE | 200000000  | 250000000",
    })
    void parsesTimes(final String time, final EventTime.Kind kind, final long nanos, final long end)
    {
        final EventTime parsed = only(time + " > S 0:0(0)").time();
        assertEquals(kind, parsed.kind());
        assertEquals(nanos, parsed.nanos());
        assertEquals(end, parsed.rangeEndNanos());
        assertEquals(time.contains("~"), parsed.range());
        assertEquals(EventTime.ANY, only("* > S 0:0(0)").time());
    }

    @Test
    void parsesEveryFlagInAnyOrder()
    {
        assertEquals(TcpFlags.FIN | TcpFlags.SYN | TcpFlags.RST | TcpFlags.PSH | TcpFlags.ACK | TcpFlags.URG |
            TcpFlags.ECE | TcpFlags.CWR, expect("0 > WEU.PRSF 0:0(0)").flags());
        assertEquals("FSRP.UEW", TcpFlags.text(0xFF));
        assertEquals(expect("0 > S. 0:0(0)").flags(), expect("0 > .S 0:0(0)").flags());
        assertEquals(TcpFlags.SYN | TcpFlags.ECE | TcpFlags.CWR, inject("0 < SEW 0:0(0)").flags());
        assertEquals(0, inject("0 < - 5:5(0)").flags());
        assertEquals("-", TcpFlags.text(0));
        assertEquals("FP.", TcpFlags.text(inject("0 < P.F 1:2(1) ack 1").flags()));
    }

    @Test
    void parsesNumbersWildcardsAndAbsoluteSequenceNumbers()
    {
        final SegmentSpec rst = inject("0 < R =4294967295:=4294967295(0) win 0");
        assertEquals(ScriptNumber.absolute(4294967295L), rst.sequence());
        assertEquals(ScriptNumber.absolute(4294967295L), rst.end());
        final SegmentSpec wrapped = inject("0 < P. 4294967200:100(196) ack =7");
        assertEquals(ScriptNumber.of(100), wrapped.end(), "the end wraps modulo 2^32");
        assertEquals(ScriptNumber.absolute(7), wrapped.acknowledgment());
        final SegmentSpec any = expect("0 > P. *:*(*) ack * win * urg *");
        assertTrue(any.sequence().any() && any.end().any() && any.length().any());
        assertTrue(any.acknowledgment().any() && any.window().any() && any.urgentPointer().any());
        assertEquals(ScriptNumber.of(1000), expect("0 > P. *:*(1000)").length());
        assertEquals(ScriptNumber.of(3), inject("0 < P. 1:1(0) ack 1 urg 3").urgentPointer());
    }

    @Test
    void parsesEveryOption()
    {
        final SegmentSpec spec = inject("0 < S 0:0(0) <mss 536, wscale 14,sackOK,TS val 4294967295 ecr 1,nop,eol>");
        assertEquals(List.of(new TcpOption.MaximumSegmentSize(ScriptNumber.of(536)),
            new TcpOption.WindowScale(ScriptNumber.of(14)), new TcpOption.SackPermitted(),
            new TcpOption.Timestamps(ScriptNumber.of(4294967295L), ScriptNumber.of(1)), new TcpOption.NoOperation(),
            new TcpOption.EndOfOptionList()), spec.options());
        final SegmentSpec sack = inject("0 < . 1:1(0) ack 1 <nop,nop,sack 1001:2001 =5:=9>");
        assertEquals(new TcpOption.Sack(List.of(
            new TcpOption.SackBlock(ScriptNumber.of(1001), ScriptNumber.of(2001)),
            new TcpOption.SackBlock(ScriptNumber.absolute(5), ScriptNumber.absolute(9)))), sack.options().get(2));
        final SegmentSpec raw = inject("0 < S 0:0(0) <opt 253 0aFF,opt 254,raw 0205>");
        assertEquals(new TcpOption.Unknown(253, new byte[]{0x0A, (byte)0xFF}), raw.options().get(0));
        assertEquals(new TcpOption.Unknown(254, new byte[0]), raw.options().get(1));
        assertEquals(new TcpOption.Raw(new byte[]{2, 5}), raw.options().get(2));
        assertNull(expect("0 > S. 0:0(0) <*>").options(), "<*>: any options");
        assertEquals(List.of(), expect("0 > S. 0:0(0) <>").options());
        assertEquals(List.of(new TcpOption.Timestamps(ScriptNumber.ANY, ScriptNumber.ANY)),
            expect("0 > . 1:1(0) <TS val * ecr *>").options());
    }

    @Test
    void parsesPayloadsPortsAndCorruption()
    {
        final SegmentSpec text = inject("0 < P. 1:9(8) ack 1 data \"A\\x42\\n\\\"//\\\\\\0\"  // a comment");
        assertArrayEquals(new byte[]{'A', 'B', '\n', '"', '/', '/', '\\', 0}, text.payload().bytes());
        final SegmentSpec hex = inject("0 < P. 1:4(3) ack 1 data hex 00ff7f");
        assertArrayEquals(new byte[]{0, (byte)0xFF, 0x7F}, hex.payload().bytes());
        assertTrue(inject("0 < P. 1:4(3) ack 1 data pattern").payload().isPattern());
        assertNull(inject("0 < P. 1:4(3) ack 1").payload());
        final SegmentSpec ports = inject("0 < S 0:0(0) sport 1 dport 65535 bad-checksum bad-ip-checksum");
        assertEquals(1, ports.sourcePort());
        assertEquals(65535, ports.destinationPort());
        assertTrue(ports.badChecksum());
        assertTrue(ports.badIpChecksum());
        final SegmentSpec plain = inject("0 < S 0:0(0)");
        assertEquals(-1, plain.sourcePort());
        assertFalse(plain.badChecksum() || plain.badIpChecksum());
        final SegmentSpec fields = inject("0 < S 0:0(0) <mss 1> win 5 ack 9");
        assertEquals(ScriptNumber.of(5), fields.window(), "fields in any order");
        assertEquals(ScriptNumber.of(9), fields.acknowledgment());
    }

    @Test
    void parsesCallsCommentsBlankLinesAndCrlf()
    {
        final List<ScriptEvent> events = Script.parse("calls.pkt",
            "// header\r\n\r\n   \t\r\n0 call write 1000\r\n+0.5 call send \"two words\" x  // trailing\r\n" +
            "+0 call close").events();
        assertEquals(3, events.size());
        final ScriptEvent.Call write = (ScriptEvent.Call)events.get(0);
        assertEquals(4, write.line());
        assertEquals("write", write.action());
        assertEquals(List.of("1000"), write.arguments());
        final ScriptEvent.Call send = (ScriptEvent.Call)events.get(1);
        assertEquals(List.of("two words", "x"), send.arguments());
        assertEquals(EventTime.relative(500_000_000), send.time());
        assertEquals(List.of(), ((ScriptEvent.Call)events.get(2)).arguments());
    }

    /** A segment's text parses back to the same segment: failure messages speak the script's language. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>",
        "S. 0:0(0) ack 1 win * <mss *,sackOK,TS val * ecr 100,nop,wscale *>",
        "P. 1:1001(1000) ack 1 win 257 data pattern",
        "R =5:=5(0) ack =7 urg 0 <*> sport 1 dport 2",
        ". *:*(*) ack * <nop,nop,sack 1:2 3:4,opt 253 0aff,raw 02>",
        "F. 1:4(3) ack 1 data hex 616263",
    })
    void segmentTextParsesBackToTheSameSegment(final String segment)
    {
        final SegmentSpec spec = expect("0 > " + segment);
        assertEquals(segment, spec.toString());
        assertEquals(spec, expect("0 > " + spec));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // line                                              | column | message
        "x < S 0:0(0)                                       | 1  | expected a time in seconds",
        "0.1.2 < S 0:0(0)                                   | 4  | expected a space after the time",
        "0.1234567891 > S 0:0(0)                            | 12 | more than 9 decimals",
        "0 ! S 0:0(0)                                       | 3  | expected '<' (inject), '>' (expect) or 'call'",
        "0                                                  | 2  | expected '<', '>' or 'call' after the time",
        "0 < Q 0:0(0)                                       | 5  | 'Q' is not a flag",
        "0 < SS 0:0(0)                                      | 6  | flag 'S' given twice",
        "0 < S- 0:0(0)                                      | 5  | '-' (no flags) stands alone",
        "0 < S 0 0(0)                                       | 8  | expected ':' between the start and the end",
        "0 < S 0:0 (0)                                      | 10 | expected '(' after the end sequence number",
        "0 < S 0:0(0                                        | 12 | expected ')' after the payload length",
        "0 < S 0:0(1)                                       | 9  | end 0 - start 0 = 0, but the length says 1",
        "0 < S =0:0(0)                                      | 10 | both absolute (=N:=M) or both relative",
        "0 < S 4294967296:0(0)                              | 7  | the start sequence number is at most 4294967295",
        "0 < S *:0(0)                                       | 7  | an injected segment ('<') needs a value",
        "0 < . 1:1(0)                                       | 5  | an injected segment with ACK ('.') needs 'ack N'",
        "0 < S 0:0(0) win 70000                             | 18 | the window is at most 65535",
        "0 < S 0:0(0) win =5                                | 18 | '=' (absolute) is only for sequence",
        "0 < S 0:0(0) win                                   | 17 | expected the window",
        "0 < S 0:0(0) ack 1 ack 2                           | 20 | 'ack' given twice",
        "0 < S 0:0(0) frob                                  | 14 | unknown field 'frob'",
        "0 < S 0:0(0) <mss 1460                             | 23 | options end with '>'",
        "0 < S 0:0(0) <mss 1460;                            | 23 | expected ',' or '>' after an option",
        "0 < S 0:0(0) <foo 1>                               | 15 | unknown option 'foo'",
        "0 < S 0:0(0) <TS 1 ecr 2>                          | 18 | expected 'val' in 'TS val N ecr M'",
        "0 < S 0:0(0) <sack>                                | 19 | 'sack' needs at least one block",
        "0 < S 0:0(0) <raw 123>                             | 19 | odd number of hex digits",
        "0 < S 0:0(0) <*>                                   | 15 | '<*>' (any options) is for expected segments",
        "0 < S 0:0(0) <TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,mss 1> | 14 | options take 44 bytes",
        "0 < P. 1:3(2) ack 1 data \"abc\"                   | 21 | data has 3 bytes, but the length says 2",
        "0 < P. 1:3(2) ack 1 data \"ab                      | 29 | unterminated string",
        "0 < P. 1:3(2) ack 1 data \"a\\q\"                  | 29 | unknown escape '\\q'",
        "0 < P. 1:3(2) ack 1 data words                     | 26 | 'data' needs pattern",
        "0 > S 0:0(0) bad-checksum                          | 14 | is for injected segments ('<')",
        "* < S 0:0(0)                                       | 1  | '*' (any time) is only for an expected segment",
        "0.1~0.2 call close                                 | 1  | a time range 'a~b' is only for an expected segment",
        "0.2~0.1 > S 0:0(0)                                 | 5  | the end of the time range is before its start",
        "0.1~+0.2 > S 0:0(0)                                | 5  | both ends of a time range are absolute",
        "0 > none at all                                    | 10 | nothing may follow '> none'",
        "0 call                                             | 7  | 'call' needs an action",
    })
    void errorsNameLineAndColumn(final String line, final int column, final String message)
    {
        final String script = "// first line\n" + line.stripTrailing();
        final ScriptParseException error = assertThrows(ScriptParseException.class,
            () -> Script.parse("bad.pkt", script));
        assertEquals(2, error.line(), error.getMessage());
        assertEquals(column, error.column(), error.getMessage());
        assertTrue(error.problem().contains(message), error.getMessage());
        assertEquals("bad.pkt", error.scriptName());
        final String[] lines = error.getMessage().split("\n");
        assertEquals("bad.pkt:2:" + column + ": " + error.problem(), lines[0]);
        assertEquals("    " + line.stripTrailing(), lines[1]);
        assertEquals(column + 4, lines[2].length(), "the caret sits under the column:\n" + error.getMessage());
        assertTrue(lines[2].endsWith("^"));
    }

    @Test
    void theLargestInjectedSegmentFitsInAnIpv4Packet()
    {
        assertEquals(ScriptNumber.of(65495), inject("0 < P. 1:65496(65495) ack 1").length());
        final ScriptParseException error = assertThrows(ScriptParseException.class,
            () -> Script.parse("0 < P. 1:65497(65496) ack 1"));
        assertTrue(error.problem().contains("an IPv4 packet of 65536 bytes exceeds 65535"), error.getMessage());
        assertEquals(ScriptNumber.of(65535), expect("0 > P. 1:65536(65535) ack 1").length(),
            "expected segments are not limited: the stack's are checked as they come");
    }

    @Test
    void absoluteTimesNeverGoBackwards()
    {
        final ScriptParseException error = assertThrows(ScriptParseException.class,
            () -> Script.parse("order.pkt", "1 call a\n+5 call b\n0.5 call c"));
        assertEquals(3, error.line());
        assertEquals(1, error.column());
        assertTrue(error.problem().contains("time 0.5 is before the previous absolute time 1"), error.getMessage());
        assertEquals(3, Script.parse("1 call a\n+5 call b\n1 call c").events().size(), "equal times are fine");
    }

    @Test
    void caretKeepsTabs()
    {
        final ScriptParseException error = assertThrows(ScriptParseException.class,
            () -> Script.parse("tab.pkt", "0\t<\tQ 0:0(0)"));
        assertEquals(5, error.column());
        assertTrue(error.getMessage().endsWith("\n     \t \t^"), error.getMessage());
    }
}
