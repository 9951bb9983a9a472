package io.ringstack.ip.linux;

import io.ringstack.ip.stack.StackEvent;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.PingResult;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The Linux kernel as ringstack's peer, over TAP and over AF_PACKET on veth: the same tests on both ports. */
@RequiresRoot
class KernelPeerTest
{
    private static final AtomicInteger SUBNETS = new AtomicInteger(10);

    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    void linuxPingsRingstackAndLearnsItsMac(final KernelPeer.Port port)
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            final PingResult ping = peer.namespace.ping(peer.ourAddress, 5, Duration.ofSeconds(2));
            assertEquals(5, ping.received(), ping.output());
            final var neighbour = peer.namespace.neighbours().get(peer.ourAddress);
            assertNotNull(neighbour, "Linux has a neighbour entry for ringstack");
            assertEquals(MacAddress.toString(KernelPeer.MAC), neighbour.lladdr());
            assertEquals(5L, (long)peer.onStackThread(s -> s.events().get(StackEvent.ECHO_REPLIES_SENT)));
        }
    }

    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    void ringstackPingsLinuxAfterResolvingIt(final KernelPeer.Port port) throws Exception
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            final int linux = Ipv4Address.parse(peer.linuxAddress);
            for (int seq = 1; seq <= 3; seq++)
            {
                final int s = seq;
                peer.onStackThread(stack -> stack.sendEchoRequest(linux, 0x51, s, 56));
                final long deadline = System.nanoTime() + 3_000_000_000L;
                while (peer.agent().echoReplies < seq && System.nanoTime() < deadline)
                {
                    Thread.sleep(5);
                }
                assertEquals(seq, peer.agent().echoReplies, "reply " + seq);
            }
            final long linuxMac = MacAddress.parse(peer.namespace.macAddress(
                peer.kind == KernelPeer.Port.TAP ? peer.namespace.interfaceName("t") : "eth0"));
            assertEquals(linuxMac, (long)peer.onStackThread(stack -> stack.arp().cache().macFor(linux)));
        }
    }

    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    @RequiresTool("socat")
    void udpEchoWithSocatIncludingDatagramsLinuxFragments(final KernelPeer.Port port)
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; text.length() < 8000; i++)
            {
                text.append("line ").append(i).append(" of an 8 KiB datagram through ringstack\n");
            }
            final String payload = text.substring(0, 8000);
            // one datagram of 8000 B: Linux fragments it (MTU 1500); ringstack reassembles, echoes, fragments back
            final CommandResult result = peer.namespace.command("socat", "-b", "9000", "-T", "3", "-",
                "UDP4:" + peer.ourAddress + ":" + KernelPeer.ECHO_PORT).input(payload).timeout(Duration.ofSeconds(15)).run();
            assertEquals(payload, result.stdout(), result.stderr());
            assertTrue((long)peer.onStackThread(s -> s.events().get(StackEvent.DATAGRAMS_REASSEMBLED)) >= 1);
            assertTrue((long)peer.onStackThread(s -> s.events().get(StackEvent.FRAGMENTS_SENT)) >= 6);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    void burstOfTenThousandDatagramsReconciledOnBothSides(final KernelPeer.Port port)
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            // python in the namespace: send 10,000 datagrams with a window, count echoes that come back intact
            final String script = String.join("\n",
                "import socket, sys, select",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)",
                "s.connect((sys.argv[1], int(sys.argv[2])))",
                "n = 10000; window = 64; sent = 0; got = 0; bad = 0",
                "while got < n:",
                "    while sent < n and sent - got < window:",
                "        s.send(sent.to_bytes(4, 'big') * 16); sent += 1",
                "    r, _, _ = select.select([s], [], [], 2.0)",
                "    if not r: break",
                "    d = s.recv(2048)",
                "    if len(d) != 64 or d != d[:4] * 16: bad += 1",
                "    got += 1",
                "print(sent, got, bad)");
            final CommandResult result = peer.namespace.command("/usr/bin/python3", "-c", script, peer.ourAddress,
                String.valueOf(KernelPeer.ECHO_PORT)).timeout(Duration.ofSeconds(60)).run();
            final String[] counts = result.stdout().trim().split(" ");
            final long sent = Long.parseLong(counts[0]);
            final long got = Long.parseLong(counts[1]);
            assertEquals(10_000, sent);
            assertEquals("0", counts[2], "corrupted echoes");
            final long echoed = peer.agent().echoed;
            final long queued = peer.onStackThread(s -> s.events().get(StackEvent.UDP_QUEUED));
            // every datagram Linux sent reached ringstack's socket or is counted as a drop; every echo sent came back
            assertEquals(echoed, queued, "ringstack echoed what it queued");
            assertEquals(got, echoed, () -> "Linux received what ringstack echoed; " + peer.onStackThread(s -> s.countersSnapshot()));
            assertTrue(got >= 9_990, "Linux got " + got + " of 10,000 back");
        }
    }

    /** With no traffic the stack sleeps on the device's interrupt and the port's thread in poll(2). */
    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    void idleStackUsesWellUnderOnePercentOfACore(final KernelPeer.Port port) throws Exception
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            assertEquals(2, peer.namespace.ping(peer.ourAddress, 2, Duration.ofSeconds(2)).received());
            Thread.sleep(500); // let both threads go idle
            final String breakdownBefore = peer.cpuBreakdown();
            final long before = peer.cpuNanos();
            final long start = System.nanoTime();
            Thread.sleep(3_000);
            final double share = (double)(peer.cpuNanos() - before) / (System.nanoTime() - start);
            assertTrue(share < 0.01, String.format("idle CPU %.3f %% of a core; before: %s; after: %s", share * 100,
                breakdownBefore, peer.cpuBreakdown()));
            assertEquals(2, peer.namespace.ping(peer.ourAddress, 2, Duration.ofSeconds(2)).received(), "wakes up");
        }
    }
}
