package io.ringstack.testsupport.script;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.ringstack.testsupport.script.FakeTarget.millis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner end to end against fake targets: what it injects, how it numbers, what it records. */
final class ScriptRunnerTest
{
    static ScriptResult run(final FakeTarget target, final String script)
    {
        return run(ScriptConfig.defaults(), target, script);
    }

    static ScriptResult run(final ScriptConfig config, final FakeTarget target, final String script)
    {
        return new ScriptRunner(config).run(Script.parse("test.pkt", script), target);
    }

    static ScriptFailure fails(final FakeTarget target, final String script)
    {
        return fails(ScriptConfig.defaults(), target, script);
    }

    static ScriptFailure fails(final ScriptConfig config, final FakeTarget target, final String script)
    {
        return assertThrows(ScriptFailure.class, () -> run(config, target, script));
    }

    /** Asserts that every fragment appears in the failure message, in order. */
    static void assertMessage(final ScriptFailure failure, final String... fragments)
    {
        final String message = failure.getMessage();
        int from = 0;
        for (final String fragment : fragments)
        {
            final int at = message.indexOf(fragment, from);
            assertTrue(at >= 0, "missing (in order) '" + fragment + "' in:\n" + message);
            from = at + fragment.length();
        }
    }

    @Test
    void theDocumentedExampleRunsAgainstAToyServer()
    {
        final ToyServer server = new ToyServer();
        final FakeTarget target = new FakeTarget(5_000_000_000L);
        target.onInject = frame ->
        {
            final List<FakeTarget.Reply> replies = new ArrayList<>(server.apply(frame));
            if (TestFrames.parse(frame).payload().length > 0)
            {
                // a reset, 1.5 s after the data: the script's '* > R 1:1(0)'
                replies.add(new FakeTarget.Reply(millis(1500), TestFrames.fromStack().flags(TcpFlags.RST)
                    .seq(server.isn + 1).window(0).frame()));
            }
            return replies;
        };
        final List<String> live = new ArrayList<>();
        final ScriptConfig config = ScriptConfig.builder().traceSink(live::add).build();
        final ScriptResult result = new ScriptRunner(config).run(
            Script.fromResource(ScriptRunnerTest.class, "handshake.pkt"), target);

        assertEquals(List.of("listen 8080", "accept"), target.calls);
        assertEquals(List.of(0L, millis(100), millis(300)), target.injectedAt);
        final TestFrames.Parsed syn = TestFrames.parse(target.injected.get(0));
        assertEquals(TcpFlags.SYN, syn.flags());
        assertEquals(0, syn.seq(), "peer ISN 0 by default: the script's numbers are the wire's");
        assertEquals(65535, syn.window());
        assertEquals("020405b4" + "0402" + "080a" + "00000064" + "00000000" + "01" + "030307",
            HexFormat.of().formatHex(syn.options()));
        final TestFrames.Parsed ack = TestFrames.parse(target.injected.get(1));
        assertEquals(0xFFFF_FF01L, ack.ack(), "ack 1 is the stack's ISN + 1");
        assertEquals(257, ack.window());
        final TestFrames.Parsed data = TestFrames.parse(target.injected.get(2));
        assertEquals(TcpFlags.PSH | TcpFlags.ACK, data.flags());
        assertEquals(1, data.seq());
        assertArrayEquals(PayloadPattern.bytes(0, 1000), data.payload(), "data is the pattern from stream offset 0");
        for (final byte[] frame : target.injected)
        {
            final TestFrames.Parsed parsed = TestFrames.parse(frame);
            assertTrue(parsed.ipVerifies() && parsed.tcpVerifies(), "checksums verify independently");
            assertEquals(TestFrames.PEER_MAC, parsed.sourceMac());
            assertEquals(TestFrames.STACK_MAC, parsed.destinationMac());
            assertEquals(TestFrames.PEER_IP, parsed.source());
            assertEquals(TestFrames.STACK_IP, parsed.destination());
            assertEquals(TestFrames.PEER_PORT, parsed.sourcePort());
            assertEquals(TestFrames.STACK_PORT, parsed.destinationPort());
            assertEquals(64, parsed.ttl());
        }
        assertEquals(60, target.injected.get(1).length, "a 54-byte ACK padded to Ethernet's minimum");

        final String trace = result.traceText();
        assertTrue(trace.contains("0.000000 >    line 4      S. 0:0(0) ack 1 win 64240 " +
            "<mss 1460,sackOK,TS val 7 ecr 100,nop,wscale 7>"), trace);
        assertTrue(trace.contains("0.340000 >    line 8      . 1:1(0) ack 1001 win 64240"), trace);
        assertTrue(trace.contains("1.800000 >    line 10     R 1:1(0) win 0"), trace);
        assertTrue(trace.contains("0.300000 <    line 7      P. 1:1001(1000) ack 1 win 257"), trace);
        assertTrue(trace.contains("0.100000 call line 6      accept"), trace);
        assertEquals(8, result.trace().size(), "2 calls, 3 segments each way");
        assertEquals(trace, String.join("\n", live) + "\n", "the live sink saw every line, in order");
        assertEquals(millis(1800), result.endNanos());
        assertTrue(result.ignoredFrames().isEmpty());
    }

