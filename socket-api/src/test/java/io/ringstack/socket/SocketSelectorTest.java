package io.ringstack.socket;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One application thread serves 100 connections through a {@link SocketSelector}: only ready sockets are read. */
class SocketSelectorTest
{
    @Test
    void oneThreadServesAHundredConnections() throws Exception
    {
        try (NetStack.Pair pair = NetStack.inMemoryPair(
            NetStack.builder("a").mac(0x5254_0000_0A01L).address("10.0.0.1/24").socketRingBytes(4096),
            NetStack.builder("b").mac(0x5254_0000_0A02L).address("10.0.0.2/24").socketRingBytes(4096)))
        {
            final TcpServerSocket server = pair.b().listen(7, 128);
            final List<TcpSocket> clients = new ArrayList<>();
            final SocketSelector selector = new SocketSelector(256);
            for (int i = 0; i < 100; i++)
            {
                clients.add(pair.a().connect("10.0.0.2", 7, 5, TimeUnit.SECONDS));
                selector.register(server.accept(5, TimeUnit.SECONDS));
            }
            final List<TcpSocket> idle = new ArrayList<>();
            assertEquals(0, selector.select(idle, 50, TimeUnit.MILLISECONDS), "nothing is ready before data comes");
            for (int i = 0; i < 100; i += 2) // only the even clients speak
            {
                clients.get(i).getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            int answered = 0;
            final List<TcpSocket> ready = new ArrayList<>();
            final byte[] buffer = new byte[256];
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (answered < 50 && System.nanoTime() < deadline)
            {
                ready.clear();
                selector.select(ready, 1, TimeUnit.SECONDS);
                for (final TcpSocket socket : ready)
                {
                    assertTrue(socket.isReadable(), "a selected socket reads without blocking");
                    final int n = socket.getInputStream().read(buffer, 0, Math.min(buffer.length,
                        socket.getInputStream().available()));
                    socket.getOutputStream().write(buffer, 0, n);
                    answered++;
                }
            }
            assertEquals(50, answered, "each speaking connection selected once");
            for (int i = 0; i < 100; i += 2)
            {
                final TcpSocket client = clients.get(i);
                client.setReadTimeout(5, TimeUnit.SECONDS);
                final byte[] echo = new byte[("ping " + i + "\n").length()];
                int got = 0;
                while (got < echo.length)
                {
                    got += client.getInputStream().read(echo, got, echo.length - got);
                }
                assertEquals("ping " + i + "\n", new String(echo, StandardCharsets.US_ASCII));
            }
            for (final TcpSocket client : clients)
            {
                client.close();
            }
            server.close();
        }
    }
}
