package io.ringstack.demo.http;

import io.ringstack.socket.NetStack;
import io.ringstack.socket.TcpSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server end to end on two in-process hosts: ringstack's blocking {@link TcpSocket} is the client, the server
 * runs on the other host's stack thread. Responses are checked byte for byte where they are small.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpServerInProcessTest
{
    private static final String SERVER = "10.0.0.2";
    private static final int PORT = 8080;

    private Path outside;
    private NetStack.Pair hosts;
    private HttpService service;

    @BeforeAll
    void start(@TempDir final Path dir) throws IOException
    {
        outside = Files.createTempDirectory("ringstack-http-outside");
        Files.writeString(outside.resolve("secret.txt"), "not for you\n");
        final Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("hello.txt"), "hello from a file\n");
        Files.writeString(site.resolve("index.html"), "<p>index</p>\n");
        Files.createDirectories(site.resolve("sub"));
        Files.writeString(site.resolve("sub/a b.json"), "{\"a\": 1}\n");
        final byte[] big = new byte[300_000];
        BytesPattern.copy(12345, big, 0, big.length);
        Files.write(site.resolve("big.bin"), big);
        Files.createSymbolicLink(site.resolve("escape.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(site.resolve("escapedir"), outside);
        hosts = NetStack.inMemoryPair(NetStack.builder("http-cli").mac(0x5254_0000_0B01L).address("10.0.0.1/24"),
            NetStack.builder("http-srv").mac(0x5254_0000_0B02L).address(SERVER + "/24"));
        service = HttpService.start(hosts.b(), PORT, HttpServerConfig.defaults().withDirectory(site));
    }

    @AfterAll
    void stop() throws IOException
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
        Files.deleteIfExists(outside.resolve("secret.txt"));
        Files.deleteIfExists(outside);
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

    private static void send(final TcpSocket socket, final String text) throws IOException
    {
        final OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response whose body has Content-Length, as text with the Date value masked. */
    private static String readRaw(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("end of stream inside a head: " + head);
            }
            head.write(b);
        }
        final String text = head.toString(StandardCharsets.ISO_8859_1);
        final java.util.regex.Matcher length = java.util.regex.Pattern.compile("Content-Length: (\\d+)\r\n")
            .matcher(text);
        final byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return (text + new String(body, StandardCharsets.ISO_8859_1))
            .replaceFirst("Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n", "Date: *\r\n");
    }

    private static String pattern(final int n)
    {
        final byte[] bytes = new byte[n];
        BytesPattern.copy(0, bytes, 0, n);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnectionByteForByte() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            for (int i = 0; i < 3; i++)
            {
                send(socket, "GET /bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK\r\nServer: ringstack\r\nDate: *\r\n" +
                    "Content-Type: application/octet-stream\r\nContent-Length: 10\r\n\r\n0123456789",
                    readRaw(socket.getInputStream()));
            }
            send(socket, "GET /bytes/0 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nServer: ringstack\r\nDate: *\r\n" +
                "Content-Type: application/octet-stream\r\nContent-Length: 0\r\n\r\n", readRaw(socket.getInputStream()));
            send(socket, "GET /no/such/thing HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 404 Not Found\r\nServer: ringstack\r\nDate: *\r\n" +
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\n404 Not Found\n",
                readRaw(socket.getInputStream()));
            send(socket, "DELETE /bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 405 Method Not Allowed\r\nServer: ringstack\r\nDate: *\r\nAllow: GET, HEAD\r\n" +
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\n\r\n405 Method Not Allowed\n",
                readRaw(socket.getInputStream()));
            send(socket, "GET /bytes/3 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readRaw(socket.getInputStream()).endsWith("\r\n\r\n012"), "the connection lives after 404, 405");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET /bytes/70000 HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked/3 HTTP/1.1\r\nHost: x\r\n\r\n" +
                "GET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /bytes/7 HTTP/1.1\r\nHost: x\r\n\r\n" +
                "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab\r\nxGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            final BlockingHttpClient.Response first = client.read(false);
            assertEquals(200, first.status());
            assertEquals(pattern(70000), first.bodyText(), "a response larger than the window first");
            final BlockingHttpClient.Response second = client.read(false);
            assertTrue(second.chunked());
            assertEquals("012", second.bodyText());
            assertEquals(404, client.read(false).status());
            final BlockingHttpClient.Response head = client.read(true);
            assertEquals("7", head.field("Content-Length"));
            assertEquals(405, client.read(false).status());
            final BlockingHttpClient.Response file = client.read(false);
            assertEquals(200, file.status(), "the POST's body was skipped, not parsed as a request");
            assertEquals("hello from a file\n", file.bodyText());
        }
    }

    @Test
    void chunkedResponsesAreFramedPerRfc9112() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            send(socket, "GET /chunked/20000 HTTP/1.1\r\nHost: x\r\n\r\n");
            final InputStream in = socket.getInputStream();
            final String body = pattern(20000);
            final String expectedTail = "\r\n\r\n4000\r\n" + body.substring(0, 16384) + "\r\ne20\r\n" +
                body.substring(16384) + "\r\n0\r\n\r\n";
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n"))
            {
                got.write(in.read());
            }
            final String text = got.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n") && text.contains("\r\nTransfer-Encoding: chunked\r\n") &&
                !text.contains("Content-Length"), text.substring(0, 200));
            assertTrue(text.endsWith(expectedTail), "chunk-size CRLF data CRLF ..., last-chunk, final CRLF");
            // decoded by the client, large: many chunks, streamed under back-pressure
            final BlockingHttpClient client = client(socket);
            client.send(BlockingHttpClient.request("GET", "/chunked/1000003", "x"));
            final BlockingHttpClient.Response big = client.read(false);
            assertTrue(big.chunked());
            assertEquals(1000003, big.body().length);
            assertEquals(0, BytesPattern.mismatches(0, big.body(), 0, big.body().length));
        }
    }

    @Test
    void headHasTheFieldsOfGetButNoBody() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            send(socket, "HEAD /bytes/1000 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nServer: ringstack\r\nDate: *\r\nContent-Type: application/octet-stream\r\n" +
                "Content-Length: 1000\r\n\r\n", readRaw(new InputStream()
                {
                    private final InputStream in = socket.getInputStream();
                    private boolean headDone;
                    private final StringBuilder seen = new StringBuilder();

                    @Override
                    public int read() throws IOException
                    {
                        final int b = in.read();
                        seen.append((char)b);
                        headDone = seen.toString().endsWith("\r\n\r\n");
                        return b;
                    }

                    @Override
                    public byte[] readNBytes(final int len)
                    {
                        return new byte[0]; // HEAD: the body that GET would have sent does not come
                    }
                }));
            send(socket, "HEAD /chunked/5 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /nope HTTP/1.1\r\nHost: x\r\n\r\n" +
                "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/4 HTTP/1.1\r\nHost: x\r\n\r\n");
            final BlockingHttpClient client = client(socket);
            assertEquals("chunked", client.read(true).field("Transfer-Encoding"));
            final BlockingHttpClient.Response notFound = client.read(true);
            assertEquals(404, notFound.status());
            assertEquals("14", notFound.field("Content-Length"));
            assertEquals("18", client.read(true).field("Content-Length"));
            assertEquals("0123", client.read(false).bodyText(), "no stray body bytes came before this response");
        }
    }

    @Test
    void tenMegabytesStreamWithTheRightDigest() throws Exception
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send(BlockingHttpClient.request("GET", "/bytes/10000000", "x"));
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            final BlockingHttpClient.Response response = client.read(false, sha256::update);
            assertEquals(200, response.status());
            assertEquals(10_000_000L, response.bodyLength());
            final MessageDigest expected = MessageDigest.getInstance("SHA-256");
            final byte[] block = new byte[1 << 20];
            for (long at = 0; at < 10_000_000L; at += block.length)
            {
                final int n = (int)Math.min(block.length, 10_000_000L - at);
                BytesPattern.copy(at, block, 0, n);
                expected.update(block, 0, n);
            }
            assertEquals(HexFormat.of().formatHex(expected.digest()), HexFormat.of().formatHex(sha256.digest()));
            client.send(BlockingHttpClient.request("GET", "/bytes/2", "x"));
            assertEquals("01", client.read(false).bodyText(), "and the connection goes on");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET /bytes/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            final BlockingHttpClient.Response response = client.read(false);
            assertEquals("01234", response.bodyText());
            assertEquals("close", response.field("Connection"));
            assertTrue(client.atEndOfStream(), "the server closed after the response");
        }
    }

    @Test
    void requestsPipelinedAfterConnectionCloseAreDiscardedNotReset() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET /bytes/100000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" +
                "GET /bytes/5 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20));
            final BlockingHttpClient.Response response = client.read(false);
            assertEquals(100000, response.body().length, "the whole response arrived");
            assertTrue(client.atEndOfStream());
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET /chunked/5 HTTP/1.0\r\n\r\n");
            final BlockingHttpClient.Response response = client.read(false);
            assertEquals("5", response.field("Content-Length"), "no chunked coding for HTTP/1.0 (RFC 9112 §6.1)");
            assertNull(response.field("Transfer-Encoding"));
            assertEquals("close", response.field("Connection"));
            assertTrue(client.atEndOfStream());
        }
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            for (int i = 0; i < 3; i++)
            {
                client.send("GET /bytes/6 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                final BlockingHttpClient.Response response = client.read(false);
                assertEquals("keep-alive", response.field("Connection"), "RFC 9112 §9.3 for HTTP/1.0");
                assertEquals("012345", response.bodyText());
            }
        }
    }

    @Test
    void malformedRequestsGet400AndTheConnectionCloses() throws IOException
    {
        for (final String bad : new String[] {"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "\u0016\u0003\u0001\u0002\u0000\u0001\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX: 1\r\n folded\r\n\r\n"})
        {
            try (TcpSocket socket = connect())
            {
                final BlockingHttpClient client = client(socket);
                client.send(bad);
                final BlockingHttpClient.Response response = client.read(false);
                assertEquals(400, response.status(), bad);
                assertEquals("close", response.field("Connection"));
                assertTrue(client.atEndOfStream(), bad);
            }
        }
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET / HTTP/2.0\r\nHost: x\r\n\r\n");
            assertEquals(505, client.read(false).status());
        }
    }

    @Test
    void oversizedHeadersGet431AndTooLargeBodies413() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(20_000) + "\r\n\r\n");
            final BlockingHttpClient.Response response = client.read(false);
            assertEquals(431, response.status());
            assertEquals("431 Request Header Fields Too Large\n", response.bodyText());
            assertTrue(client.atEndOfStream(), "the rest of the oversized head is discarded, then the connection ends");
        }
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send("GET /bytes/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
            assertEquals(413, client.read(false).status());
            assertTrue(client.atEndOfStream());
        }
    }

    @Test
    void aRequestSentOneByteAtATimeIsServed() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final byte[] request = "GET /bytes/9 HTTP/1.1\r\nHost: x\r\nUser-Agent: slow\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
            final OutputStream out = socket.getOutputStream();
            for (final byte b : request)
            {
                out.write(b);
                out.flush();
                Thread.onSpinWait();
            }
            assertEquals("012345678", client(socket).read(false).bodyText());
        }
    }

    @Test
    void staticFilesAreServedAndNothingOutsideTheirDirectory() throws IOException
    {
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send(BlockingHttpClient.request("GET", "/hello.txt", "x"));
            final BlockingHttpClient.Response hello = client.read(false);
            assertEquals("hello from a file\n", hello.bodyText());
            assertEquals("text/plain; charset=utf-8", hello.field("Content-Type"));
            client.send(BlockingHttpClient.request("GET", "/", "x"));
            assertEquals("<p>index</p>\n", client.read(false).bodyText(), "a directory serves index.html");
            client.send(BlockingHttpClient.request("GET", "/sub/a%20b.json?v=1", "x"));
            final BlockingHttpClient.Response json = client.read(false);
            assertEquals("{\"a\": 1}\n", json.bodyText(), "percent-decoded");
            assertEquals("application/json", json.field("Content-Type"));
            client.send(BlockingHttpClient.request("GET", "/big.bin", "x"));
            final BlockingHttpClient.Response big = client.read(false);
            assertEquals(300_000, big.body().length);
            assertEquals(0, BytesPattern.mismatches(12345, big.body(), 0, big.body().length));
            for (final String escape : new String[] {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt", "/escape.txt", "/escapedir/secret.txt", "/sub/",
                "//etc/passwd", "/%00", "/%zz", "/" + outside + "/secret.txt",
                "http://x/../secret.txt", "/sub/..\\..\\secret.txt"})
            {
                client.send(BlockingHttpClient.request("GET", escape, "x"));
                final BlockingHttpClient.Response refused = client.read(false);
                assertEquals(404, refused.status(), escape);
                assertFalse(refused.bodyText().contains("not for you"), escape);
            }
        }
    }

    /** Steady state: GET /bytes/N allocates nothing on the server's stack thread (parser, routing, head, body). */
    @Test
    void bytesRequestsAllocateNothingOnTheStackThread() throws Exception
    {
        final Thread stackThread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("ringstack-http-srv")).findFirst().orElseThrow();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            final byte[] small = BlockingHttpClient.request("GET", "/bytes/100", "x");
            final byte[] large = BlockingHttpClient.request("GET", "/bytes/40000", "x");
            final byte[] chunked = BlockingHttpClient.request("GET", "/chunked/20000", "x");
            final byte[][] mix = {small, large, chunked, small};
            final BlockingHttpClient.BodySink discard = (b, o, l) -> { };
            for (int i = 0; i < 4000; i++)
            {
                client.send(mix[i % mix.length]);
                client.read(false, discard);
            }
            // The stack thread also allocates a few bytes now and then by itself (tens of bytes a second with a
            // connection idle, seen without any HTTP server). A per-request allocation would show in every round,
            // at least 16 B x 2,000; so: at least one round allocates nothing, and none a byte per request.
            final long[] rounds = new long[6];
            for (int round = 0; round < rounds.length; round++)
            {
                final long before = threads.getThreadAllocatedBytes(stackThread.threadId());
                for (int i = 0; i < 2000; i++)
                {
                    client.send(mix[i % mix.length]);
                    assertEquals(200, client.read(false, discard).status());
                }
                rounds[round] = threads.getThreadAllocatedBytes(stackThread.threadId()) - before;
            }
            final String seen = java.util.Arrays.toString(rounds);
            assertEquals(0, java.util.Arrays.stream(rounds).min().orElseThrow(),
                "bytes allocated by the stack thread in rounds of 2,000 requests: " + seen);
            assertTrue(java.util.Arrays.stream(rounds).allMatch(r -> r < 2000), seen);
        }
    }

    @Test
    void countersTellWhatHappened() throws IOException
    {
        final Map<String, Long> before = service.counters();
        try (TcpSocket socket = connect())
        {
            final BlockingHttpClient client = client(socket);
            client.send(BlockingHttpClient.request("GET", "/bytes/123", "x"));
            client.read(false);
            client.send("GET / HTTP/1.1\r\nHost: x\r\nX: " + "x".repeat(9000) + "\r\n\r\n");
            assertEquals(431, client.read(false).status());
        }
        final Map<String, Long> after = service.counters();
        assertEquals(2, after.get("http.requests") - before.get("http.requests") +
            after.get("http.refused.header_section_too_large") -
            before.get("http.refused.header_section_too_large"), after.toString());
        assertEquals(1, after.get("http.responses.2xx") - before.get("http.responses.2xx"));
        assertEquals(1, after.get("http.responses.4xx") - before.get("http.responses.4xx"));
        assertEquals(123, after.get("http.body.bytes") - before.get("http.body.bytes"));
        assertEquals(1, after.get("http.connections.accepted") - before.get("http.connections.accepted"));
    }

    @Test
    void idleConnectionsAndLingeringClosesEndOnTheSweep() throws Exception
    {
        final HttpServerConfig quick = HttpServerConfig.defaults().withTimeouts(TimeUnit.MILLISECONDS.toNanos(300),
            TimeUnit.MILLISECONDS.toNanos(300));
        try (HttpService shortLived = HttpService.start(hosts.b(), PORT + 2, quick);
             TcpSocket idle = hosts.a().connect(SERVER, PORT + 2, 5, TimeUnit.SECONDS))
        {
            idle.setReadTimeout(5, TimeUnit.SECONDS);
            final BlockingHttpClient client = client(idle);
            client.send(BlockingHttpClient.request("GET", "/bytes/3", "x"));
            assertEquals("012", client.read(false).bodyText());
            final long start = System.nanoTime();
            assertTrue(client.atEndOfStream(), "closed by the server once idle");
            final long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= 250 && waited < 4000, "closed after the idle time, at a sweep: " + waited + " ms");
            // a client that never closes its side after "Connection: close": FIN, then the linger time, then gone
            final TcpSocket lingering = hosts.a().connect(SERVER, PORT + 2, 5, TimeUnit.SECONDS);
            lingering.setReadTimeout(5, TimeUnit.SECONDS);
            final BlockingHttpClient second = client(lingering);
            second.send("GET /bytes/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals("0", second.read(false).bodyText());
            assertTrue(second.atEndOfStream());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (hosts.b().submit(() -> shortLived.server().openConnections()).get() > 0 &&
                System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertEquals(0, hosts.b().submit(() -> shortLived.server().openConnections()).get(),
                "the lingering connection was let go");
            lingering.close();
        }
    }

    @Test
    void theRootWithoutADirectoryIsTheIndexPage() throws Exception
    {
        try (HttpService plain = HttpService.start(hosts.b(), PORT + 1, HttpServerConfig.defaults());
             TcpSocket socket = hosts.a().connect(SERVER, PORT + 1, 5, TimeUnit.SECONDS))
        {
            final BlockingHttpClient client = client(socket);
            client.send(BlockingHttpClient.request("GET", "/", "x"));
            final BlockingHttpClient.Response index = client.read(false);
            assertEquals("text/html; charset=utf-8", index.field("Content-Type"));
            assertTrue(index.bodyText().contains("/bytes/N"), index.bodyText());
            client.send(BlockingHttpClient.request("GET", "/hello.txt", "x"));
            assertEquals(404, client.read(false).status(), "no files without a directory");
        }
    }
}
