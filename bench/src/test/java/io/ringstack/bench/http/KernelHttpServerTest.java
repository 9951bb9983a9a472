package io.ringstack.bench.http;

import io.ringstack.demo.http.BytesPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The java.nio baseline server over loopback: the demo's head and bytes, keep-alive, pipelining, errors, close. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelHttpServerTest
{
    private static final Pattern CONTENT_LENGTH = Pattern.compile("Content-Length: (\\d+)\r\n");

    private KernelHttpServer server;
    private int port;

    @BeforeAll
    void start() throws IOException
    {
        server = KernelHttpServer.start(new InetSocketAddress("127.0.0.1", 0), "kernel-http-test");
        port = server.localPort();
    }

    @AfterAll
    void stop()
    {
        server.close();
    }

    /** A response read off the stream: its head (with the final CRLF CRLF) and body. */
    private record Response(String head, byte[] body)
    {
    }

    private static Response read(final InputStream in, final boolean headOnly) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("the stream ended in a head: " + head);
            }
            head.write(b);
        }
        final String text = head.toString(StandardCharsets.US_ASCII);
        final Matcher length = CONTENT_LENGTH.matcher(text);
        assertTrue(length.find(), text);
        final byte[] body = headOnly ? new byte[0] : in.readNBytes(Integer.parseInt(length.group(1)));
        return new Response(text, body);
    }

    private static byte[] pattern(final int n)
    {
        final byte[] bytes = new byte[n];
        BytesPattern.copy(0, bytes, 0, n);
        return bytes;
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void answersTheDemosHeadAndBytesOnOneKeptAliveConnection() throws IOException
    {
        try (Socket socket = connect())
        {
            for (final int n : new int[] {0, 64, 4000, 1_000_000})
            {
                socket.getOutputStream().write(("GET /bytes/" + n + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                final Response response = read(socket.getInputStream(), false);
                assertTrue(response.head().matches("HTTP/1\\.1 200 OK\r\nServer: ringstack\r\nDate: [A-Z][a-z]{2}, " +
                    "\\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\nContent-Type: application/octet-stream" +
                    "\r\nContent-Length: " + n + "\r\n\r\n"), response.head());
                assertArrayEquals(pattern(n), response.body(), "/bytes/" + n);
            }
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws IOException
    {
        try (Socket socket = connect())
        {
            final StringBuilder requests = new StringBuilder();
            for (int i = 1; i <= 50; i++)
            {
                requests.append("GET /bytes/").append(i * 1000).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 1; i <= 50; i++)
            {
                assertArrayEquals(pattern(i * 1000), read(socket.getInputStream(), false).body(), "response " + i);
            }
        }
    }

    @Test
    void answersHeadWithoutBody404And405() throws IOException
    {
        try (Socket socket = connect())
        {
            final InputStream in = socket.getInputStream();
            socket.getOutputStream().write(("HEAD /bytes/123 HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n" +
                "DELETE /bytes/1 HTTP/1.1\r\n\r\nGET /bytes/7 HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final Response head = read(in, true);
            assertTrue(head.head().contains("Content-Length: 123\r\n"), head.head());
            final Response missing = read(in, false);
            assertTrue(missing.head().startsWith("HTTP/1.1 404 Not Found\r\n"), missing.head());
            assertEquals("404 Not Found\n", new String(missing.body(), StandardCharsets.US_ASCII));
            final Response method = read(in, false);
            assertTrue(method.head().startsWith("HTTP/1.1 405 Method Not Allowed\r\n") &&
                method.head().contains("Allow: GET, HEAD\r\n"), method.head());
            assertArrayEquals(pattern(7), read(in, false).body(), "the connection goes on after 404 and 405");
        }
    }

    @Test
    void closesAfterConnectionCloseAfterHttp10AndAfterABadRequest() throws IOException
    {
        for (final String request : new String[] {"GET /bytes/5 HTTP/1.1\r\nConnection: Close\r\n\r\n",
            "GET /bytes/5 HTTP/1.0\r\n\r\n", "GET /bytes/5 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            "nonsense\r\n\r\n"})
        {
            try (Socket socket = connect())
            {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                final Response response = read(socket.getInputStream(), false);
                assertTrue(response.head().contains("Connection: close\r\n"), request + " -> " + response.head());
                assertEquals(-1, socket.getInputStream().read(), "closed after " + request);
            }
        }
    }

    @Test
    void refusesAHeadLongerThan8KibWith431() throws IOException
    {
        try (Socket socket = connect())
        {
            socket.getOutputStream().write(("GET /bytes/5 HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            final Response response = read(socket.getInputStream(), false);
            assertTrue(response.head().startsWith("HTTP/1.1 431 "), response.head());
        }
    }

    @Test
    void countsResponses() throws IOException
    {
        final long before = server.responses();
        try (Socket socket = connect())
        {
            for (int i = 0; i < 3; i++)
            {
                socket.getOutputStream().write("GET /bytes/1 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                read(socket.getInputStream(), false);
            }
        }
        assertEquals(3, server.responses() - before, "counted before each was written");
    }
}
