package io.ringstack.tcp.linux;

import io.ringstack.ip.linux.KernelPeer;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpLayer;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Scapy;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6: ringstack's TCP against Linux's, over a TAP device whose other end is Linux's interface in a network
 * namespace. Both directions, both roles, 100 MB each with SHA-256 checked on arrival; half-close; RST both ways;
 * and Linux's {@code ss -ti} showing the options negotiated with ringstack (wscale, timestamps, MSS).
 */
@RequiresRoot
@RequiresTool("ip")
@RequiresTool("curl")
@RequiresTool("ss")
@RequiresTool("tcpdump")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinuxTcpInteropTest
{
    private static final long MB100 = 100L * 1024 * 1024;
    private static final String PYTHON = Scapy.PYTHON.toString();

    private KernelPeer peer;
    private TcpLayer tcp;
    private int port = 5000;

    @BeforeAll
    void setUp()
    {
        peer = new KernelPeer(KernelPeer.Port.TAP, 61);
        if (System.getProperty("interop.pcap") != null)
        {
            peer.pcap(io.ringstack.nic.wire.PcapWriter.open(java.nio.file.Path.of(System.getProperty("interop.pcap")), 128));
        }
        tcp = peer.onStackThread(stack -> TcpLayer.install(stack, TcpConfig.defaults(), SystemNanoClock.INSTANCE));
    }

    @AfterAll
    void tearDown()
    {
        if (peer != null)
        {
            peer.close();
        }
    }

    /** Linux (python) sends 100 MB and half-closes; ringstack hashes, answers with the digest, closes. */
    @Test
    void linuxClientSends100MegabytesToRingstack() throws Exception
    {
        final int serverPort = ++port;
        final CompletableFuture<TcpApps.HashingSink> accepted = new CompletableFuture<>();
        peer.onStackThread(stack -> tcp.listen(serverPort, 16, listener ->
        {
            final TcpApps.HashingSink sink = new TcpApps.HashingSink();
            listener.accept(sink);
            accepted.complete(sink);
        }));
        final BackgroundProcess dump = peer.namespace.startInNamespace("tcpdump", "-i", peer.linuxInterface(), "-nn",
            "-v", "-c", "3", "tcp port " + serverPort);
        dump.awaitOutput("listening", Duration.ofSeconds(10));
        final CommandResult client = peer.namespace.command(PYTHON, "-c", SEND_SCRIPT, peer.ourAddress,
            Integer.toString(serverPort), Long.toString(MB100)).timeout(Duration.ofSeconds(180)).run();
        dump.waitFor(Duration.ofSeconds(10));
        // tcpdump on Linux's side decodes our SYN,ACK: every option answered, the checksum correct
        final String synAck = dump.stdout().lines().filter(l -> l.contains("Flags [S.]")).findFirst()
            .orElse("(no SYN,ACK in " + dump.stdout() + ")");
        assertTrue(synAck.contains("mss 1460") && synAck.contains("sackOK") && synAck.contains("TS val") &&
            synAck.contains("wscale 3") && synAck.contains("(correct)"), synAck);
        final TcpApps.Outcome outcome = accepted.get(10, TimeUnit.SECONDS).outcome.get(30, TimeUnit.SECONDS);
        final String[] fields = client.stdout().trim().split("\\s+");
        assertEquals(MB100, outcome.bytesIn(), client.stdout());
        assertEquals(fields[0], outcome.sha256In(), "Linux's hash of what it sent vs ringstack's of what arrived");
        assertEquals(fields[0], fields[1], "the digest ringstack sent back after the half-close");
        final String ss = client.stdout().substring(client.stdout().indexOf('\n') + 1);
        assertTrue(ss.contains(peer.ourAddress + ":" + serverPort), "our connection in ss -tin: " + ss);
        assertNegotiated(ss);
    }

    /** ringstack connects to a Linux server (python), sends 100 MB, half-closes, reads the digest back. */
    @Test
    void ringstackClientSends100MegabytesToLinux() throws Exception
    {
        final int serverPort = ++port;
        try (BackgroundProcess server = peer.namespace.startInNamespace(PYTHON, "-c", SINK_SCRIPT,
            Integer.toString(serverPort)))
        {
            server.awaitOutput("listening", Duration.ofSeconds(10));
            final TcpApps.Source source = new TcpApps.Source(new byte[0], MB100, true);
            peer.onStackThread(stack -> tcp.connect(Ipv4Address.parse(peer.linuxAddress), serverPort, source));
            final TcpApps.Outcome outcome = source.outcome.get(180, TimeUnit.SECONDS);
            server.waitFor(Duration.ofSeconds(10));
            final String[] fields = server.stdout().trim().split("\\s+");
            assertEquals(MB100, outcome.bytesOut());
            assertEquals("peer closed", outcome.end(), server.stdout());
            assertEquals(outcome.sha256Out() + "\n", outcome.text(), "digest from Linux after our half-close");
            assertEquals(Long.toString(MB100), fields[fields.length - 1], server.stdout());
        }
    }

    /** ringstack downloads 100 MB from python's http.server: Linux sends, ringstack receives. */
    @Test
    void ringstackClientDownloads100MegabytesFromPythonHttpServer() throws Exception
    {
        final int serverPort = ++port;
        final String dir = peer.namespace.exec("mktemp", "-d").stdout().trim();
        peer.namespace.exec("sh", "-c", "head -c " + MB100 + " /dev/urandom > " + dir + "/blob");
        final String expected = peer.namespace.exec("sha256sum", dir + "/blob").stdout().split("\\s+")[0];
        try (BackgroundProcess server = peer.namespace.startInNamespace(PYTHON, "-m", "http.server", "-d", dir,
            "-b", peer.linuxAddress, Integer.toString(serverPort)))
        {
            server.awaitOutput("Serving HTTP", Duration.ofSeconds(10));
            final TcpApps.HttpGet get = new TcpApps.HttpGet("/blob");
            peer.onStackThread(stack -> tcp.connect(Ipv4Address.parse(peer.linuxAddress), serverPort, get));
            final TcpApps.Outcome outcome = get.outcome.get(180, TimeUnit.SECONDS);
            assertTrue(outcome.text().startsWith("HTTP/1.0 200"), outcome.text());
            assertEquals(MB100, outcome.bytesIn());
            assertEquals(expected, outcome.sha256In());
        }
        finally
        {
            peer.namespace.exec("rm", "-rf", dir);
        }
    }

    /** curl downloads 100 MB from a ringstack HTTP responder: ringstack sends, Linux receives. */
    @Test
    void curlDownloads100MegabytesFromRingstack() throws Exception
    {
        final int serverPort = ++port;
        final CompletableFuture<TcpApps.HttpResponder> accepted = new CompletableFuture<>();
        peer.onStackThread(stack -> tcp.listen(serverPort, 16, listener ->
        {
            final TcpApps.HttpResponder responder = new TcpApps.HttpResponder(MB100);
            listener.accept(responder);
            accepted.complete(responder);
        }));
        final CommandResult curl = peer.namespace.command("sh", "-c", "curl -sS --max-time 170 http://" +
            peer.ourAddress + ":" + serverPort + "/bytes | sha256sum").timeout(Duration.ofSeconds(180)).run();
        final TcpApps.Outcome outcome = accepted.get(10, TimeUnit.SECONDS).outcome.get(30, TimeUnit.SECONDS);
        assertEquals(MB100, outcome.bytesOut());
        assertEquals(outcome.sha256Out(), curl.stdout().trim().split("\\s+")[0], curl.stderr());
    }

    /** A connection to a port nobody listens on: Linux answers ringstack's SYN with RST, and ringstack Linux's. */
    @Test
    void closedPortsAreRefusedWithRstBothWays() throws Exception
    {
        final CompletableFuture<TcpCloseReason> refused = new CompletableFuture<>();
        peer.onStackThread(stack -> tcp.connect(Ipv4Address.parse(peer.linuxAddress), 9, new TcpHandler()
        {
            @Override
            public void onData(final TcpConnection connection)
            {
            }

            @Override
            public void onReset(final TcpConnection connection, final TcpCloseReason reason)
            {
                refused.complete(reason);
            }
        }));
        assertEquals(TcpCloseReason.REFUSED, refused.get(10, TimeUnit.SECONDS));
        final CommandResult linux = peer.namespace.command(PYTHON, "-c", CONNECT_SCRIPT, peer.ourAddress, "9")
            .timeout(Duration.ofSeconds(20)).run();
        assertEquals("ConnectionRefusedError", linux.stdout().trim());
    }

    /** ringstack aborts a connection in the middle of a transfer: Linux's recv fails with a reset. */
    @Test
    void abortResetsTheLinuxPeer() throws Exception
    {
        final int serverPort = ++port;
        final CompletableFuture<TcpConnection> accepted = new CompletableFuture<>();
        peer.onStackThread(stack -> tcp.listen(serverPort, 16, listener ->
        {
            final TcpApps.HashingSink sink = new TcpApps.HashingSink();
            accepted.complete(listener.accept(sink));
        }));
        try (BackgroundProcess client = peer.namespace.startInNamespace(PYTHON, "-c", SEND_SCRIPT, peer.ourAddress,
            Integer.toString(serverPort), Long.toString(MB100 * 10)))
        {
            final TcpConnection connection = accepted.get(10, TimeUnit.SECONDS);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (peer.onStackThread(stack -> connection.bytesReceived()) < 1024 * 1024) // mid-transfer
            {
                assertTrue(System.nanoTime() < deadline, "the transfer did not start");
                Thread.onSpinWait();
            }
            peer.onStackThread(stack ->
            {
                connection.abort();
                return null;
            });
            client.waitFor(Duration.ofSeconds(30));
            assertTrue(client.stdout().contains("ConnectionResetError") || client.stderr().contains("ConnectionResetError")
                || client.stdout().contains("BrokenPipeError"), client.stdout() + client.stderr());
        }
    }

    /**
     * Window scaling: {@code wscale:3,N} (ringstack's shift 3 for its 256 KiB window, then Linux's own). Timestamps:
     * {@code mss:1448}, the 1460 ringstack announced less the 12 bytes every segment's timestamp option takes (this
     * machine's ss prints no "ts"/"sack" flags, not even between two Linux sockets).
     */
    private static void assertNegotiated(final String ss)
    {
        final Matcher wscale = Pattern.compile("wscale:(\\d+),(\\d+)").matcher(ss);
        assertTrue(wscale.find(), "window scaling in ss -ti: " + ss);
        assertEquals("3", wscale.group(1), "ringstack's window shift as Linux saw it: " + ss);
        final Matcher mss = Pattern.compile("\\bmss:(\\d+)").matcher(ss);
        assertTrue(mss.find(), ss);
        assertEquals(1448, Integer.parseInt(mss.group(1)), "MSS 1460 less 12 bytes of timestamps: " + ss);
    }

    /** argv: host port bytes. Sends random bytes, half-closes, reads the reply; prints "sha reply" then ss -ti. */
    static final String SEND_SCRIPT = """
        import hashlib, os, socket, subprocess, sys
        host, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        s = socket.create_connection((host, port), timeout=60)
        h = hashlib.sha256()
        sent = 0
        ss = ''
        try:
            chunk = os.urandom(1 << 20)
            while sent < total:
                part = chunk[: min(len(chunk), total - sent)]
                s.sendall(part)
                h.update(part)
                sent += len(part)
                if not ss and sent >= (8 << 20):
                    ss = subprocess.run(['ss', '-tin'], capture_output=True, text=True).stdout
            s.shutdown(socket.SHUT_WR)
            reply = b''
            while True:
                data = s.recv(65536)
                if not data:
                    break
                reply += data
            print(h.hexdigest(), reply.decode().strip())
            print(ss)
        except (ConnectionResetError, BrokenPipeError) as e:
            print(type(e).__name__, sent)
        """;

    /** argv: port. Accepts one connection, hashes all it reads, answers the digest, closes; prints "sha bytes". */
    static final String SINK_SCRIPT = """
        import hashlib, socket, sys
        l = socket.socket()
        l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(('0.0.0.0', int(sys.argv[1])))
        l.listen(1)
        print('listening', flush=True)
        c, _ = l.accept()
        h = hashlib.sha256()
        n = 0
        while True:
            data = c.recv(1 << 20)
            if not data:
                break
            h.update(data)
            n += len(data)
        c.sendall((h.hexdigest() + '\\n').encode())
        c.close()
        print(h.hexdigest(), n, flush=True)
        """;

    /** argv: host port. Prints the exception a connect raises, or "connected". */
    private static final String CONNECT_SCRIPT = """
        import socket, sys
        try:
            socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
            print('connected')
        except Exception as e:
            print(type(e).__name__)
        """;
}
