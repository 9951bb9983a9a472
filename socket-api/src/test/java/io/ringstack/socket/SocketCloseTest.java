package io.ringstack.socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing one socket, as java.net does it: blocked callers wake, connections nobody will accept are reset. */
class SocketCloseTest
{
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private NetStack.Pair pair;

    @BeforeEach
    void setUp()
    {
        pair = NetStack.inMemoryPair(NetStack.builder("sc-a").mac(0x5254_0000_0F01L).address("10.0.0.1/24"),
            NetStack.builder("sc-b").mac(0x5254_0000_0F02L).address("10.0.0.2/24"));
    }

    @AfterEach
    void tearDown()
    {
        threads.shutdownNow();
        pair.close();
        assertEquals(0, pair.a().outstandingBuffers());
        assertEquals(0, pair.b().outstandingBuffers());
    }

    private CompletableFuture<Object> readIn(final TcpSocket socket)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return socket.getInputStream().read();
            }
            catch (final IOException ex)
            {
                return ex;
            }
        }, threads);
    }

    /** Like java.net.Socket#close: a thread blocked in read fails at once, though the peer keeps its side open. */
    @Test
    void closingASocketWakesTheThreadBlockedInItsRead() throws Exception
    {
        try (TcpServerSocket server = pair.b().listen(7, 4);
             TcpSocket client = pair.a().connect("10.0.0.2", 7, 5, TimeUnit.SECONDS);
             TcpSocket peer = server.accept(5, TimeUnit.SECONDS))
        {
            final CompletableFuture<Object> blocked = readIn(client);
            Thread.sleep(50);
            assertTrue(!blocked.isDone(), "the read waits for data");
            final long start = System.nanoTime();
            client.close();
            final Object outcome = blocked.get(5, TimeUnit.SECONDS);
            assertInstanceOf(SocketException.class, outcome);
            assertTrue(((SocketException)outcome).getMessage().contains("closed"), outcome.toString());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "woken at the close, not later");
            assertEquals(-1, peer.getInputStream().read(), "the peer got our FIN");
        }
    }

    /**
     * Connections that completed their handshake and were handed to the server socket, but never accepted, are
     * reset when it closes (they used to stay established, held by nobody, until the host closed).
     */
    @Test
    void closingAServerSocketResetsTheConnectionsNobodyAccepted() throws Exception
    {
        final TcpServerSocket server = pair.b().listen(7, 8);
        final List<TcpSocket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            clients.add(pair.a().connect("10.0.0.2", 7, 5, TimeUnit.SECONDS));
        }
        final List<CompletableFuture<Object>> reads = new ArrayList<>();
        for (final TcpSocket client : clients)
        {
            client.setReadTimeout(5, TimeUnit.SECONDS);
            reads.add(readIn(client));
        }
        Thread.sleep(50);
        server.close();
        for (final CompletableFuture<Object> read : reads)
        {
            final Object outcome;
            try
            {
                outcome = read.get(5, TimeUnit.SECONDS);
            }
            catch (final ExecutionException ex)
            {
                throw new AssertionError(ex.getCause());
            }
            assertInstanceOf(SocketException.class, outcome, "reset, not a read timeout: " + outcome);
            assertEquals("Connection reset", ((SocketException)outcome).getMessage());
        }
        clients.forEach(TcpSocket::close);
    }
}
