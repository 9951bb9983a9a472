package io.ringstack.demo;

import io.ringstack.demo.http.BytesPattern;
import io.ringstack.demo.http.HttpServerConfig;
import io.ringstack.demo.http.HttpService;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.socket.NetStack;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.RequiresRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK's own clients, in this JVM, against ringstack over a TAP device that stays in the root namespace with
 * Linux's address on it: Linux's TCP and UDP carry {@link HttpClient}, {@link Socket} and {@link DatagramSocket} to
 * ringstack's HTTP server, TCP echo server ({@link EchoCommand#serveEcho}) and a UDP echo on its event loop.
 * <pre>
 *   this JVM: java.net clients -- Linux 198.18.81.1/24 (root namespace) -- TAP rs-PID-Nj -- ringstack 198.18.81.2
 *                                                                                          :80 HTTP, :7 TCP/UDP echo
 * </pre>
 * (The namespace made for the test only names the TAP device, so that a crashed run's leftovers are recognised.)
 */
@RequiresRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaClientsOverTapTest
{
    private static final String LINUX = "198.18.81.1";
    private static final String OURS = "198.18.81.2";
    private static final String BASE = "http://" + OURS;

    private NetworkNamespace naming;
    private NetStack host;
    private HttpService service;
    private HttpClient client;
    private final AtomicLong echoed = new AtomicLong();

    @BeforeAll
    void setUp() throws Exception
    {
        naming = LinuxNetwork.createNamespace();
        final String tap = naming.interfaceName("j");
        host = NetStack.builder("java-tap").mac(0x0252_5300_0081L).address(OURS + "/24").tap(tap, LINUX + "/24")
            .start();
        LinuxNetwork.disableIpv6(tap);
        service = HttpService.start(host, 80, HttpServerConfig.defaults().withMaxBodyBytes(16 << 20));
        EchoCommand.serveEcho(host, echoed);
        host.submit(() ->
        {
            final io.ringstack.ip.udp.UdpSocket udp = host.ipv4().openUdp(EchoCommand.PORT);
            final UdpDatagram datagram = new UdpDatagram();
            final UdpSendBuffer reply = new UdpSendBuffer();
            udp.readableListener(socket ->
            {
                while (socket.receive(datagram))
                {
                    if (socket.claim(datagram.length(), reply))
                    {
                        reply.buffer().putBytes(reply.offset(), datagram.buffer(), datagram.offset(),
                            datagram.length());
                        socket.send(reply, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
                    }
                    datagram.release();
                }
            });
            return udp;
        }).get(10, TimeUnit.SECONDS);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void tearDown()
    {
        if (client != null)
        {
            client.close();
        }
        if (service != null)
        {
            service.close();
        }
        if (host != null)
        {
            host.close();
            assertEquals(0, host.outstandingBuffers(), "buffers leaked");
        }
        if (naming != null)
        {
            naming.close();
        }
    }

    private HttpResponse<byte[]> get(final String path) throws IOException, InterruptedException
    {
        return client.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] pattern(final int n)
    {
        final byte[] bytes = new byte[n];
        BytesPattern.copy(0, bytes, 0, n);
        return bytes;
    }

    private static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Sequential requests of many sizes, Content-Length and chunked, byte for byte, over one kept-alive connection. */
    @Test
    void httpClientGetsEveryBodyByteForByteOverOneConnection() throws Exception
    {
        final Map<String, Long> before = service.counters();
        final int[] sizes = {0, 1, 63, 64, 1459, 1460, 1461, 65_535, 65_536, 300_001};
        for (final int n : sizes)
        {
            for (final String kind : new String[] {"/bytes/", "/chunked/"})
            {
                final HttpResponse<byte[]> response = get(kind + n);
                assertEquals(200, response.statusCode(), kind + n);
                assertEquals(HttpClient.Version.HTTP_1_1, response.version());
                assertEquals(n, response.body().length, kind + n);
                assertEquals(0, BytesPattern.mismatches(0, response.body(), 0, n), kind + n);
                if (kind.equals("/chunked/"))
                {
                    assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(""));
                }
                else
                {
                    assertEquals(Long.toString(n), response.headers().firstValue("Content-Length").orElse(""));
                }
            }
        }
        assertEquals(404, get("/nope").statusCode());
        final Map<String, Long> after = service.counters();
        assertEquals(2 * sizes.length + 1, after.get("http.requests") - before.get("http.requests"));
        assertEquals(1, after.get("http.connections.accepted") - before.get("http.connections.accepted"),
            "HttpClient kept its one connection alive for all the requests");
    }

    /** Many requests at once: HttpClient opens several connections, each body still right. */
    @Test
    void httpClientConcurrentRequestsAllComplete() throws Exception
    {
        final List<CompletableFuture<HttpResponse<byte[]>>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create(BASE + "/bytes/" + (1000 * i + 7)))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < futures.size(); i++)
        {
            final byte[] body = futures.get(i).get(30, TimeUnit.SECONDS).body();
            assertEquals(1000 * i + 7, body.length);
            assertEquals(0, BytesPattern.mismatches(0, body, 0, body.length), "request " + i);
        }
    }

    /** 10 MB streamed through HttpClient's InputStream, every byte checked against the pattern as it comes. */
    @Test
    void httpClientDownloadsTenMegabytes() throws Exception
    {
        final int size = 10_000_000;
        final HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(BASE + "/bytes/" +
            size)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(Long.toString(size), response.headers().firstValue("Content-Length").orElse(""));
        long position = 0;
        long wrong = 0;
        final byte[] buffer = new byte[65536];
        try (InputStream body = response.body())
        {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer))
            {
                wrong += BytesPattern.mismatches(position, buffer, 0, n);
                position += n;
            }
        }
        assertEquals(size, position);
        assertEquals(0, wrong);
    }

    /**
     * HttpClient sends a body of unknown length with {@code Transfer-Encoding: chunked}, one of known length with
     * Content-Length: {@code POST /sha256} digests both right.
     */
    @Test
    void httpClientUploadsChunkedAndSizedBodies() throws Exception
    {
        final byte[] body = new byte[2_500_000];
        new SplittableRandom(81).nextBytes(body);
        final Map<String, Long> before = service.counters();
        final HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create(BASE + "/sha256"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chunked.statusCode(), chunked.body());
        assertEquals(sha256(body) + "\n", chunked.body());
        final HttpResponse<String> sized = client.send(HttpRequest.newBuilder(URI.create(BASE + "/sha256"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, 1_000_000)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(sha256(Arrays.copyOf(body, 1_000_000)) + "\n", sized.body());
        final Map<String, Long> after = service.counters();
        assertEquals(3_500_000, after.get("http.request.body.bytes") - before.get("http.request.body.bytes"));
    }

    /**
     * A java.net.Socket against ringstack's TCP echo server: 2 MB written by one thread while another reads the echo
     * back, then half-close: every byte comes back in order, then EOF (the server closes after our FIN). Five times:
     * the echo server once stalled on the tail (it waited for an onWritable that only a short write brings) or
     * reset when the FIN found bytes unread, in about half the runs.
     */
    @RepeatedTest(5)
    void socketEchoesEveryByteAndHalfCloseEndsInEof() throws Exception
    {
        final byte[] sent = new byte[2_000_000];
        new SplittableRandom(7).nextBytes(sent);
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(OURS, EchoCommand.PORT), 5000);
            socket.setSoTimeout(20_000);
            final CompletableFuture<Void> writing = CompletableFuture.runAsync(() ->
            {
                try
                {
                    final OutputStream out = socket.getOutputStream();
                    final SplittableRandom sizes = new SplittableRandom(8);
                    for (int at = 0; at < sent.length; )
                    {
                        final int n = Math.min(sent.length - at, 1 + sizes.nextInt(20_000));
                        out.write(sent, at, n);
                        at += n;
                    }
                    socket.shutdownOutput(); // FIN after the last byte
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            final byte[] received = socket.getInputStream().readAllBytes(); // up to EOF
            writing.get(20, TimeUnit.SECONDS);
            assertEquals(sent.length, received.length, "all echoed, then EOF");
            assertArrayEquals(sent, received);
        }
    }

    /** Several short exchanges on a few connections at once: what is written is read back, message by message. */
    @Test
    void socketsExchangeMessagesInParallel() throws Exception
    {
        final List<CompletableFuture<Integer>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++)
        {
            final int id = c;
            clients.add(CompletableFuture.supplyAsync(() ->
            {
                try (Socket socket = new Socket(OURS, EchoCommand.PORT))
                {
                    socket.setSoTimeout(10_000);
                    socket.setTcpNoDelay(true);
                    final byte[] message = new byte[100 + id];
                    final byte[] back = new byte[message.length];
                    for (int m = 0; m < 200; m++)
                    {
                        Arrays.fill(message, (byte)(id * 31 + m));
                        socket.getOutputStream().write(message);
                        socket.getInputStream().readNBytes(back, 0, back.length);
                        assertArrayEquals(message, back, "connection " + id + " message " + m);
                    }
                    return 200;
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException("connection " + id, ex);
                }
            }));
        }
        for (final CompletableFuture<Integer> c : clients)
        {
            assertEquals(200, c.get(30, TimeUnit.SECONDS));
        }
    }

    /** RFC 9293 §3.10.7.1: a SYN to a port nobody listens on is answered with RST: Linux says "refused". */
    @Test
    void connectingToAClosedPortIsRefused()
    {
        final ConnectException refused = assertThrows(ConnectException.class, () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(OURS, 9), 5000);
            }
        });
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
    }

    /** A DatagramSocket against the UDP echo: sizes up to 8,000 B (fragmented both ways), each echoed exactly. */
    @Test
    void datagramSocketGetsEachDatagramEchoed() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LINUX), 0)))
        {
            socket.setSoTimeout(5000);
            final InetSocketAddress echo = new InetSocketAddress(OURS, EchoCommand.PORT);
            final SplittableRandom random = new SplittableRandom(3);
            final byte[] back = new byte[65536];
            for (final int size : new int[] {0, 1, 18, 512, 1472, 1473, 3000, 8000, 1, 100})
            {
                final byte[] data = new byte[size];
                random.nextBytes(data);
                socket.send(new DatagramPacket(data, data.length, echo));
                final DatagramPacket reply = new DatagramPacket(back, back.length);
                socket.receive(reply);
                assertEquals(echo, reply.getSocketAddress(), "from the echo's address and port");
                assertArrayEquals(data, Arrays.copyOf(back, reply.getLength()), size + " bytes");
            }
        }
    }
}
