package io.ringstack.demo.http;

import io.ringstack.socket.NetStack;
import io.ringstack.socket.SocketSelector;
import io.ringstack.socket.TcpSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 keep-alive connections open at once to the HTTP server, driven by one client thread through a
 * {@link SocketSelector} (no thread per connection): every connection sends a request, the selector says which
 * have bytes, each response is parsed as it arrives, checked byte for byte, and the next request follows on the
 * same connection, five per connection. Settings raised through the public builder: the client's socket rings
 * ({@code socketRingBytes(4096)}, so 1,000 sockets take 8 MB rather than 128 MB); TCP's limits stay at their
 * defaults (16,384 connections), as does the server's (listen backlog 1,024, 1,024 pooled connection objects).
 */
class ThousandConnectionsInProcessTest
{
    private static final String SERVER = "10.0.0.2";
    private static final int PORT = 8090;
    private static final int CONNECTIONS = 1000;
    private static final int REQUESTS_EACH = 5;

    /** One connection's client: the request it waits on and the bytes of the response so far. */
    private static final class Client
    {
        final TcpSocket socket;
        final byte[] received = new byte[4096];
        int length;
        int done;
        int bodySize;

        Client(final TcpSocket socket)
        {
            this.socket = socket;
        }

        void send() throws IOException
        {
            bodySize = 100 + 37 * (done % 7); // a different size per request, to tell responses apart
            socket.getOutputStream().write(("GET /bytes/" + bodySize + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        }

        /** Takes what is readable; true when a whole response is in (it is checked and removed). */
        boolean receive() throws IOException
        {
            final InputStream in = socket.getInputStream();
            final int available = in.available();
            if (available == 0)
            {
                return false;
            }
            final int n = in.read(received, length, Math.min(available, received.length - length));
            assertTrue(n > 0, socket + ": end of stream in the middle of a response");
            length += n;
            final String text = new String(received, 0, length, StandardCharsets.ISO_8859_1);
            final int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0 || length < headEnd + 4 + bodySize)
            {
                return false;
            }
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
            assertTrue(text.contains("\r\nContent-Length: " + bodySize + "\r\n"), text);
            assertEquals(headEnd + 4 + bodySize, length, "no bytes beyond the response: " + text);
            assertEquals(0, BytesPattern.mismatches(0, received, headEnd + 4, bodySize), text);
            length = 0;
            done++;
            return true;
        }
    }

    @Test
    void aThousandKeepAliveConnectionsAtOnceFromOneThread() throws Exception
    {
        try (NetStack.Pair hosts = NetStack.inMemoryPair(
            NetStack.builder("many-cli").mac(0x5254_0000_0D01L).address("10.0.0.1/24").socketRingBytes(4096),
            NetStack.builder("many-srv").mac(0x5254_0000_0D02L).address(SERVER + "/24"));
             HttpService service = HttpService.start(hosts.b(), PORT, HttpServerConfig.defaults()))
        {
            final SocketSelector selector = new SocketSelector(2 * CONNECTIONS);
            final List<Client> clients = new ArrayList<>();
            try
            {
                for (int i = 0; i < CONNECTIONS; i++)
                {
                    final Client client = new Client(hosts.a().connect(SERVER, PORT, 10, TimeUnit.SECONDS));
                    selector.register(client.socket);
                    clients.add(client);
                }
                final int openAtOnce = hosts.b().submit(() -> service.server().openConnections())
                    .get(10, TimeUnit.SECONDS);
                // the last handshakes may still be on their way to the accept queue
                assertTrue(openAtOnce >= CONNECTIONS - 10, "open at the server: " + openAtOnce);
                for (final Client client : clients)
                {
                    client.send();
                }
                final List<TcpSocket> ready = new ArrayList<>();
                final java.util.IdentityHashMap<TcpSocket, Client> bySocket = new java.util.IdentityHashMap<>();
                clients.forEach(c -> bySocket.put(c.socket, c));
                int finished = 0;
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (finished < CONNECTIONS && System.nanoTime() < deadline)
                {
                    ready.clear();
                    selector.select(ready, 100, TimeUnit.MILLISECONDS);
                    for (final TcpSocket socket : ready)
                    {
                        final Client client = bySocket.get(socket);
                        while (client.done < REQUESTS_EACH && client.receive())
                        {
                            if (client.done < REQUESTS_EACH)
                            {
                                client.send();
                            }
                            else
                            {
                                finished++;
                            }
                        }
                    }
                }
                final int[] perConnection = clients.stream().mapToInt(c -> c.done).toArray();
                assertEquals(CONNECTIONS, finished, "connections that got all " + REQUESTS_EACH + " responses; " +
                    "responses per connection: " + Arrays.stream(perConnection).summaryStatistics());
                final Map<String, Long> counters = service.counters();
                assertEquals(CONNECTIONS, counters.get("http.connections.accepted"), "no reconnects: " + counters);
                assertEquals(CONNECTIONS, counters.get("http.connections.open.peak"), counters.toString());
                assertEquals((long)CONNECTIONS * REQUESTS_EACH, counters.get("http.responses.2xx"),
                    counters.toString());
            }
            finally
            {
                clients.forEach(c -> c.socket.close());
            }
            // the server lets each connection go when the client's FIN comes
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int open;
            do
            {
                Thread.sleep(20);
                open = hosts.b().submit(() -> service.server().openConnections()).get(10, TimeUnit.SECONDS);
            }
            while (open > 0 && System.nanoTime() < deadline);
            assertEquals(0, open, "connections the server still serves after every client closed");
        }
    }
}
