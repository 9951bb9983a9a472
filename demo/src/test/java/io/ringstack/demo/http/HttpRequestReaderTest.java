package io.ringstack.demo.http;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests as TCP delivers them: in pieces of any size, several per piece (pipelining), split anywhere. Each piece
 * is copied into a buffer of its own (as each segment lands in its own RX buffer), so a head split across pieces
 * must be gathered, and one within a piece parsed where it is.
 */
class HttpRequestReaderTest
{
    private static final String ONE = "GET /bytes/100 HTTP/1.1\r\nHost: ringstack\r\nUser-Agent: curl/8\r\n" +
        "Accept: */*\r\n\r\n";
    private static final String TWO = "HEAD /chunked/7?x HTTP/1.1\nHost: h\nConnection: close\n\n";
    private static final String WITH_BODY = "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello=world";
    private static final String HTTP10 = "GET / HTTP/1.0\r\n\r\n";
    private static final String CHUNKED_HEAD = "POST /sha256 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    /** RFC 9112 §7.1's parts: sizes, an extension with a quoted value, data holding CRLF, last-chunk, trailers. */
    private static final String WIKI = CHUNKED_HEAD + "4\r\nWiki\r\n5;ext=1;q=\"a b\"\r\npedia\r\n" +
        "E\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-T: y\r\n\r\n";
    private static final String HEX_CASES = CHUNKED_HEAD + "000A\r\n0123456789\r\n" +
        "1b ; a\r\nabcdefghijklmnopqrstuvwxyz!\r\n00;last\r\n\r\n";
    private static final String EMPTY_CHUNKED = CHUNKED_HEAD + "0\r\n\r\n";

    /** What the reader found, as text: "REQUEST GET /bytes/100 keep" or "ERROR BAD_VERSION". */
    private static List<String> feed(final HttpRequestReader reader, final List<byte[]> pieces)
    {
        final List<String> found = new ArrayList<>();
        for (final byte[] piece : pieces)
        {
            final byte[] memory = new byte[piece.length + 64];
            System.arraycopy(piece, 0, memory, 32, piece.length);
            final UnsafeBuffer buffer = new UnsafeBuffer(memory);
            int at = 32;
            final int end = 32 + piece.length;
            while (at < end)
            {
                at += reader.read(buffer, at, end - at);
                if (reader.state() == HttpRequestReader.State.REQUEST)
                {
                    final HttpRequest r = reader.request();
                    found.add("REQUEST " + r.methodName() + " " + r.target() + " " +
                        (r.isPersistent() ? "keep" : "close"));
                    reader.next();
                }
                else if (reader.state() == HttpRequestReader.State.ERROR)
                {
                    found.add("ERROR " + reader.error());
                    return found;
                }
            }
        }
        return found;
    }

    /**
     * Like {@link #feed}, but each request's body is handed over ({@link HttpRequestReader#receiveBody()}): "REQUEST
     * POST /sha256" then "BODY text" (its spans joined) at BODY_END, or "ERROR reason".
     */
    private static List<String> receive(final HttpRequestReader reader, final List<byte[]> pieces)
    {
        final List<String> found = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (final byte[] piece : pieces)
        {
            final byte[] memory = new byte[piece.length + 64];
            System.arraycopy(piece, 0, memory, 32, piece.length);
            final UnsafeBuffer buffer = new UnsafeBuffer(memory);
            int at = 32;
            final int end = 32 + piece.length;
            while (at < end)
            {
                at += reader.read(buffer, at, end - at);
                switch (reader.state())
                {
                    case REQUEST ->
                    {
                        found.add("REQUEST " + reader.request().methodName() + " " + reader.request().target());
                        body.reset();
                        reader.receiveBody();
                        if (reader.state() == HttpRequestReader.State.BODY_END)
                        {
                            found.add("BODY " + body.toString(StandardCharsets.ISO_8859_1));
                            reader.next();
                        }
                    }
                    case BODY -> body.write(memory, reader.bodyOffset(), reader.bodyLength());
                    case BODY_END ->
                    {
                        body.write(memory, reader.bodyOffset(), reader.bodyLength());
                        assertEquals(body.size(), reader.bodyBytes(), "bodyBytes() counts the decoded body");
                        found.add("BODY " + body.toString(StandardCharsets.ISO_8859_1));
                        reader.next();
                    }
                    case ERROR ->
                    {
                        found.add("ERROR " + reader.error());
                        return found;
                    }
                    default ->
                    {
                    }
                }
            }
        }
        return found;
    }

