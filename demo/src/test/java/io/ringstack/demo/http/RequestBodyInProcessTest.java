package io.ringstack.demo.http;

import io.ringstack.socket.NetStack;
import io.ringstack.socket.TcpSocket;
import io.ringstack.tcp.TcpConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies end to end on two in-process hosts: {@code POST /sha256} digests what it reads, Content-Length or
 * chunked (RFC 9112 §7.1) in chunks of any size, after "100 Continue" when asked; framing errors and limits end
 * the connection with 400 or 413; the stack thread allocates nothing per request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestBodyInProcessTest
{
    private static final String SERVER = "10.0.0.2";
    private static final int PORT = 8081;
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private NetStack.Pair hosts;
    private HttpService service;

    @BeforeAll
    void start()
    {
        // the client sends each request whole without Nagle's wait for the ACK the server delays (40 ms)
        hosts = NetStack.inMemoryPair(NetStack.builder("body-cli").mac(0x5254_0000_0C01L).address("10.0.0.1/24")
                .tcp(TcpConfig.defaults().withNoDelay(true)),
            NetStack.builder("body-srv").mac(0x5254_0000_0C02L).address(SERVER + "/24"));
        service = HttpService.start(hosts.b(), PORT, HttpServerConfig.defaults().withMaxBodyBytes(8 << 20));
    }

    @AfterAll
    void stop()
    {
        if (service != null)
        {
            service.close();
        }
        if (hosts != null)
        {
            hosts.close();
            assertEquals(0, hosts.b().outstandingBuffers(), "the server host leaked pool buffers");
        }
    }

    private TcpSocket connect() throws IOException
    {
        final TcpSocket socket = hosts.a().connect(SERVER, PORT, 5, TimeUnit.SECONDS);
        socket.setReadTimeout(20, TimeUnit.SECONDS);
        return socket;
    }

    private static BlockingHttpClient client(final TcpSocket socket)
    {
        return new BlockingHttpClient(socket.getInputStream(), socket.getOutputStream());
    }

    static String sha256(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static byte[] randomBytes(final SplittableRandom random, final int n)
    {
        final byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
    }

    /** {@code body} in chunks of random sizes, some with extensions, then last-chunk and maybe a trailer field. */
    static byte[] chunked(final byte[] body, final SplittableRandom random)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; )
        {
            final int n = Math.min(body.length - at, 1 + random.nextInt(random.nextInt(4) == 0 ? 30 : 70_000));
            out.writeBytes((Integer.toHexString(n) + (random.nextInt(5) == 0 ? ";x=\"y z\"" : "") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            at += n;
        }
        out.writeBytes((random.nextBoolean() ? "0\r\n\r\n" : "0\r\nX-Checksum: none\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aContentLengthBodyIsDigested() throws IOException
    {
        final byte[] body = new byte[100_000];
        BytesPattern.copy(0, body, 0, body.length);
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send(concat(ascii("POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"), body));
            final BlockingHttpClient.Response response = client.read(false);
            assertEquals(200, response.status());
            assertEquals("text/plain; charset=utf-8", response.field("Content-Type"));
            assertEquals(sha256(body) + "\n", response.bodyText());
        }
    }

    /** 3 MB of random bytes in random chunks (1 B to 70 KB), twice on one connection, then a GET on it. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 2026})
    void aChunkedBodyIsDigestedWhateverTheChunks(final long seed) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] first = randomBytes(random, 3_000_000);
        final byte[] second = randomBytes(random, 1 + random.nextInt(100_000));
        final Map<String, Long> before = service.counters();
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            final byte[] head = ascii("POST /sha256 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            client.send(concat(head, chunked(first, random), head, chunked(second, random),
                BlockingHttpClient.request("GET", "/bytes/5", "x")));
            assertEquals(sha256(first) + "\n", client.read(false).bodyText(), "seed " + seed);
            assertEquals(sha256(second) + "\n", client.read(false).bodyText(), "seed " + seed);
            assertEquals("01234", client.read(false).bodyText(), "the connection goes on after chunked bodies");
        }
        final Map<String, Long> after = service.counters();
        assertEquals(first.length + second.length,
            after.get("http.request.body.bytes") - before.get("http.request.body.bytes"));
    }

    @Test
    void emptyBodiesHaveTheDigestOfNothing() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" +
                "POST /sha256 HTTP/1.1\r\nHost: x\r\n\r\n" +
                "POST /sha256 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            for (int i = 0; i < 3; i++)
            {
                assertEquals(EMPTY_SHA256 + "\n", client.read(false).bodyText());
            }
        }
    }

    /** RFC 9110 §10.1.1: the client waits for 100 Continue before it sends the body; the final answer follows. */
    @Test
    void expect100ContinueGetsAnInterimResponseFirst() throws IOException
    {
        final byte[] body = ascii("hello, continued");
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("POST /sha256 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" +
                "Transfer-Encoding: chunked\r\n\r\n");
            final BlockingHttpClient.Response interim = client.read(false);
            assertEquals(100, interim.status());
            assertEquals("HTTP/1.1 100 Continue", interim.statusLine());
            assertTrue(interim.fields().isEmpty(), interim.fields().toString());
            client.send(chunked(body, new SplittableRandom(5)));
            assertEquals(sha256(body) + "\n", client.read(false).bodyText());
            // no 100 for a request answered without reading its body (RFC 9110 §10.1.1: "MAY ... final status")
            client.send("POST /bytes/3 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            assertEquals(405, client.read(false).status());
        }
    }

    @Test
    void otherMethodsOnSha256Get405AndPostElsewhereSkipsTheChunkedBody() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET /sha256 HTTP/1.1\r\nHost: x\r\n\r\n" +
                "POST /bytes/3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nGET\r\n0\r\n\r\n" +
                "GET /bytes/3 HTTP/1.1\r\nHost: x\r\n\r\n");
            final BlockingHttpClient.Response get = client.read(false);
            assertEquals(405, get.status());
            assertEquals("POST", get.field("Allow"));
            final BlockingHttpClient.Response post = client.read(false);
            assertEquals(405, post.status());
            assertEquals("GET, HEAD", post.field("Allow"));
            assertEquals("012", client.read(false).bodyText(), "the chunked body was skipped, not taken for a request");
        }
    }

    @Test
    void malformedChunksGet400AndTooLargeBodies413ThenTheConnectionEnds() throws IOException
    {
        final String head = "POST /sha256 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (final String chunks : new String[] {"5\r\nhelloX\r\n0\r\n\r\n", "zz\r\n", "5\nhello\r\n0\r\n\r\n",
            "1;" + "e".repeat(2000) + "\r\nx\r\n0\r\n\r\n"})
        {
            try (TcpSocket socket = connect())
            {
                final BlockingHttpClient client = client(socket);
                client.send(head + chunks + "GET /bytes/1 HTTP/1.1\r\nHost: x\r\n\r\n");
                final BlockingHttpClient.Response response = client.read(false);
                assertEquals(400, response.status(), chunks);
                assertEquals("close", response.field("Connection"));
                assertTrue(client.atEndOfStream(), "nothing after a framing error is trusted");
            }
        }
        try (TcpSocket socket = connect())
        {
            // 9 MiB announced, over the 8 MiB limit: refused before any of its data is read
            final BlockingHttpClient client = client(socket);
            client.send(head + Integer.toHexString(9 << 20) + "\r\n" + "x".repeat(1000));
            assertEquals(413, client.read(false).status());
            assertTrue(client.atEndOfStream());
        }
        try (TcpSocket socket = connect())
        {
            // 8 MiB in 5 MiB + 3 MiB is allowed; one byte more in a third chunk is not
            final BlockingHttpClient client = client(socket);
            final byte[] five = new byte[5 << 20];
            final byte[] three = new byte[3 << 20];
            client.send(concat(ascii(head + Integer.toHexString(five.length) + "\r\n"), five,
                ascii("\r\n" + Integer.toHexString(three.length) + "\r\n"), three, ascii("\r\n1\r\nz\r\n0\r\n\r\n")));
            assertEquals(413, client.read(false).status());
            assertTrue(client.atEndOfStream());
        }
        final Map<String, Long> counters = service.counters();
        assertTrue(counters.get("http.refused.bad_chunk") >= 2, counters.toString());
        assertTrue(counters.get("http.refused.chunk_line_too_long") >= 1, counters.toString());
        assertTrue(counters.get("http.refused.content_too_large") >= 2, counters.toString());
    }

    /** Steady state: chunked and Content-Length POSTs to /sha256 allocate nothing on the server's stack thread. */
    @Test
    void postsAllocateNothingOnTheStackThread() throws Exception
    {
        final Thread stackThread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("ringstack-body-srv")).findFirst().orElseThrow();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SplittableRandom random = new SplittableRandom(99);
        final byte[] body = randomBytes(random, 20_000);
        final byte[] chunkedPost = concat(
            ascii("POST /sha256 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(body, random));
        final byte[] lengthPost = concat(
            ascii("POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n"), body);
        final byte[] expected = ascii(sha256(body) + "\n");
        final byte[][] mix = {chunkedPost, lengthPost};
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            for (int i = 0; i < 2000; i++)
            {
                client.send(mix[i % 2]);
                assertTrue(Arrays.equals(expected, client.read(false).body()));
            }
            // as in HttpServerInProcessTest: the stack thread allocates a little by itself now and then; a
            // per-request allocation would show in every round
            final long[] rounds = new long[6];
            for (int round = 0; round < rounds.length; round++)
            {
                final long before = threads.getThreadAllocatedBytes(stackThread.threadId());
                for (int i = 0; i < 500; i++)
                {
                    client.send(mix[i % 2]);
                    assertEquals(200, client.read(false, (b, o, l) -> { }).status());
                }
                rounds[round] = threads.getThreadAllocatedBytes(stackThread.threadId()) - before;
            }
            final String seen = Arrays.toString(rounds);
            assertEquals(0, Arrays.stream(rounds).min().orElseThrow(),
                "bytes allocated by the stack thread in rounds of 500 POSTs: " + seen);
            // an allocation per request would be at least one 16-byte object each: 8,000 B a round
            assertTrue(Arrays.stream(rounds).allMatch(r -> r < 16 * 500), seen);
        }
    }
}
