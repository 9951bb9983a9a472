package io.ringstack.testsupport.script;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.ringstack.testsupport.script.ScriptRunnerTest.assertMessage;
import static io.ringstack.testsupport.script.ScriptRunnerTest.fails;
import static io.ringstack.testsupport.script.ScriptRunnerTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the runner checks in every frame the stack sends, whatever the script says: non-TCP, addresses, checksums. */
final class StackFrameChecksTest
{
    private static final String ONE_ACK = "0 call x\n+0.01 > . 1:1(0) ack 1\n";

    private static FakeTarget arpThenAck()
    {
        return new FakeTarget().sendAt(FakeTarget.millis(5), TestFrames.arpRequest(TestFrames.PEER_IP))
            .sendAt(FakeTarget.millis(10), TestFrames.fromStack().seq(1).ack(1).frame());
    }

    @Test
    void nonTcpFramesAreIgnoredCountedAndListed()
    {
        final ScriptResult result = run(arpThenAck(), ONE_ACK);
        assertEquals(1, result.ignoredFrames().size());
        assertEquals("0.005000  ARP request who-has 198.18.0.2 tell 198.18.0.1 (02:00:00:00:00:01)",
            result.ignoredFrames().getFirst());
        assertTrue(result.traceText().contains("0.005000 >    ignored     ARP request who-has 198.18.0.2"),
            result.traceText());

        final ScriptFailure failure = fails(arpThenAck(), ONE_ACK + "+0 > . 1:1(0) ack 1\n");
        assertMessage(failure, "test.pkt:3: expected segment not sent", "non-TCP frames ignored: 1\n",
            "  0.005000  ARP request who-has 198.18.0.2 tell 198.18.0.1 (02:00:00:00:00:01)\n");
    }

    @Test
    void nonTcpFramesFailWhenNotIgnored()
    {
        final ScriptConfig strict = ScriptConfig.builder().ignoreNonTcp(false).build();
        final ScriptFailure failure = fails(strict, arpThenAck(), ONE_ACK);
        assertMessage(failure, "test.pkt:2: expected a TCP segment, the stack sent another frame at 0.005000\n",
            "  actual:   > ARP request who-has 198.18.0.2 tell 198.18.0.1 (02:00:00:00:00:01)\n");
        final FakeTarget icmp = new FakeTarget().sendAt(FakeTarget.millis(3), TestFrames.icmpPortUnreachable());
        final ScriptFailure unexpected = fails(strict, icmp, "0 call x\n+0.01 call y\n");
        assertMessage(unexpected, "test.pkt:2: unexpected segment sent at 0.003000",
            "actual:   > ICMP type 3 code 3 198.18.0.1 > 198.18.0.2 (destination unreachable)");
    }

    @Test
    void arpRequestsForThePeerAreAnsweredWhenConfigured()
    {
        final ScriptConfig answering = ScriptConfig.builder().answerArp(true).build();
        final FakeTarget target = arpThenAck().sendAt(FakeTarget.millis(6),
            TestFrames.arpRequest(TestFrames.PEER_IP + 1));
        final ScriptResult result = run(answering, target, ONE_ACK);
        assertEquals(1, target.injected.size(), "only the request for the peer's address is answered");
        final byte[] reply = target.injected.getFirst();
        assertEquals(FakeTarget.millis(5), target.injectedAt.getFirst());
        assertEquals("020000000001" + "020000000002" + "0806" + "0001080006040002" + "020000000002" + "c6120002" +
            "020000000001" + "c6120001", java.util.HexFormat.of().formatHex(reply, 0, 42));
        assertTrue(result.traceText().contains("0.005000 <    arp-reply   ARP reply 198.18.0.2 is-at " +
            "02:00:00:00:00:02"), result.traceText());
        assertEquals(1, result.ignoredFrames().size(), "the request for another address is ignored");
        assertTrue(result.ignoredFrames().getFirst().contains("who-has 198.18.0.3"));
    }

    @Test
    void brokenChecksumsAddressesAndFramesFailAtOnce()
    {
        assertMessage(fails(new FakeTarget().sendAt(0, TestFrames.fromStack().seq(1).ack(1).corruptTcp().frame()),
            ONE_ACK), "test.pkt:1: the stack sent a broken segment at 0.000000\n",
            "  actual:   > . 1:1(0) ack 1 win 65535 bad-checksum\n",
            "  the TCP checksum does not verify (RFC 9293 §3.1)\n");
        assertMessage(fails(new FakeTarget().sendAt(0, TestFrames.fromStack().seq(1).ack(1).corruptIp().frame()),
            ONE_ACK), "the stack sent a broken segment", "the IPv4 header checksum does not verify (RFC 791 §3.1)");
        assertMessage(fails(new FakeTarget().sendAt(0, TestFrames.fromStack().seq(1).ack(1)
            .macs(TestFrames.STACK_MAC, 0xFFFF_FFFF_FFFFL).frame()), ONE_ACK),
            "Ethernet 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff (expected 02:00:00:00:00:01 > 02:00:00:00:00:02)");
        assertMessage(fails(new FakeTarget().sendAt(0, TestFrames.fromStack().seq(1).ack(1)
            .addresses(TestFrames.STACK_IP, TestFrames.PEER_IP + 7).frame()), ONE_ACK),
            "IPv4 198.18.0.1 > 198.18.0.9 (expected 198.18.0.1 > 198.18.0.2)");
        final byte[] good = TestFrames.fromStack().seq(1).ack(1).frame();
        assertMessage(fails(new FakeTarget().sendAt(FakeTarget.millis(2), Arrays.copyOf(good, 40)), ONE_ACK),
            "test.pkt:2: the stack sent a malformed frame at 0.002000\n",
            "  malformed frame: IPv4 Total Length 40 with IHL 20 in 26 bytes");
    }
}