    /** Every single cut, every pair of cuts, and one byte per piece. */
    private static List<List<byte[]>> everySplit(final byte[] all)
    {
        final List<List<byte[]>> splits = new ArrayList<>();
        for (int cut = 0; cut <= all.length; cut++)
        {
            splits.add(split(all, cut));
        }
        for (int first = 0; first <= all.length; first++)
        {
            for (int second = first; second <= all.length; second++)
            {
                splits.add(split(all, first, second));
            }
        }
        final List<byte[]> bytewise = new ArrayList<>();
        for (final byte b : all)
        {
            bytewise.add(new byte[] {b});
        }
        splits.add(bytewise);
        return splits;
    }

    private static HttpRequestReader reader()
    {
        return new HttpRequestReader(new HttpRequestParser(100), 8192, 1 << 20);
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<byte[]> split(final byte[] all, final int... cuts)
    {
        final List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (final int cut : cuts)
        {
            pieces.add(java.util.Arrays.copyOfRange(all, from, cut));
            from = cut;
        }
        pieces.add(java.util.Arrays.copyOfRange(all, from, all.length));
        return pieces;
    }

    @Test
    void oneRequestInOnePiece()
    {
        assertEquals(List.of("REQUEST GET /bytes/100 keep"), feed(reader(), List.of(bytes(ONE))));
    }

    @Test
    void pipelinedRequestsInOnePieceComeOutInOrder()
    {
        final String stream = ONE + WITH_BODY + TWO;
        assertEquals(List.of("REQUEST GET /bytes/100 keep", "REQUEST POST /form keep", "REQUEST HEAD /chunked/7?x close"),
            feed(reader(), List.of(bytes(stream))), "the POST's body is skipped, not taken for a request");
    }

    /** Every way to cut the stream in two, and in three (every pair of cut points), gives the same requests. */
    @ParameterizedTest
    @ValueSource(strings = {ONE, TWO, WITH_BODY, HTTP10, ONE + TWO, ONE + WITH_BODY + ONE + HTTP10})
    void splitsAtEveryByteBoundaryChangeNothing(final String stream)
    {
        final byte[] all = bytes(stream);
        final List<String> expected = feed(reader(), List.of(all));
        assertTrue(expected.size() >= 1 && expected.stream().allMatch(s -> s.startsWith("REQUEST")), expected.toString());
        for (int cut = 0; cut <= all.length; cut++)
        {
            assertEquals(expected, feed(reader(), split(all, cut)), "cut at " + cut);
        }
        for (int first = 0; first <= all.length; first++)
        {
            for (int second = first; second <= all.length; second++)
            {
                assertEquals(expected, feed(reader(), split(all, first, second)), "cuts at " + first + ", " + second);
            }
        }
        // one byte per piece: the worst fragmentation
        final List<byte[]> bytewise = new ArrayList<>();
        for (final byte b : all)
        {
            bytewise.add(new byte[] {b});
        }
        assertEquals(expected, feed(reader(), bytewise));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20260_8L})
    void randomPiecesOfAPipelineOfManyRequests(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StringBuilder stream = new StringBuilder();
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final int kind = random.nextInt(3);
            final String target = "/bytes/" + random.nextInt(1_000_000);
            stream.append(kind == 0 ? "GET " + target + " HTTP/1.1\r\nHost: h\r\nX-Pad: " + "p".repeat(random.nextInt(3000)) +
                "\r\n\r\n" : kind == 1 ? "\r\nHEAD " + target + " HTTP/1.1\nHost: h\n\n" :
                "GET " + target + " HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde");
            expected.add("REQUEST " + (kind == 1 ? "HEAD" : "GET") + " " + target + " keep");
        }
        final byte[] all = bytes(stream.toString());
        final List<byte[]> pieces = new ArrayList<>();
        for (int at = 0; at < all.length; )
        {
            final int n = Math.min(all.length - at, 1 + random.nextInt(1460));
            pieces.add(java.util.Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        assertEquals(expected, feed(reader(), pieces), "seed " + seed);
    }

    @Test
    void emptyLinesBeforeARequestAreIgnored()
    {
        assertEquals(List.of("REQUEST GET /bytes/100 keep", "REQUEST GET / close"),
            feed(reader(), split(bytes("\r\n\r\n" + ONE + "\r\n" + HTTP10), 1, 3)));
    }

    @Test
    void aHeadOverTheLimitIs431WhetherInOnePieceOrMany()
    {
        final String big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(8200) + "\r\n\r\n";
        assertEquals(List.of("ERROR HEADER_SECTION_TOO_LARGE"), feed(reader(), List.of(bytes(big))));
        final byte[] all = bytes(big);
        final List<byte[]> segments = new ArrayList<>();
        for (int at = 0; at < all.length; at += 1448)
        {
            segments.add(java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + 1448)));
        }
        assertEquals(List.of("ERROR HEADER_SECTION_TOO_LARGE"), feed(reader(), segments));
        // a head that never ends is refused once it passes the limit, without waiting for more
        final String endless = "GET / HTTP/1.1\r\nX: " + "e".repeat(9000);
        assertEquals(List.of("ERROR HEADER_SECTION_TOO_LARGE"), feed(reader(), List.of(bytes(endless))));
    }

    @Test
    void aHeadJustUnderTheLimitIsTaken()
    {
        final String prefix = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ";
        final String head = prefix + "b".repeat(8192 - prefix.length() - 4) + "\r\n\r\n";
        assertEquals(8192, head.length());
        assertEquals(List.of("REQUEST GET / keep"), feed(reader(), split(bytes(head), 4000)));
    }

    @Test
    void malformedRequestsStopTheStream()
    {
        assertEquals(List.of("REQUEST GET /bytes/100 keep", "ERROR BAD_REQUEST_LINE"),
            feed(reader(), List.of(bytes(ONE + "GARBAGE\r\n\r\n" + ONE))));
        assertEquals(List.of("ERROR BAD_VERSION"), feed(reader(), split(bytes("GET / HTTP/1.1x\r\n\r\n"), 9)));
        assertEquals(List.of("ERROR BARE_CR"), feed(reader(), List.of(bytes("GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n"))));
    }

    @Test
    void aBodyOverTheLimitIs413()
    {
        assertEquals(List.of("ERROR CONTENT_TOO_LARGE"),
            feed(reader(), List.of(bytes("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n"))));
        assertEquals(413, HttpRequestError.CONTENT_TOO_LARGE.status());
    }

    @Test
    void aBodySplitAcrossPiecesIsSkippedWhole()
    {
        final String stream = "GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3000\r\n\r\n" + "x".repeat(3000) + ONE;
        final byte[] all = bytes(stream);
        assertEquals(List.of("REQUEST GET /a keep", "REQUEST GET /bytes/100 keep"), feed(reader(),
            split(all, 60, 1460, 2920)));
    }

    @Test
    void aChunkedBodyIsDecodedIntoSpans()
    {
        assertEquals(List.of("REQUEST POST /sha256", "BODY Wikipedia in\r\n\r\nchunks.", "REQUEST GET /bytes/100",
            "BODY "), receive(reader(), List.of(bytes(WIKI + ONE))));
        assertEquals(List.of("REQUEST POST /sha256", "BODY 0123456789abcdefghijklmnopqrstuvwxyz!"),
            receive(reader(), List.of(bytes(HEX_CASES))), "upper and lower case hex, leading zeros, whitespace");
        assertEquals(List.of("REQUEST POST /sha256", "BODY ", "REQUEST GET /bytes/100", "BODY "),
            receive(reader(), List.of(bytes(EMPTY_CHUNKED + ONE))));
        assertEquals(List.of("REQUEST POST /form", "BODY hello=world", "REQUEST GET /bytes/100", "BODY "),
            receive(reader(), List.of(bytes(WITH_BODY + ONE))), "a Content-Length body is handed over the same way");
        assertEquals(List.of("REQUEST GET /bytes/100", "BODY ", "REQUEST GET /bytes/100", "BODY "),
            receive(reader(), List.of(bytes(ONE + ONE))), "no body: BODY_END at once");
    }

    @Test
    void aChunkedBodyIsSkippedWhenNotHandedOver()
    {
        assertEquals(List.of("REQUEST POST /sha256 keep", "REQUEST GET /bytes/100 keep", "REQUEST POST /sha256 keep",
            "REQUEST HEAD /chunked/7?x close"), feed(reader(), List.of(bytes(WIKI + ONE + HEX_CASES + TWO))));
    }

    /** Chunked streams cut anywhere, handed over or skipped: the same spans joined, the same requests. */
    @ParameterizedTest
    @ValueSource(strings = {WIKI, HEX_CASES + ONE, EMPTY_CHUNKED + WITH_BODY + WIKI})
    void chunkedBodiesSplitAtEveryByteBoundaryChangeNothing(final String stream)
    {
        final byte[] all = bytes(stream);
        final List<String> received = receive(reader(), List.of(all));
        final List<String> skipped = feed(reader(), List.of(all));
        assertTrue(received.stream().noneMatch(e -> e.startsWith("ERROR")), received.toString());
        for (final List<byte[]> pieces : everySplit(all))
        {
            final String cuts = pieces.stream().map(p -> Integer.toString(p.length)).toList().toString();
            assertEquals(received, receive(reader(), pieces), "pieces of " + cuts);
            assertEquals(skipped, feed(reader(), pieces), "skipped, pieces of " + cuts);
        }
    }

    /** Random binary bodies (CR and LF among the data) in random chunks with extensions and trailers, cut at random. */
    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9, 1234, 20260_8L})
    void randomChunkedBodiesComeOutByteForByte(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final List<String> expected = new ArrayList<>();
        for (int r = 0; r < 20; r++)
        {
            final byte[] body = new byte[random.nextInt(40_000)];
            for (int i = 0; i < body.length; i++)
            {
                body[i] = (byte)random.nextInt(256);
            }
            stream.writeBytes(bytes(CHUNKED_HEAD));
            for (int at = 0; at < body.length; )
            {
                final int n = Math.min(body.length - at, 1 + random.nextInt(random.nextBoolean() ? 20 : 9000));
                final String size = Integer.toHexString(n);
                stream.writeBytes(bytes((random.nextBoolean() ? size.toUpperCase() : "00" + size) +
                    (random.nextInt(4) == 0 ? ";e" + random.nextInt(100) + "=\"v\"" : "") + "\r\n"));
                stream.write(body, at, n);
                stream.writeBytes(bytes("\r\n"));
                at += n;
            }
            stream.writeBytes(bytes("0\r\n" + (random.nextBoolean() ? "Trailer-" + r + ": x\r\n" : "") + "\r\n"));
            expected.add("REQUEST POST /sha256");
            expected.add("BODY " + new String(body, StandardCharsets.ISO_8859_1));
        }
        final byte[] all = stream.toByteArray();
        final List<byte[]> pieces = new ArrayList<>();
        for (int at = 0; at < all.length; )
        {
            final int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 3 : 2920));
            pieces.add(Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        assertEquals(expected, receive(reader(), pieces), "seed " + seed);
    }

    static Stream<Arguments> malformedChunks()
    {
        return Stream.of(
            Arguments.of("x\r\nabc\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of(";ext\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("-5\r\nhello\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("0x5\r\nhello\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5 x\r\nhello\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5;e\u0001\r\nhello\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5\nhello\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5\r\nhello\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5\r\nhelloX\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5\r\nhell\r\n0\r\n\r\n", HttpRequestError.BAD_CHUNK),
            Arguments.of("5\rhello\r\n0\r\n\r\n", HttpRequestError.BARE_CR),
            Arguments.of("5\r\nhello\r0\r\n\r\n", HttpRequestError.BARE_CR),
            Arguments.of("0\r\nT: v\rx\r\n\r\n", HttpRequestError.BARE_CR),
            Arguments.of("0\r\nT: a\u0000b\r\n\r\n", HttpRequestError.BAD_FIELD_VALUE),
            Arguments.of("1;" + "e".repeat(HttpRequestReader.MAX_CHUNK_LINE_BYTES) + "\r\nx\r\n0\r\n\r\n",
                HttpRequestError.CHUNK_LINE_TOO_LONG),
            Arguments.of("0".repeat(HttpRequestReader.MAX_CHUNK_LINE_BYTES + 1) + "\r\n\r\n",
                HttpRequestError.CHUNK_LINE_TOO_LONG),
            Arguments.of("100001\r\n", HttpRequestError.CONTENT_TOO_LARGE),
            Arguments.of("FFFFFFFFFFFFFFFFFFFFFFFF\r\n", HttpRequestError.CONTENT_TOO_LARGE),
            Arguments.of("0\r\nT: " + "t".repeat(8200) + "\r\n\r\n", HttpRequestError.HEADER_SECTION_TOO_LARGE));
    }

    /** Malformed chunked framing is refused with its reason, handed over or skipped, whole or a byte at a time. */
    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("malformedChunks")
    void malformedChunkedBodiesAreRefused(final String chunks, final HttpRequestError expected)
    {
        final byte[] all = bytes(CHUNKED_HEAD + chunks + ONE);
        final List<byte[]> bytewise = new ArrayList<>();
        for (final byte b : all)
        {
            bytewise.add(new byte[] {b});
        }
        for (final List<byte[]> pieces : List.of(List.of(all), bytewise))
        {
            final List<String> received = receive(reader(), pieces);
            assertEquals("ERROR " + expected, received.getLast(), received.toString());
            assertTrue(received.stream().noneMatch(e -> e.startsWith("REQUEST GET")), "nothing after the error");
            assertEquals(List.of("REQUEST POST /sha256 keep", "ERROR " + expected), feed(reader(), pieces));
        }
        assertEquals(expected == HttpRequestError.CONTENT_TOO_LARGE ? 413 :
            expected == HttpRequestError.HEADER_SECTION_TOO_LARGE ? 431 : 400, expected.status());
    }

    @Test
    void theBodyLimitCountsEveryChunkBeforeItsData()
    {
        final String half = Integer.toHexString(1 << 19);
        final String exactlyOneMebibyte = half + "\r\n" + "a".repeat(1 << 19) + "\r\n" + half + "\r\n" +
            "b".repeat(1 << 19) + "\r\n0\r\n\r\n";
        final List<String> taken = receive(reader(), List.of(bytes(CHUNKED_HEAD + exactlyOneMebibyte)));
        assertEquals(2, taken.size(), "1 MiB is the limit, and allowed");
        assertEquals((1 << 20) + "BODY ".length(), taken.get(1).length());
        final String oneMore = half + "\r\n" + "a".repeat(1 << 19) + "\r\n" + half + "\r\n" + "b".repeat(1 << 19) +
            "\r\n1\r\nc\r\n0\r\n\r\n";
        assertEquals(List.of("REQUEST POST /sha256", "ERROR CONTENT_TOO_LARGE"),
            receive(reader(), List.of(bytes(CHUNKED_HEAD + oneMore))));
    }

    /** Steady state: decoding a pipelined chunked request and handing its spans over allocates nothing. */
    @Test
    void decodingChunkedBodiesAllocatesNothing()
    {
        final byte[] stream = bytes(WIKI + HEX_CASES + ONE);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[stream.length]);
        buffer.putBytes(0, stream);
        final HttpRequestReader reader = reader();
        final long[] sink = new long[1];
        final Runnable oneStream = () ->
        {
            for (int cut = 1; cut < stream.length; cut += 7)
            {
                // two pieces per pass: the head split across them is gathered in the reader's parse buffer
                for (int piece = 0; piece < 2; piece++)
                {
                    int at = piece == 0 ? 0 : cut;
                    final int end = piece == 0 ? cut : stream.length;
                    while (at < end)
                    {
                        at += reader.read(buffer, at, end - at);
                        switch (reader.state())
                        {
                            case REQUEST -> reader.receiveBody();
                            case BODY, BODY_END -> sink[0] += reader.bodyLength();
                            case ERROR -> throw new AssertionError(reader.error().toString());
                            default ->
                            {
                            }
                        }
                        if (reader.state() == HttpRequestReader.State.BODY_END)
                        {
                            reader.next(); // also right after receiveBody() for the GET, which has no body
                        }
                    }
                }
            }
        };
        for (int i = 0; i < 200; i++)
        {
            oneStream.run(); // warm-up
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++)
        {
            oneStream.run();
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink[0] > 0);
        assertEquals(0, allocated, "bytes allocated decoding " + 200 * (stream.length / 7) + " pipelines");
    }

    @Test
    void misuseIsTold()
    {
        final HttpRequestReader reader = reader();
        assertThrows(IllegalStateException.class, reader::next, "next() without a request");
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes(ONE + ONE));
        reader.read(buffer, 0, buffer.capacity());
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> reader.read(buffer, 0, buffer.capacity()));
        assertTrue(ex.getMessage().contains("call next()"), ex.getMessage());
        reader.receiveBody();
        assertEquals(HttpRequestReader.State.BODY_END, reader.state(), "a GET without a body ends it at once");
        assertThrows(IllegalStateException.class, reader::receiveBody, "receiveBody() without a request");
        assertThrows(IllegalStateException.class, () -> reader.read(buffer, 0, buffer.capacity()),
            "read() after BODY_END without next()");
    }
}
