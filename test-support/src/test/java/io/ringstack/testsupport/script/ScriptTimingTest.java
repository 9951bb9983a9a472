package io.ringstack.testsupport.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.ringstack.testsupport.script.FakeTarget.millis;
import static io.ringstack.testsupport.script.ScriptRunnerTest.assertMessage;
import static io.ringstack.testsupport.script.ScriptRunnerTest.fails;
import static io.ringstack.testsupport.script.ScriptRunnerTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When segments must appear: the tolerance around a time, ranges, any time, {@code > none}, and segments nobody
 * expects. The stack's side is a fake that sends a bare ACK at a chosen time.
 */
final class ScriptTimingTest
{
    /** Data in at 0, an ACK expected 40 ms later (default tolerance 5 ms). */
    private static final String DELAYED_ACK = """
        0     < P. 1:11(10) ack 1
        +0.04 > . 1:1(0) ack 11
        """;

    private static byte[] ack()
    {
        return TestFrames.fromStack().seq(1).ack(11).frame();
    }

    private static FakeTarget ackAt(final double... millisList)
    {
        final FakeTarget target = new FakeTarget();
        for (final double at : millisList)
        {
            target.sendAt(millis(at), ack());
        }
        return target;
    }

    @ParameterizedTest
    @ValueSource(doubles = {35, 37.5, 40, 44, 45})
    void anExpectedSegmentWithinTheToleranceMatches(final double at)
    {
        final ScriptResult result = run(ackAt(at), DELAYED_ACK);
        assertTrue(result.traceText().contains(">    line 2      . 1:1(0) ack 11 win 65535"), result.traceText());
    }

    @Test
    void tooEarly()
    {
        final ScriptFailure failure = fails(ackAt(34), DELAYED_ACK);
        assertEquals(2, failure.line());
        assertMessage(failure,
            "test.pkt:2: segment sent at the wrong time, 1.000 ms too early\n",
            "    +0.04 > . 1:1(0) ack 11\n",
            "  expected: > . 1:1(0) ack 11   at 0.040000 (+/-5.000 ms: 0.035000..0.045000)\n",
            "  actual:   > . 1:1(0) ack 11 win 65535   at 0.034000, 1.000 ms too early\n",
            "trace (all 2, oldest first",
            "0.000000 <    line 1      P. 1:11(10) ack 1 win 65535\n",
            "0.034000 >    mistimed    . 1:1(0) ack 11 win 65535\n");
    }

    @Test
    void tooLate()
    {
        final ScriptFailure failure = fails(ackAt(46), DELAYED_ACK);
        assertMessage(failure,
            "test.pkt:2: expected segment not sent in time; the next segment came 1.000 ms too late\n",
            "  expected: > . 1:1(0) ack 11   at 0.040000",
            "  actual:   > . 1:1(0) ack 11 win 65535   at 0.046000, 1.000 ms too late\n",
            "0.046000 >    late        . 1:1(0) ack 11 win 65535");
    }

    @Test
    void missing()
    {
        final ScriptFailure failure = fails(ackAt(), DELAYED_ACK);
        assertMessage(failure, "test.pkt:2: expected segment not sent\n",
            "  expected: > . 1:1(0) ack 11   at 0.040000 (+/-5.000 ms: 0.035000..0.045000)\n",
            "  actual:   nothing sent up to 1.045000\n");
        final ScriptFailure beyondLookahead = fails(ackAt(1046), DELAYED_ACK);
        assertMessage(beyondLookahead, "expected segment not sent\n", "nothing sent up to 1.045000");
    }

    @Test
    void anExtraSegmentBeforeTheNextLineIsUnexpected()
    {
        final ScriptFailure failure = fails(ackAt(40, 41), DELAYED_ACK + "+0.1 call close\n");
        assertEquals(3, failure.line());
        assertMessage(failure,
            "test.pkt:3: unexpected segment sent at 0.041000, before this line (due at 0.140000)\n",
            "    +0.1 call close\n",
            "  actual:   > . 1:1(0) ack 11 win 65535\n",
            "0.040000 >    line 2      . 1:1(0) ack 11 win 65535\n",
            "0.041000 >    unexpected  . 1:1(0) ack 11 win 65535\n");
    }

    @Test
    void aSegmentLeftOverAtTheEndIsUnexpected()
    {
        final ScriptFailure failure = fails(ackAt(40, 40), DELAYED_ACK);
        assertEquals(0, failure.line());
        assertMessage(failure, "test.pkt: unexpected segment after the last line, sent at 0.040000\n",
            "  actual:   > . 1:1(0) ack 11 win 65535\n");
    }