    @Test
    void peerIsnPortsAndAbsoluteNumbersReachTheWire()
    {
        final FakeTarget target = new FakeTarget();
        final ScriptConfig config = ScriptConfig.builder().peerIsn(0xFFFF_FFFEL).stackPort(80).peerPort(1234)
            .peer("0a:00:00:00:00:09", "192.0.2.9").stack("0a:00:00:00:00:01", "192.0.2.1").timeToLive(9)
            .peerWindow(1000).padFrames(false).build();
        run(config, target, """
            0   < S 0:0(0)
            +0  < . 1:3(2) ack 0 data "hi"
            +0  < R =77:=77(0) sport 5 dport 6
            +0  < F. 3:3(0) ack =99 win 7 urg 3
            """);
        final TestFrames.Parsed syn = TestFrames.parse(target.injected.get(0));
        assertEquals(0xFFFF_FFFEL, syn.seq());
        assertEquals(1000, syn.window(), "the configured default window");
        assertEquals(9, syn.ttl());
        assertEquals(Addresses.ipv4("192.0.2.9"), syn.source());
        assertEquals(Addresses.mac("0a:00:00:00:00:01"), syn.destinationMac());
        assertEquals(1234, syn.sourcePort());
        assertEquals(80, syn.destinationPort());
        assertEquals(54, syn.frameLength(), "no padding when padFrames is off");
        final TestFrames.Parsed data = TestFrames.parse(target.injected.get(1));
        assertEquals(0xFFFF_FFFFL, data.seq(), "relative 1 wraps: peer ISN 2^32-2 + 1");
        assertEquals(0, data.ack(), "no stack ISN known yet: ack as written");
        assertArrayEquals("hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII), data.payload());
        final TestFrames.Parsed rst = TestFrames.parse(target.injected.get(2));
        assertEquals(77, rst.seq(), "=77 is absolute");
        assertEquals(5, rst.sourcePort());
        assertEquals(6, rst.destinationPort());
        final TestFrames.Parsed fin = TestFrames.parse(target.injected.get(3));
        assertEquals(1, fin.seq(), "3 + (2^32 - 2) mod 2^32");
        assertEquals(99, fin.ack());
        assertEquals(7, fin.window());
        assertEquals(3, fin.urgent());
        for (final byte[] frame : target.injected)
        {
            assertTrue(TestFrames.parse(frame).ipVerifies() && TestFrames.parse(frame).tcpVerifies());
        }
    }

    @Test
    void injectsWrongChecksumsOnRequestOnly()
    {
        final FakeTarget target = new FakeTarget();
        run(target, """
            0   < S 0:0(0) bad-checksum
            +0  < S 0:0(0) bad-ip-checksum
            +0  < S 0:0(0) bad-checksum bad-ip-checksum
            +0  < S 0:0(0)
            """);
        final List<TestFrames.Parsed> frames = target.injected.stream().map(TestFrames::parse).toList();
        assertFalse(frames.get(0).tcpVerifies());
        assertTrue(frames.get(0).ipVerifies());
        assertTrue(frames.get(1).tcpVerifies());
        assertFalse(frames.get(1).ipVerifies());
        assertFalse(frames.get(2).tcpVerifies() || frames.get(2).ipVerifies());
        assertTrue(frames.get(3).tcpVerifies() && frames.get(3).ipVerifies());
        // only the checksum fields differ from the good frame
        final byte[] good = target.injected.get(3);
        final byte[] badTcp = target.injected.get(0);
        for (int i = 0; i < good.length; i++)
        {
            if (i != 50 && i != 51 && i != 18 && i != 19 && i != 24 && i != 25)
            {
                assertEquals(good[i], badTcp[i], "byte " + i);
            }
        }
    }

    @Test
    void dataPatternContinuesAcrossSegmentsAndFollowsTheSynsSequenceNumber()
    {
        final FakeTarget target = new FakeTarget();
        run(target, """
            0   < S 1000:1000(0)
            +0  < . 1001:1101(100) ack 0
            +0  < . 1101:1151(50) ack 0
            +0  < . 1051:1061(10) ack 0
            """);
        assertArrayEquals(PayloadPattern.bytes(0, 100), TestFrames.parse(target.injected.get(1)).payload());
        assertArrayEquals(PayloadPattern.bytes(100, 50), TestFrames.parse(target.injected.get(2)).payload());
        assertArrayEquals(PayloadPattern.bytes(50, 10), TestFrames.parse(target.injected.get(3)).payload(),
            "a retransmission carries the same bytes");
        assertFalse(java.util.Arrays.equals(PayloadPattern.bytes(0, 10), PayloadPattern.bytes(1, 10)));
    }

    @Test
    void learnsTheStacksIsnFromItsSynAckAndNumbersRelativeToIt()
    {
        final ToyServer server = new ToyServer();
        server.isn = 123_456_789;
        final FakeTarget target = new FakeTarget();
        target.onInject = server;
        final String script = """
            0     < S 0:0(0) win 1000
            +0    > S. 0:0(0) ack 1 win 64240 <mss 1460>
            +0.1  < P. 1:11(10) ack 1
            +0.04 > . 1:1(0) ack 11
            """;
        run(target, script);
        final TestFrames.Parsed data = TestFrames.parse(target.injected.get(1));
        assertEquals(123_456_790L, data.ack(), "ack 1 = ISN + 1 on the wire");

        // the same stack with its ACK one off: reported relative, as the script wrote it
        final FakeTarget offByOne = new FakeTarget();
        final ToyServer server2 = new ToyServer();
        offByOne.onInject = frame -> TestFrames.parse(frame).payload().length == 0 ? server2.apply(frame) :
            List.of(new FakeTarget.Reply(millis(40), TestFrames.fromStack().seq(server2.isn + 2).ack(11)
                .window(64240).frame()));
        final ScriptFailure failure = fails(offByOne, script);
        assertEquals(4, failure.line());
        assertMessage(failure, "test.pkt:4: segment differs", "+0.04 > . 1:1(0) ack 11",
            "expected: > . 1:1(0) ack 11", "actual:   > . 2:2(0) ack 11 win 64240", "differs:  seq 2 (expected 1)");
    }

    @Test
    void absoluteNumbersInExpectedSegmentsAreCheckedAsTheyAre()
    {
        final ToyServer server = new ToyServer();
        final FakeTarget target = new FakeTarget();
        target.onInject = server;
        run(target, "0 < S 0:0(0)\n+0 > S. =4294967040:=4294967040(0) ack =1 <*>");
        final FakeTarget again = new FakeTarget();
        again.onInject = new ToyServer();
        final ScriptFailure failure = fails(again, "0 < S 0:0(0)\n+0 > S. =5:=5(0) ack =1 <*>");
        assertMessage(failure, "differs:  seq =4294967040 (expected =5)");
    }

    @Test
    void aNewIncarnationTeachesANewIsnButARetransmissionMayNotChangeIt()
    {
        final FakeTarget target = new FakeTarget();
        final long[] isns = {1000, 900_000};
        final int[] syns = {0};
        target.onInject = frame ->
        {
            final TestFrames.Parsed in = TestFrames.parse(frame);
            final long isn = isns[syns[0]++];
            return List.of(new FakeTarget.Reply(0, TestFrames.fromStack().flags(TcpFlags.SYN).seq(isn)
                .ack(in.seq() + 1).frame()), new FakeTarget.Reply(millis(10), TestFrames.fromStack().seq(isn + 1)
                .ack(in.seq() + 1).frame()));
        };
        run(target, """
            0     < S 0:0(0)
            +0    > S. 0:0(0) ack 1
            +0.01 > . 1:1(0) ack 1
            +1    < S 5000:5000(0)      // TIME-WAIT reuse: a new SYN, higher sequence number
            +0    > S. 0:0(0) ack 5001  // the stack's new ISN is learned
            +0.01 > . 1:1(0) ack 5001
            """);

        final FakeTarget retransmitting = new FakeTarget();
        retransmitting.onInject = frame -> List.of(
            new FakeTarget.Reply(0, TestFrames.fromStack().flags(TcpFlags.SYN).seq(1000).ack(1).frame()),
            new FakeTarget.Reply(millis(1000), TestFrames.fromStack().flags(TcpFlags.SYN).seq(1007).ack(1).frame()));
        final ScriptFailure failure = fails(retransmitting, """
            0     < S 0:0(0)
            +0    > S. 0:0(0) ack 1
            +1    > S. 0:0(0) ack 1     // a retransmitted SYN-ACK must keep the ISN
            """);
        assertMessage(failure, "test.pkt:3: segment differs", "actual:   > S. 7:7(0) ack 1",
            "differs:  seq 7 (expected 0)");
    }

    @Test
    void sackEdgesAreRelativeToTheSideWhoseDataTheyCover()
    {
        final FakeTarget target = new FakeTarget();
        final long stackIsn = 0x8000_0000L;
        target.onInject = frame ->
        {
            final TestFrames.Parsed in = TestFrames.parse(frame);
            if ((in.flags() & TcpFlags.SYN) != 0)
            {
                return List.of(new FakeTarget.Reply(0, TestFrames.fromStack().flags(TcpFlags.SYN).seq(stackIsn)
                    .ack(in.seq() + 1).frame()));
            }
            // SACK 1001:2001 in the peer's space: peer ISN 1000000 + edges
            return List.of(new FakeTarget.Reply(0, TestFrames.fromStack().seq(stackIsn + 1).ack(1_000_001)
                .options("0101050a" + String.format("%08x%08x", 1_000_000 + 1001, 1_000_000 + 2001)).frame()));
        };
        final ScriptConfig config = ScriptConfig.builder().peerIsn(1_000_000).build();
        run(config, target, """
            0   < S 0:0(0)
            +0  > S. 0:0(0) ack 1
            +0  < . 2001:2001(0) ack 1 <nop,nop,sack 1:101>
            +0  > . 1:1(0) ack 1 <nop,nop,sack 1001:2001>
            """);
        final TestFrames.Parsed injected = TestFrames.parse(target.injected.get(1));
        assertEquals("0101050a" + String.format("%08x%08x", stackIsn + 1, stackIsn + 101),
            HexFormat.of().formatHex(injected.options()), "the peer's SACK covers the stack's data");

        final FakeTarget wrong = new FakeTarget();
        wrong.onInject = target.onInject;
        final ScriptFailure failure = fails(config, wrong, """
            0   < S 0:0(0)
            +0  > S. 0:0(0) ack 1
            +0  < . 1:1(0) ack 1
            +0  > . 1:1(0) ack 1 <nop,nop,sack 1001:2002>
            """);
        assertMessage(failure, "differs:  options <nop,nop,sack 1001:2001> (expected <nop,nop,sack 1001:2002>)");
    }

    @Test
    void callsGetTheirArgumentsAndFailuresNameTheLine()
    {
        final FakeTarget target = new FakeTarget();
        run(target, "0 call connect 198.18.0.2 40000\n+0.5 call write \"a b\"");
        assertEquals(List.of("connect 198.18.0.2 40000", "write a b"), target.calls);

        final FakeTarget refusing = new FakeTarget();
        refusing.onCall = (action, arguments) ->
        {
            throw new IllegalArgumentException("unknown action '" + action + "'");
        };
        final ScriptFailure failure = fails(refusing, "0 call listen 80\n+1 call frobnicate");
        assertEquals(1, failure.line());
        assertTrue(failure.getCause() instanceof IllegalArgumentException);
        assertMessage(failure, "test.pkt:1: call listen failed: java.lang.IllegalArgumentException: unknown action " +
            "'listen'", "    0 call listen 80");

        final FakeTarget throwing = new FakeTarget();
        throwing.onInject = frame ->
        {
            throw new IllegalStateException("receive path blew up");
        };
        final ScriptFailure injectFailure = fails(throwing, "0 call listen 80\n+1 < S 0:0(0)");
        assertEquals(2, injectFailure.line());
        assertMessage(injectFailure, "test.pkt:2: the target threw while receiving this segment: " +
            "java.lang.IllegalStateException: receive path blew up", "1.000000 <    line 2      S 0:0(0) win 65535");
    }

    @Test
    void aTargetThatDoesNotAdvanceIsReported()
    {
        final ScriptTarget stuck = new ScriptTarget()
        {
            @Override
            public long nowNanos()
            {
                return 0;
            }

            @Override
            public void advanceTo(final long nanos)
            {
            }

            @Override
            public void inject(final byte[] frame)
            {
            }

            @Override
            public byte[] pollTransmitted()
            {
                return null;
            }

            @Override
            public void call(final String action, final List<String> arguments)
            {
            }
        };
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> new ScriptRunner().run(Script.parse("0.5 call close"), stuck));
        assertTrue(error.getMessage().contains("left nowNanos() at 0"), error.getMessage());
    }

