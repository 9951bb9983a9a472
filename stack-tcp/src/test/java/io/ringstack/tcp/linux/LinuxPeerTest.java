package io.ringstack.tcp.linux;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpEvent;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpSlice;
import io.ringstack.tcp.TcpState;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Linux kernel's TCP as ringstack's peer over TAP: a Linux client against a ringstack server and a ringstack
 * client against a Linux server, 100 MiB each way with SHA-256 checks, half-closes both ways (each side sends after
 * the other's FIN), and the options as Linux sees them (tcpdump of our SYN,ACK; {@code ss -tin}: wscale, mss).
 */
@RequiresRoot
@RequiresTool("python3")
@RequiresTool("ss")
@RequiresTool("tcpdump")
class LinuxPeerTest
{
    private static final AtomicInteger SUBNETS = new AtomicInteger(20);
    private static final int BYTES = Integer.getInteger("ringstack.linuxPeerBytes", 100 * 1024 * 1024);
    private static final TcpConfig CONFIG = TcpConfig.defaults().withRto(1_000_000_000L, 200_000_000L,
        60_000_000_000L);

    /** Hashes what arrives; when the peer's FIN comes, sends its own bytes, then closes. */
    private static final class Side implements TcpHandler
    {
        final TcpSlice slice = new TcpSlice();
        final MessageDigest received = sha256();
        final MessageDigest sent = sha256();
        final SplittableRandom random = new SplittableRandom(20260601);
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[64 * 1024]);
        final int toSend;
        final boolean sendFirst;
        volatile long receivedBytes;
        volatile long sentBytes;
        volatile boolean peerClosed;
        volatile boolean closed;
        volatile String reset;
        TcpConnection connection;
        int chunkFill;
        int chunkSent;

        Side(final int toSend, final boolean sendFirst)
        {
            this.toSend = toSend;
            this.sendFirst = sendFirst;
        }

        @Override
        public void onConnected(final TcpConnection c)
        {
            connection = c;
        }

        @Override
        public void onData(final TcpConnection c)
        {
            while (c.read(slice))
            {
                final byte[] bytes = new byte[slice.length()];
                slice.buffer().getBytes(slice.offset(), bytes);
                received.update(bytes);
                receivedBytes += bytes.length;
                slice.release();
            }
        }

        @Override
        public void onPeerClosed(final TcpConnection c)
        {
            peerClosed = true;
        }

        @Override
        public void onClosed(final TcpConnection c)
        {
            closed = true;
        }

        @Override
        public void onReset(final TcpConnection c, final io.ringstack.tcp.TcpCloseReason why)
        {
            reset = why.name();
        }

        /** Stack thread, every duty cycle: send while allowed; false when done. */
        boolean pump()
        {
            final TcpConnection c = connection;
            if (c == null || reset != null)
            {
                return reset == null;
            }
            if (!sendFirst && !peerClosed)
            {
                return true;
            }
            while (sentBytes < toSend && (c.state() == TcpState.ESTABLISHED || c.state() == TcpState.CLOSE_WAIT))
            {
                if (chunkSent == chunkFill)
                {
                    chunkFill = (int)Math.min(chunk.capacity(), toSend - sentBytes);
                    for (int i = 0; i < chunkFill; i += 8)
                    {
                        chunk.putLong(i, random.nextLong());
                    }
                    sent.update(chunk.byteArray(), 0, chunkFill);
                    chunkSent = 0;
                }
                final int n = c.write(chunk, chunkSent, chunkFill - chunkSent);
                if (n == 0)
                {
                    return true;
                }
                chunkSent += n;
                sentBytes += n;
            }
            if (sentBytes == toSend)
            {
                if (sendFirst)
                {
                    c.shutdownOutput(); // half-close: the peer answers after our FIN
                }
                else
                {
                    c.close();
                }
                return false;
            }
            return true;
        }
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static Path script() throws IOException
    {
        final Path file = Files.createTempFile("ringstack-peer", ".py");
        try (InputStream in = LinuxPeerTest.class.getResourceAsStream("peer.py"))
        {
            Files.write(file, in.readAllBytes());
        }
        file.toFile().deleteOnExit();
        return file;
    }

    private static void await(final java.util.function.BooleanSupplier done, final Duration timeout, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void linuxClientAgainstRingstackServer() throws Exception
    {
        try (LinuxTcpPeer peer = new LinuxTcpPeer(SUBNETS.incrementAndGet(), CONFIG))
        {
            final Side server = new Side(BYTES, false);
            peer.onStackThread(tcp -> tcp.listen(5001, 8, listener ->
            {
                final TcpConnection c = listener.accept(server);
                if (c != null)
                {
                    server.connection = c;
                }
            }));
            peer.pump(server::pump);
            // Linux's view of the handshake
            final BackgroundProcess dump = peer.namespace.startInNamespace("tcpdump", "-i",
                peer.namespace.interfaceName("t"), "-nn", "-v", "-c", "3", "tcp");
            dump.awaitOutput("listening", Duration.ofSeconds(10));
            final long start = System.nanoTime();
            final var result = peer.namespace.command("python3", script().toString(), "client", peer.ourAddress,
                "5001", Integer.toString(BYTES)).timeout(Duration.ofSeconds(240)).run();
            final double seconds = (System.nanoTime() - start) / 1e9;
            dump.waitFor(Duration.ofSeconds(10));
            final String synAck = dump.stdout().lines().filter(l -> l.contains("Flags [S.]")).findFirst()
                .orElse("(no SYN,ACK in " + dump.stdout() + ")");
            assertTrue(synAck.contains("mss 1460") && synAck.contains("sackOK") && synAck.contains("TS val") &&
                synAck.contains("wscale 3") && synAck.contains("cksum") && synAck.contains("(correct)"), synAck);
            await(() -> server.closed, Duration.ofSeconds(10), "the orderly close");
            final String out = result.stdout();
            final String sentLine = line(out, "sent");
            final String receivedLine = line(out, "received");
            assertEquals("sent " + hex(server.received) + " " + BYTES, sentLine, "Linux to ringstack: " + out);
            assertEquals("received " + hex(server.sent) + " " + BYTES, receivedLine, "ringstack to Linux");
            // Linux's socket: our window scale (3) as its send scale, and an MSS of 1460 less 12 bytes of
            // timestamps (this kernel's ss prints no "ts"/"sack" flags, even between two Linux sockets)
            final String ss = out.substring(out.indexOf("ss-begin"), out.indexOf("ss-end"));
            assertTrue(ss.contains("wscale:3,"), ss);
            assertTrue(ss.contains("mss:1448"), ss);
            System.out.printf("Linux client -> ringstack: %d B each way in %.1f s; %s%n", BYTES, seconds,
                peer.onStackThread(tcp -> tcp.countersSnapshot().toString()));
            System.out.println(ss.lines().filter(l -> l.contains("wscale")).findFirst().orElse(""));
        }
    }

    @Test
    void ringstackClientAgainstLinuxServer() throws Exception
    {
        try (LinuxTcpPeer peer = new LinuxTcpPeer(SUBNETS.incrementAndGet(), CONFIG))
        {
            final BackgroundProcess linux = peer.namespace.startInNamespace("python3", script().toString(), "server",
                peer.linuxAddress, "5002", Integer.toString(BYTES));
            linux.awaitOutput("listening", Duration.ofSeconds(10));
            final Side client = new Side(BYTES, true);
            final long start = System.nanoTime();
            final TcpConnection c = peer.onStackThread(tcp ->
                tcp.connect(Ipv4Address.parse(peer.linuxAddress), 5002, client));
            peer.pump(client::pump);
            assertEquals(0, linux.waitFor(Duration.ofSeconds(240)), linux.stderr());
            await(() -> client.peerClosed, Duration.ofSeconds(10), "Linux's FIN");
            final double seconds = (System.nanoTime() - start) / 1e9;
            peer.onStackThread(tcp ->
            {
                c.close();
                return null;
            });
            final String out = linux.stdout();
            assertEquals("received " + hex(client.sent) + " " + BYTES, line(out, "received"), out);
            assertEquals("sent " + hex(client.received) + " " + BYTES, line(out, "sent"));
            assertTrue(peer.<Boolean>onStackThread(tcp -> c.timestampsOn() && c.windowScalingOn() && c.sackPermitted()),
                "options negotiated with Linux");
            assertEquals(1448, (int)peer.onStackThread(tcp -> c.effectiveSendMss()));
            await(() -> client.closed, Duration.ofSeconds(10), "TIME-WAIT after our close");
            System.out.printf("ringstack client -> Linux: %d B each way in %.1f s; %s%n", BYTES, seconds,
                peer.onStackThread(tcp -> tcp.countersSnapshot().toString()));
        }
    }

    @Test
    void resetsBothWays() throws Exception
    {
        try (LinuxTcpPeer peer = new LinuxTcpPeer(SUBNETS.incrementAndGet(), CONFIG))
        {
            // Linux connects to a port nobody listens on: our reset makes it ECONNREFUSED
            final String refused = peer.namespace.command("python3", "-c",
                "import socket\ntry:\n socket.create_connection(('" + peer.ourAddress + "', 5999), timeout=5)\n" +
                "except ConnectionRefusedError:\n print('refused')").run().stdout();
            assertEquals("refused", refused.strip());
            // we connect to a Linux port nobody listens on: Linux's reset refuses us
            final Side toNowhere = new Side(0, true);
            peer.onStackThread(tcp -> tcp.connect(Ipv4Address.parse(peer.linuxAddress), 5998, toNowhere));
            await(() -> toNowhere.reset != null, Duration.ofSeconds(5), "Linux's reset");
            assertEquals("REFUSED", toNowhere.reset);
            // we abort an established connection: the Linux application sees ECONNRESET
            final Side aborting = new Side(0, false);
            peer.onStackThread(tcp -> tcp.listen(5003, 4, listener ->
            {
                final TcpConnection c = listener.accept(aborting);
                if (c != null)
                {
                    aborting.connection = c;
                }
            }));
            final BackgroundProcess client = peer.namespace.startInNamespace("python3", "-c",
                "import socket,time\ns = socket.create_connection(('" + peer.ourAddress + "', 5003), timeout=10)\n" +
                "s.sendall(b'hello')\nprint('connected', flush=True)\n" +
                "try:\n print('read', s.recv(100))\nexcept ConnectionResetError:\n print('reset')");
            client.awaitOutput("connected", Duration.ofSeconds(10));
            await(() -> aborting.receivedBytes == 5, Duration.ofSeconds(5), "hello");
            peer.onStackThread(tcp ->
            {
                aborting.connection.abort();
                return null;
            });
            assertEquals(0, client.waitFor(Duration.ofSeconds(10)));
            assertTrue(client.stdout().contains("reset"), client.stdout());
        }
    }

    private static String line(final String output, final String prefix)
    {
        return output.lines().filter(l -> l.startsWith(prefix + " ")).findFirst().orElse("(no '" + prefix + "' line)");
    }

    private static String hex(final MessageDigest digest)
    {
        return HexFormat.of().formatHex(digest.digest());
    }
}