    @Test
    void anInjectionRespondedToAtOnceCanBeExpectedAtTheSameTime()
    {
        final FakeTarget target = new FakeTarget();
        target.onInject = new ToyServer();
        final ScriptFailure failure = fails(target, "0 < S 0:0(0)\n+0.5 > none");
        assertMessage(failure, "test.pkt:2: expected no segment from 0.000000 to 0.500000, but one was sent at " +
            "0.000000\n", "  actual:   > S. 0:0(0) ack 1 win 64240 <mss 1460>\n");
        final FakeTarget again = new FakeTarget();
        again.onInject = new ToyServer();
        run(again, "0 < S 0:0(0)\n+0 > S. 0:0(0) ack 1 win 64240 <mss 1460>\n+0.5 > none");
    }

    @Test
    void noneChecksTheWholeIntervalAndMovesTime()
    {
        final String script = DELAYED_ACK + "+1 > none\n+0 call close\n";
        final FakeTarget quiet = ackAt(40);
        final ScriptResult result = run(quiet, script);
        assertTrue(result.traceText().contains("1.040000 call line 4      close"), result.traceText());

        final ScriptFailure failure = fails(ackAt(40, 540), script);
        assertEquals(3, failure.line());
        assertMessage(failure, "test.pkt:3: expected no segment from 0.040000 to 1.040000, but one was sent at " +
            "0.540000\n", "    +1 > none\n", "  actual:   > . 1:1(0) ack 11 win 65535\n");
        final ScriptFailure atTheEnd = fails(ackAt(40, 1040), script);
        assertEquals(3, atTheEnd.line(), "the interval includes its end");
    }

    @Test
    void anyTimeWaitsUpToItsBound()
    {
        final byte[] rst = TestFrames.fromStack().flags(TcpFlags.RST).seq(1).frame();
        final String script = "0 call close\n*  > R 1:1(0)\n+0.1 call done\n";
        final FakeTarget target = new FakeTarget().sendAt(millis(7000), rst);
        final ScriptResult result = run(target, script);
        assertTrue(result.traceText().contains("7.000000 >    line 2      R 1:1(0) win 65535"), result.traceText());
        assertTrue(result.traceText().contains("7.100000 call line 3      done"),
            "relative to when the '*' segment came:\n" + result.traceText());

        final ScriptConfig bounded = ScriptConfig.builder().anyTimeBoundNanos(millis(1000)).build();
        final ScriptFailure failure = fails(bounded, new FakeTarget().sendAt(millis(1500), rst), script);
        assertMessage(failure, "test.pkt:2: expected segment not sent in time; the next segment came 500.000 ms too " +
            "late\n", "  expected: > R 1:1(0)   any time from 0.000000 to 1.000000\n");
    }

    @Test
    void rangesReplaceTheTolerance()
    {
        final byte[] rst = TestFrames.fromStack().flags(TcpFlags.RST).seq(1).frame();
        final String script = "0.1 call close\n+0.2~+0.4 > R 1:1(0)\n";
        run(new FakeTarget().sendAt(millis(300), rst), script);
        run(new FakeTarget().sendAt(millis(500), rst), script);
        final ScriptFailure early = fails(new FakeTarget().sendAt(millis(250), rst), script);
        assertMessage(early, "segment sent at the wrong time, 50.000 ms too early\n",
            "  expected: > R 1:1(0)   between 0.300000 and 0.500000\n");
        final ScriptFailure late = fails(new FakeTarget().sendAt(millis(550), rst), script);
        assertMessage(late, "the next segment came 50.000 ms too late\n");
        run(new FakeTarget().sendAt(millis(150), rst), "0.1 call close\n0.15~0.15 > R 1:1(0)\n");
    }

    @Test
    void theToleranceIsConfigurable()
    {
        final ScriptConfig exact = ScriptConfig.builder().toleranceNanos(0).build();
        run(exact, ackAt(40), DELAYED_ACK);
        assertMessage(fails(exact, ackAt(41), DELAYED_ACK), "1.000 ms too late");
        final ScriptConfig loose = ScriptConfig.builder().toleranceNanos(millis(20)).build();
        run(loose, ackAt(59), DELAYED_ACK);
    }

    @Test
    void eventsInThePastRunAtOnce()
    {
        final FakeTarget target = ackAt(44);
        run(target, DELAYED_ACK + "0.040 call close\n");
        assertEquals(List.of("close"), target.calls);
        assertEquals(List.of(millis(1), millis(2)), target.advances.subList(0, 2));
        assertEquals(millis(44), target.nowNanos(), "close ran at 44 ms, not earlier");
    }
}
