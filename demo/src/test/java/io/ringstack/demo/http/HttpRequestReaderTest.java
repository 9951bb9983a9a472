package io.ringstack.demo.http;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
    void misuseIsTold()
    {
        final HttpRequestReader reader = reader();
        assertThrows(IllegalStateException.class, reader::next, "next() without a request");
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes(ONE + ONE));
        reader.read(buffer, 0, buffer.capacity());
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> reader.read(buffer, 0, buffer.capacity()));
        assertTrue(ex.getMessage().contains("call next()"), ex.getMessage());
    }
}
