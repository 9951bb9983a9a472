package io.ringstack.tcp.linux;

import io.ringstack.ip.linux.KernelPeer;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.linux.PortCounter;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpLayer;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Scapy;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7 against Linux over TAP: loss recovery with SACK while ringstack's port loses 1 % of the frames in one
 * direction (both directions tried), a SYN flood from the namespace while a Linux client keeps connecting, and
 * blind injection of RST, SYN and data with guessed sequence numbers into a live connection.
 */
@RequiresRoot
@RequiresTool("tcpdump")
@RequiresTool("scapy")
@RequiresTool("hping3")
class LinuxTcpUnderAttackTest
{
    private static final long MB = 1024 * 1024;
    private static final String PYTHON = Scapy.PYTHON.toString();

    private KernelPeer peer;
    private TcpLayer tcp;

    @BeforeEach
    void setUp()
    {
        peer = new KernelPeer(KernelPeer.Port.TAP, 62);
        tcp = peer.onStackThread(stack -> TcpLayer.install(stack, TcpConfig.defaults(), SystemNanoClock.INSTANCE));
    }

    @AfterEach
    void tearDown()
    {
        if (peer != null)
        {
            peer.close();
        }
    }

    /** ringstack receives while its port loses 1 % of Linux's segments: it sends SACK blocks, the data arrives whole. */
    @Test
    void ringstackReceivingThroughOnePercentLossSendsSack() throws Exception
    {
        final int port = 6001;
        final CompletableFuture<TcpApps.HashingSink> accepted = new CompletableFuture<>();
        peer.onStackThread(stack -> tcp.listen(port, 16, listener ->
        {
            final TcpApps.HashingSink sink = new TcpApps.HashingSink();
            listener.accept(sink);
            accepted.complete(sink);
        }));
        peer.port().dropFrames(0, 0.01, 7);
        final BackgroundProcess dump = peer.namespace.startInNamespace("tcpdump", "-i", peer.linuxInterface(), "-nn",
            "-c", "20000", "tcp src port " + port);
        dump.awaitOutput("listening", Duration.ofSeconds(10));
        final CommandResult client = peer.namespace.command(PYTHON, "-c", LinuxTcpInteropTest.SEND_SCRIPT,
            peer.ourAddress, Integer.toString(port), Long.toString(50 * MB)).timeout(Duration.ofSeconds(180)).run();
        final TcpApps.Outcome outcome = accepted.get(10, TimeUnit.SECONDS).outcome.get(30, TimeUnit.SECONDS);
        dump.stop(Duration.ofSeconds(2));
        final String[] fields = client.stdout().trim().split("\\s+");
        assertEquals(50 * MB, outcome.bytesIn(), client.stdout());
        assertEquals(fields[0], outcome.sha256In(), "intact through the loss");
        assertTrue(peer.port().counters().get(PortCounter.FAULT_DROPPED_RECEIVED) > 100, peer.port().counters().toString());
        final long sackAcks = dump.stdout().lines().filter(l -> l.contains("sack ")).count();
        assertTrue(sackAcks > 10, "our ACKs carried SACK blocks: " + sackAcks + " of " + dump.stdout().lines().count());
    }

    /** ringstack sends while its port loses 1 % of its segments: Linux SACKs them, ringstack recovers without RTOs. */
    @Test
    void ringstackSendingThroughOnePercentLossRecoversWithSack() throws Exception
    {
        final int port = 6002;
        try (BackgroundProcess server = peer.namespace.startInNamespace(PYTHON, "-c", LinuxTcpInteropTest.SINK_SCRIPT,
            Integer.toString(port));
             BackgroundProcess dump = peer.namespace.startInNamespace("tcpdump", "-i", peer.linuxInterface(), "-nn",
                 "-c", "20000", "tcp src port " + port))
        {
            server.awaitOutput("listening", Duration.ofSeconds(10));
            dump.awaitOutput("listening", Duration.ofSeconds(10));
            peer.port().dropFrames(0.01, 0, 11);
            final TcpApps.Source source = new TcpApps.Source(new byte[0], 50 * MB, true);
            final TcpConnection connection = peer.onStackThread(stack ->
                tcp.connect(Ipv4Address.parse(peer.linuxAddress), port, source));
            final TcpApps.Outcome outcome = source.outcome.get(180, TimeUnit.SECONDS);
            server.waitFor(Duration.ofSeconds(10));
            assertEquals(outcome.sha256Out() + "\n", outcome.text(), "Linux's digest of what arrived");
            final long sackAcks = dump.stdout().lines().filter(l -> l.contains("sack ")).count();
            assertTrue(sackAcks > 10, "Linux's ACKs carried SACK blocks: " + sackAcks);
            final long retransmitted = peer.onStackThread(stack -> connection.segmentsRetransmitted());
            final long lost = peer.port().counters().get(PortCounter.FAULT_DROPPED_TRANSMITTED);
            assertTrue(retransmitted >= lost && retransmitted < lost * 3 + 10,
                "retransmitted " + retransmitted + " segments for " + lost + " lost");
        }
    }