    @Test
    void theRunnerAdvancesInTicksAndStampsFramesWithTheTickTheyAppearedIn()
    {
        final FakeTarget target = new FakeTarget();
        target.sendAt(millis(4.5), TestFrames.fromStack().flags(TcpFlags.RST).frame());
        final ScriptConfig config = ScriptConfig.builder().tickNanos(millis(2)).toleranceNanos(millis(1)).build();
        final ScriptResult result = run(config, target, "0.006 > R 0:0(0) win 65535\n0.009 call close");
        assertEquals(List.of(millis(2), millis(4), millis(6), millis(8), millis(9)), target.advances,
            "2 ms ticks, the last one short to land on the event's time");
        assertTrue(result.traceText().contains("0.006000 >    line 1      R 0:0(0) win 65535"), result.traceText());
    }

    @Test
    void relativeTimesFollowTheActualTimeOfTheLastExpectedSegment()
    {
        final FakeTarget target = new FakeTarget();
        target.sendAt(millis(104), TestFrames.fromStack().flags(TcpFlags.RST).frame());
        run(target, "0 call listen\n+0.1 > R 0:0(0)\n+0.1 call close");
        assertEquals(List.of("listen", "close"), target.calls);
        final ScriptResult result = run(new FakeTarget().sendAt(millis(104), TestFrames.fromStack()
            .flags(TcpFlags.RST).frame()), "0 call listen\n+0.1 > R 0:0(0)\n+0.1 call close");
        assertTrue(result.traceText().contains("0.204000 call line 3      close"), result.traceText());
    }
}
