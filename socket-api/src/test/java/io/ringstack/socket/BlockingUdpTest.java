package io.ringstack.socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocking UDP socket over two in-memory hosts: echo of mixed sizes (some fragmented), timeouts, addresses. */
class BlockingUdpTest
{
    private NetStack.Pair pair;

    @BeforeEach
    void setUp()
    {
        pair = NetStack.inMemoryPair(
            NetStack.builder("a").mac(0x5254_0000_0A01L).address("10.0.0.1/24").socketRingBytes(32 * 1024),
            NetStack.builder("b").mac(0x5254_0000_0A02L).address("10.0.0.2/24").socketRingBytes(32 * 1024));
    }

    @AfterEach
    void tearDown()
    {
        pair.close();
        assertEquals(0, pair.a().outstandingBuffers());
        assertEquals(0, pair.b().outstandingBuffers());
    }

    @Test
    void echoesDatagramsOfMixedSizesInOrderOneAtATime() throws Exception
    {
        final UdpSocket server = pair.b().openUdp(9);
        final UdpSocket client = pair.a().openUdp(0);
        final Thread echo = new Thread(() ->
        {
            final DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            try
            {
                for (int i = 0; i < 500; i++)
                {
                    packet.setLength(65536);
                    server.receive(packet);
                    server.send(packet); // back to where it came from
                }
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
        });
        echo.start();
        client.setReceiveTimeout(5, TimeUnit.SECONDS);
        final Random random = new Random(3);
        final InetAddress b = InetAddress.getByName("10.0.0.2");
        final DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
        for (int i = 0; i < 500; i++)
        {
            final byte[] data = new byte[i % 50 == 0 ? 6000 : 1 + random.nextInt(1400)];
            random.nextBytes(data);
            client.send(new DatagramPacket(data, data.length, b, 9));
            in.setLength(65536);
            client.receive(in);
            assertArrayEquals(data, Arrays.copyOf(in.getData(), in.getLength()), "datagram " + i);
            assertEquals("10.0.0.2", in.getAddress().getHostAddress());
            assertEquals(9, in.getPort());
        }
        echo.join(5000);
        assertEquals(0, client.sendFailures() + server.sendFailures() + client.receiveDrops() + server.receiveDrops());
        assertTrue(client.localPort() >= 49152, "an ephemeral port: " + client.localPort());
        client.close();
        server.close();
    }

    @Test
    void aReceiveTimesOut() throws Exception
    {
        try (UdpSocket socket = pair.a().openUdp(5000))
        {
            socket.setReceiveTimeout(100, TimeUnit.MILLISECONDS);
            final SocketTimeoutException ex = assertThrows(SocketTimeoutException.class,
                () -> socket.receive(new DatagramPacket(new byte[10], 10)));
            assertEquals("Receive timed out after 100 ms on UDP port 5000", ex.getMessage());
        }
    }
}
