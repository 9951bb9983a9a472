package io.ringstack.testsupport.script;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static io.ringstack.testsupport.script.ScriptRunnerTest.assertMessage;
import static io.ringstack.testsupport.script.ScriptRunnerTest.fails;
import static io.ringstack.testsupport.script.ScriptRunnerTest.run;

/**
 * Expected segments against what the stack sent: each field, wildcards, options and data. Every line that passes
 * with a wildcard has a twin with a wrong value that fails, so a wildcard is what makes the difference.
 */
final class SegmentMatchingTest
{
    /** The toy server answers {@code S. 0:0(0) ack 1 win 64240 <mss 1460,sackOK,TS val 7 ecr 100,nop,wscale 7>}. */
    private static FakeTarget server()
    {
        final FakeTarget target = new FakeTarget();
        target.onInject = new ToyServer();
        return target;
    }

    private static final String SYN = "0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>\n+0 ";

    @ParameterizedTest
    @ValueSource(strings = {
        "> S. 0:0(0) ack 1 win 64240 <mss 1460,sackOK,TS val 7 ecr 100,nop,wscale 7>",
        "> S. 0:0(0) ack 1 win * <mss 1460,sackOK,TS val * ecr 100,nop,wscale *>",
        "> S. 0:0(0) ack 1 win * <mss *,sackOK,TS val * ecr *,nop,wscale *>",
        "> S. 0:0(0) ack 1 <*>",
        "> S. 0:0(0) <*>",
        "> S. *:*(*) ack * win * urg * <*>",
        "> S. 0:0(0) ack =1 urg 0 <*>",
        "> S. =4294967040:=4294967040(0) ack 1 <*>",
        "> S. 0:0(0) ack 1 <*> sport 8080 dport 40000",
    })
    void matches(final String line)
    {
        run(server(), SYN + line);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "> S. 0:0(0) ack 1 win 65535 <*>            | win 64240 (expected 65535)",
        "> S. 0:0(0) ack 2 <*>                      | ack 1 (expected 2)",
        "> S. 0:0(0) ack =2 <*>                     | ack =1 (expected =2)",
        "> S 0:0(0) <*>                             | flags S. (expected S)",
        "> S.E 0:0(0) <*>                           | flags S. (expected S.E)",
        "> S. 0:0(0) ack 1 urg 1 <*>                | urg 0 (expected 1)",
        "> S. 0:0(0) ack 1                          | options <mss 1460,sackOK,TS val 7 ecr 100,nop,wscale 7> " +
            "(expected <>)",
        "> S. 0:0(0) <mss 1460,sackOK,TS val 8 ecr 100,nop,wscale 7>  | (expected <mss 1460,sackOK,TS val 8 ecr 100,",
        "> S. 0:0(0) <mss 1460,sackOK,TS val * ecr 101,nop,wscale *>  | (expected <mss 1460,sackOK,TS val * ecr 101,",
        "> S. 0:0(0) <mss 1460,sackOK,TS val * ecr 100,wscale 7>      | (expected <mss 1460,sackOK,TS val * ecr 100,ws",
        "> S. 0:0(0) <mss 536,sackOK,TS val * ecr 100,nop,wscale 7>   | (expected <mss 536,",
        "> S. 0:0(0) <mss 1460,sackOK,TS val * ecr 100,nop,wscale 8>  | ecr 100,nop,wscale 8>)",
        "> S. 0:0(0) <sackOK,mss 1460,TS val * ecr 100,nop,wscale 7>  | (expected <sackOK,mss 1460,",
        "> S. 0:0(0) <mss 1460,sackOK,TS val * ecr 100,nop,wscale 7,nop> | ,nop,wscale 7,nop>)",
        "> S. 0:1(1) <*>                            | length 0 (expected 1)",
        "> S. =5:=5(0) <*>                          | seq =4294967040 (expected =5)",
        "> S. 0:0(0) <*> sport 9                    | ports 8080 > 40000 (expected 9 > 40000)",
        "> S. 0:0(0) <*> dport 9                    | ports 8080 > 40000 (expected 8080 > 9)",
        "> . 1:1(0) ack 2 win 1 <*>                 | flags S. (expected .); ack 1 (expected 2); win 64240 " +
            "(expected 1)",
    })
    void differs(final String line, final String difference)
    {
        final ScriptFailure failure = fails(server(), SYN + line);
        assertMessage(failure, "test.pkt:2: segment differs\n", "+0 " + line.strip(), "differs:  ",
            difference.strip());
    }

    /** "The stack" sends {@code P. 1:6(5) ack 1} carrying {@code payload}. */
    private static FakeTarget sending(final byte[] payload)
    {
        return new FakeTarget().sendAt(0, TestFrames.fromStack().flags(TcpFlags.PSH).seq(1).ack(1)
            .payload(payload).frame());
    }

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {
        "0 > P. 1:6(5) ack 1",
        "0 > P. 1:6(5) ack 1 data \"hello\"",
        "0 > P. 1:6(5) ack 1 data hex 68656c6c6f",
        "0 > P. *:*(*) ack 1 data \"hello\"",
        "0 > P. *:6(5) ack 1",
        "0 > P. *:6(*) ack 1",
        "0 > P. 1:*(*) ack 1",
    })
    void payloadMatches(final String line)
    {
        run(sending(HELLO), line);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 > P. 1:6(5) ack 1 data \"hellO\"       | data differs at byte 4: 0x6f (expected 0x4f); sent [0..5) " +
            "68656c6c6f",
        "0 > P. 1:5(4) ack 1 data \"hell\"        | data of 5 bytes (expected 4)",
        "0 > P. 1:7(6) ack 1                    | length 5 (expected 6)",
        "0 > P. *:7(*) ack 1                    | end 6 (expected 7)",
        "0 > P. 1:6(5) ack 1 data pattern       | data differs from the pattern at byte 0 (stream offset 0)",
    })
    void payloadDiffers(final String line, final String difference)
    {
        assertMessage(fails(sending(HELLO), line), "differs:  ", difference.strip());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 999})
    void patternDataIsCheckedByteForByte(final int corrupted)
    {
        final byte[] data = PayloadPattern.bytes(0, 1000);
        final FakeTarget good = new FakeTarget().sendAt(0, TestFrames.fromStack().seq(1).ack(1).payload(data)
            .frame());
        run(good, "0 > . 1:1001(1000) ack 1 data pattern");
        data[corrupted] ^= 0x20;
        final FakeTarget bad = new FakeTarget().sendAt(0, TestFrames.fromStack().seq(1).ack(1).payload(data)
            .frame());
        assertMessage(fails(bad, "0 > . 1:1001(1000) ack 1 data pattern"),
            "data differs from the pattern at byte " + corrupted + " (stream offset " + corrupted + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 0xFFFF_FF00L})
    void patternDataFollowsTheStacksIsn(final long isn)
    {
        final FakeTarget target = new FakeTarget();
        target.onInject = frame -> java.util.List.of(
            new FakeTarget.Reply(0, TestFrames.fromStack().flags(TcpFlags.SYN).seq(isn).ack(1).frame()),
            new FakeTarget.Reply(FakeTarget.millis(10), TestFrames.fromStack().flags(TcpFlags.PSH).seq(isn + 101)
                .ack(1).payload(PayloadPattern.bytes(100, 50)).frame()));
        run(target, "0 < S 0:0(0)\n+0 > S. 0:0(0) ack 1\n+0.01 > P. 101:151(50) ack 1 data pattern");
    }
}