    /**
     * hping3 floods the listener with SYNs from the namespace for a few seconds while a Linux client connects 300
     * times (1 byte each way): at least 99 % of the legitimate connections succeed.
     */
    @Test
    void synFloodLeavesLegitimateClientsConnecting() throws Exception
    {
        final int port = 6003;
        peer.onStackThread(stack -> tcp.listen(port, 128, listener ->
        {
            while (listener.accept(new TcpApps.HashingSink()) != null)
            {
                // accept them all
            }
        }));
        try (BackgroundProcess flood = peer.namespace.start(Command.of("timeout", "6", "hping3", "--flood", "-S",
            "-p", Integer.toString(port), peer.ourAddress)))
        {
            flood.awaitOutput("flood mode", Duration.ofSeconds(5)); // hping3 says so once it floods
            final CommandResult clients = peer.namespace.command(PYTHON, "-c", CONNECT_MANY_SCRIPT, peer.ourAddress,
                Integer.toString(port), "300").timeout(Duration.ofSeconds(120)).run();
            final String[] counts = clients.stdout().trim().split("\\s+");
            final int ok = Integer.parseInt(counts[0]);
            assertTrue(ok >= 297, "legitimate connections that succeeded under the flood: " + clients.stdout() +
                " " + tcp.countersSnapshot());
            flood.waitFor(Duration.ofSeconds(10));
            assertTrue(flood.stderr().contains("packets transmitted") || flood.stdout().contains("packets transmitted"),
                "hping3 flooded: " + flood.stdout() + flood.stderr());
        }
    }

    /** Guessed RSTs, SYNs and data from scapy into a live connection: none accepted, the stream arrives intact. */
    @Test
    void blindInjectionIsNotAccepted() throws Exception
    {
        final int port = 6004;
        final CompletableFuture<TcpApps.HashingSink> accepted = new CompletableFuture<>();
        peer.onStackThread(stack -> tcp.listen(port, 16, listener ->
        {
            final TcpApps.HashingSink sink = new TcpApps.HashingSink();
            listener.accept(sink);
            accepted.complete(sink);
        }));
        final CommandResult run = peer.namespace.command(PYTHON, "-c", INJECT_SCRIPT, peer.ourAddress,
            Integer.toString(port)).timeout(Duration.ofSeconds(120)).run();
        final TcpApps.Outcome outcome = accepted.get(10, TimeUnit.SECONDS).outcome.get(30, TimeUnit.SECONDS);
        final String[] fields = run.stdout().trim().split("\\s+");
        assertEquals("peer closed", outcome.end(), run.stdout() + run.stderr());
        assertEquals(2 * MB, outcome.bytesIn(), run.stdout() + run.stderr());
        assertEquals(fields[0], outcome.sha256In(), "no injected byte was taken");
        assertEquals(fields[0], fields[1], run.stdout());
        assertEquals("300", fields[2], "segments injected");
    }

    /** argv: host port count. Connects count times, 1 byte each way; prints "succeeded failed". */
    private static final String CONNECT_MANY_SCRIPT = """
        import hashlib, socket, sys
        host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        expected = hashlib.sha256(b'x').hexdigest()
        ok = 0
        for i in range(n):
            try:
                s = socket.create_connection((host, port), timeout=10)
                s.sendall(b'x')
                s.shutdown(socket.SHUT_WR)
                reply = b''
                while True:
                    d = s.recv(100)
                    if not d:
                        break
                    reply += d
                s.close()
                if reply.decode().strip() == expected:
                    ok += 1
            except OSError:
                pass
        print(ok, n - ok)
        """;

    /**
     * argv: host port. Sends 1 MiB, then injects 100 RSTs, 100 SYNs and 100 data segments with random sequence and
     * acknowledgment numbers on the connection's 4-tuple, then sends another MiB and half-closes; prints
     * "sha-sent digest-received injected".
     */
    private static final String INJECT_SCRIPT = """
        import hashlib, os, random, socket, sys, time
        from scapy.all import IP, TCP, Raw, send, conf
        conf.verb = 0
        host, port = sys.argv[1], int(sys.argv[2])
        s = socket.create_connection((host, port), timeout=30)
        sport = s.getsockname()[1]
        h = hashlib.sha256()
        part = os.urandom(1 << 20)
        s.sendall(part); h.update(part)
        time.sleep(0.3)
        rnd = random.Random(1)
        injected = []
        for flags in ('R', 'S', 'PA'):
            for i in range(100):
                seg = IP(dst=host) / TCP(sport=sport, dport=port, flags=flags, seq=rnd.getrandbits(32),
                                         ack=rnd.getrandbits(32), window=1000)
                if flags == 'PA':
                    seg = seg / Raw(b'EVIL' * 100)
                injected.append(seg)
        send(injected)
        time.sleep(0.3)
        part = os.urandom(1 << 20)
        s.sendall(part); h.update(part)
        s.shutdown(socket.SHUT_WR)
        reply = b''
        while True:
            d = s.recv(65536)
            if not d:
                break
            reply += d
        print(h.hexdigest(), reply.decode().strip(), len(injected))
        """;
}
