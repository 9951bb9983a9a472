package io.ringstack.socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocking java.net-style API over two in-memory hosts (10.0.0.1 and 10.0.0.2), each on its own stack thread:
 * data both ways with SHA-256, EOF, half-close, timeouts, refused and reset connections, back-pressure from a
 * slow reader, many connections, and nothing left behind after close.
 */
class BlockingSocketsTest
{
    /** Blocking peers need threads of their own (the common pool may have one worker on two cores). */
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
    private NetStack.Pair pair;

    @BeforeEach
    void setUp()
    {
        pair = NetStack.inMemoryPair(NetStack.builder("a").mac(0x5254_0000_0A01L).address("10.0.0.1/24"),
            NetStack.builder("b").mac(0x5254_0000_0A02L).address("10.0.0.2/24"));
    }

    @AfterEach
    void tearDown()
    {
        threads.shutdownNow();
        pair.close();
        assertEquals(0, pair.a().outstandingBuffers(), "buffers left in a's pool after close");
        assertEquals(0, pair.b().outstandingBuffers(), "buffers left in b's pool after close");
    }

    @Test
    void echoesTenMegabytesWithHalfClose() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(7, 16);
        final CompletableFuture<Long> echoed = CompletableFuture.supplyAsync(() -> echoOnce(server), threads);
        final byte[] data = new byte[10 * 1024 * 1024];
        new Random(1).nextBytes(data);
        try (TcpSocket socket = pair.a().connect("10.0.0.2", 7, 5, TimeUnit.SECONDS))
        {
            final CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> readAll(socket), threads);
            final OutputStream out = socket.getOutputStream();
            for (int at = 0; at < data.length; at += 100_000)
            {
                out.write(data, at, Math.min(100_000, data.length - at));
            }
            socket.shutdownOutput();
            final byte[] received = back.get(60, TimeUnit.SECONDS);
            assertEquals(data.length, received.length);
            assertArrayEquals(sha256(data), sha256(received));
        }
        assertEquals(data.length, echoed.get(10, TimeUnit.SECONDS));
        server.close();
    }

    @Test
    void readsTheDataThenEndOfStream() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(80, 4);
        final CompletableFuture<Void> serve = CompletableFuture.runAsync(() ->
        {
            try (TcpSocket accepted = server.accept(5, TimeUnit.SECONDS))
            {
                accepted.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            }
            catch (final IOException ex)
            {
                throw new AssertionError(ex);
            }
        }, threads);
        try (TcpSocket socket = pair.a().connect("10.0.0.2", 80, 5, TimeUnit.SECONDS))
        {
            socket.setReadTimeout(5, TimeUnit.SECONDS);
            assertEquals("hello", new String(readAll(socket), StandardCharsets.US_ASCII));
            assertEquals(-1, socket.getInputStream().read(), "EOF stays EOF");
        }
        serve.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aReadTimesOutWhenNothingArrives() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(81, 4);
        try (TcpSocket socket = pair.a().connect("10.0.0.2", 81, 5, TimeUnit.SECONDS);
             TcpSocket accepted = server.accept(5, TimeUnit.SECONDS))
        {
            socket.setReadTimeout(200, TimeUnit.MILLISECONDS);
            final long start = System.nanoTime();
            final SocketTimeoutException ex = assertThrows(SocketTimeoutException.class,
                () -> socket.getInputStream().read(new byte[10]));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
            assertTrue(ex.getMessage().startsWith("Read timed out after 200 ms"), ex.getMessage());
            assertTrue(accepted.toString().contains("10.0.0.1"), accepted.toString());
        }
        final SocketTimeoutException acceptTimeout = assertThrows(SocketTimeoutException.class,
            () -> server.accept(100, TimeUnit.MILLISECONDS));
        assertTrue(acceptTimeout.getMessage().contains("port 81"), acceptTimeout.getMessage());
        server.close();
    }

    @Test
    void aClosedPortRefusesTheConnection()
    {
        final ConnectException ex = assertThrows(ConnectException.class,
            () -> pair.a().connect("10.0.0.2", 9999, 5, TimeUnit.SECONDS));
        assertEquals("Connection refused: 10.0.0.2:9999", ex.getMessage());
    }

    @Test
    void anAbortResetsThePeersRead() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(82, 4);
        try (TcpSocket socket = pair.a().connect("10.0.0.2", 82, 5, TimeUnit.SECONDS))
        {
            final TcpSocket accepted = server.accept(5, TimeUnit.SECONDS);
            accepted.abort();
            socket.setReadTimeout(5, TimeUnit.SECONDS);
            final SocketException ex = assertThrows(SocketException.class, () -> socket.getInputStream().read());
            assertEquals("Connection reset", ex.getMessage());
            final SocketException write = assertThrows(SocketException.class,
                () -> socket.getOutputStream().write(new byte[10]));
            assertEquals("Connection reset", write.getMessage());
        }
        assertThrows(SocketException.class, () -> new Object()
        {
            void use() throws IOException
            {
                final TcpSocket closed = pair.a().connect("10.0.0.2", 82, 5, TimeUnit.SECONDS);
                closed.close();
                closed.getInputStream().read();
            }
        }.use(), "reading a closed socket");
        server.close();
    }

    /** A reader that does not read: the writer blocks once the rings and TCP's windows are full, memory bounded. */
    @Test
    void aSlowReaderHoldsTheWriterBack() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(83, 4);
        final byte[] data = new byte[8 * 1024 * 1024];
        new Random(2).nextBytes(data);
        final AtomicLong written = new AtomicLong();
        try (TcpSocket socket = pair.a().connect("10.0.0.2", 83, 5, TimeUnit.SECONDS);
             TcpSocket accepted = server.accept(5, TimeUnit.SECONDS))
        {
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
            {
                try
                {
                    final OutputStream out = socket.getOutputStream();
                    for (int at = 0; at < data.length; at += 16384)
                    {
                        out.write(data, at, 16384);
                        written.addAndGet(16384);
                    }
                    socket.shutdownOutput();
                }
                catch (final IOException ex)
                {
                    throw new AssertionError(ex);
                }
            }, threads);
            // the writer stalls once the rings and TCP's windows are full: wait until its count stops moving
            long stalled = -1;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stalled != written.get() && System.nanoTime() < deadline)
            {
                stalled = written.get();
                Thread.sleep(100);
            }
            assertTrue(stalled > 0 && stalled < data.length / 4,
                "the writer ran ahead of a reader that reads nothing: " + stalled);
            Thread.sleep(300);
            assertEquals(stalled, written.get(), "the writer is blocked, not buffering without bound");
            final byte[] received = readAll(accepted);
            writer.get(30, TimeUnit.SECONDS);
            assertArrayEquals(sha256(data), sha256(received));
        }
        server.close();
    }

    @Test
    void twoHundredConnectionsAtOnce() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(84, 256);
        final CompletableFuture<Void> acceptor = CompletableFuture.runAsync(() ->
        {
            for (int i = 0; i < 200; i++)
            {
                try
                {
                    final TcpSocket accepted = server.accept(10, TimeUnit.SECONDS);
                    final int n = accepted.getInputStream().read();
                    accepted.getOutputStream().write(n + 1);
                    accepted.close();
                }
                catch (final IOException ex)
                {
                    throw new AssertionError(ex);
                }
            }
        }, threads);
        final List<TcpSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final TcpSocket socket = pair.a().connect("10.0.0.2", 84, 5, TimeUnit.SECONDS);
            socket.getOutputStream().write(i & 0x7F);
            sockets.add(socket);
        }
        for (int i = 0; i < 200; i++)
        {
            final TcpSocket socket = sockets.get(i);
            socket.setReadTimeout(10, TimeUnit.SECONDS);
            assertEquals((i & 0x7F) + 1, socket.getInputStream().read());
            socket.close();
        }
        acceptor.get(30, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void aFailingCommandIsCountedAndTheStackThreadGoesOn() throws Exception
    {
        pair.a().execute(() ->
        {
            throw new IllegalStateException("a command that fails");
        });
        assertEquals(Boolean.TRUE, pair.a().submit(() -> true).get(5, TimeUnit.SECONDS), "the stack thread runs on");
        assertEquals(1, pair.a().failures());
        assertEquals("a command that fails", pair.a().lastFailure().getMessage());
    }

    @Test
    void stackThreadObjectsRefuseOtherThreads()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> pair.a().tcp());
        assertTrue(ex.getMessage().contains("execute(...)"), ex.getMessage());
        assertEquals(Boolean.TRUE, pair.a().submit(() -> pair.a().tcp() != null).join());
    }

    private static long echoOnce(final TcpServerSocket server)
    {
        try (TcpSocket socket = server.accept(10, TimeUnit.SECONDS))
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final byte[] buffer = new byte[65536];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                out.write(buffer, 0, n);
                total += n;
            }
            return total;
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static byte[] readAll(final TcpSocket socket)
    {
        try
        {
            return socket.getInputStream().readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static byte[] sha256(final byte[] data) throws Exception
    {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
