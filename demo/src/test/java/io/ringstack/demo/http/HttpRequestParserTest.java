package io.ringstack.demo.http;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request-line and header rules of RFC 9112 and RFC 9110, one complete head at a time. */
class HttpRequestParserTest
{
    private final HttpRequestParser parser = new HttpRequestParser(100);
    private final HttpRequest request = new HttpRequest();

    private HttpRequestError parse(final String head)
    {
        final byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        // at an offset inside a larger buffer, as in a TCP slice
        final byte[] memory = new byte[bytes.length + 40];
        System.arraycopy(bytes, 0, memory, 17, bytes.length);
        return parser.parse(new UnsafeBuffer(memory), 17, bytes.length, request);
    }

    @Test
    void aGetWithFieldsIsParsedInPlace()
    {
        assertNull(parse("GET /bytes/100?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t/1\r\nAccept: */*\r\n\r\n"));
        assertEquals(HttpMethod.GET, request.method());
        assertEquals("GET", request.methodName());
        assertEquals("/bytes/100?x=1", request.target());
        assertEquals("/bytes/100", request.path(), "the query is not part of the path");
        assertEquals(1, request.versionMinor());
        assertEquals(3, request.fieldLines());
        assertEquals(-1, request.contentLength());
        assertTrue(request.isPersistent(), "HTTP/1.1 persists by default (RFC 9112 §9.3)");
    }

    @Test
    void headAndOtherMethodsAreTold()
    {
        assertNull(parse("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(HttpMethod.HEAD, request.method());
        assertNull(parse("POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n"));
        assertEquals(HttpMethod.POST, request.method());
        assertEquals("POST", request.methodName());
        assertEquals(3, request.contentLength());
        assertTrue(request.hasBody());
        assertNull(parse("PUT /form HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(HttpMethod.OTHER, request.method());
        assertNull(parse("get / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(HttpMethod.OTHER, request.method(), "methods are case-sensitive (RFC 9110 §9.1)");
        assertNull(parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), "asterisk-form with OPTIONS: answered 405");
    }

    @Test
    void bareLineFeedsEndLines()
    {
        assertNull(parse("GET /a HTTP/1.1\nHost: a\n\n"), "RFC 9112 §2.2 allows LF alone");
        assertEquals("/a", request.path());
        assertNull(parse("GET /a HTTP/1.1\r\nHost: a\n\r\n"));
    }

    @Test
    void absoluteFormTakesThePathAfterTheAuthority()
    {
        assertNull(parse("GET http://example.com:8080/bytes/5?q HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"));
        assertEquals("/bytes/5", request.path());
        assertNull(parse("GET HTTP://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        assertEquals("/", request.path(), "an empty path is /");
        assertTrue(HttpRequestParser.isRoot(request));
    }

    @Test
    void persistenceFollowsVersionAndConnectionOptions()
    {
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
        assertFalse(request.isPersistent());
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, CLOSE\r\n\r\n"));
        assertFalse(request.isPersistent(), "close is one option of a list, case-insensitive");
        assertNull(parse("GET / HTTP/1.0\r\n\r\n"));
        assertFalse(request.isPersistent(), "HTTP/1.0 closes unless asked to keep alive");
        assertEquals(0, request.versionMinor());
        assertNull(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
        assertTrue(request.isPersistent());
        assertNull(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"));
        assertFalse(request.isPersistent());
        assertNull(parse("GET / HTTP/1.9\r\nHost: a\r\n\r\n"));
        assertEquals(1, request.versionMinor(), "a later 1.x is handled as 1.1 (RFC 9110 §2.5)");
    }

    @Test
    void contentLengthListsOfEqualValuesAreOneValue()
    {
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n"));
        assertEquals(5, request.contentLength());
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n"));
        assertEquals(7, request.contentLength());
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length:0\r\n\r\n"));
        assertEquals(0, request.contentLength());
    }

    @Test
    void transferEncodingChunkedFramesTheBody()
    {
        assertNull(parse("POST /sha256 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertTrue(request.isChunked());
        assertTrue(request.hasBody());
        assertEquals(-1, request.contentLength());
        assertTrue(request.isPersistent());
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , CHUNKED \r\n\r\n"),
            "case-insensitive, empty list elements allowed (RFC 9110 §5.6.1)");
        assertTrue(request.isChunked());
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertFalse(request.isChunked());
        assertFalse(request.hasBody(), "no Content-Length, no Transfer-Encoding: no body (RFC 9112 §6.3 item 7)");
        assertNull(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"));
        assertTrue(request.isChunked());
        assertFalse(request.isPersistent(), "RFC 9112 §6.1: HTTP/1.0 with Transfer-Encoding closes after the message");
    }

    @Test
    void expect100ContinueIsToldForHttp11Only()
    {
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n"));
        assertTrue(request.expectsContinue());
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: x, 100-continue \r\n\r\n"));
        assertTrue(request.expectsContinue());
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continued\r\n\r\n"));
        assertFalse(request.expectsContinue());
        assertNull(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
        assertFalse(request.expectsContinue(), "RFC 9110 §10.1.1: ignored in an HTTP/1.0 request");
    }

    @Test
    void fieldValuesMayCarryObsTextAndInnerWhitespace()
    {
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9  au\tlait \t\r\n\r\n"));
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n"), "an empty value is allowed");
    }

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            Arguments.of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_REQUEST_LINE),
            Arguments.of("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", HttpRequestError.BAD_VERSION),
            Arguments.of("GET /\r\nHost: a\r\n\r\n", HttpRequestError.BAD_REQUEST_LINE),
            Arguments.of("GET\r\n\r\n", HttpRequestError.BAD_REQUEST_LINE),
            Arguments.of(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_REQUEST_LINE),
            Arguments.of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_METHOD),
            Arguments.of("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_METHOD),
            Arguments.of("GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_TARGET),
            Arguments.of("GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_TARGET),
            Arguments.of("GET * HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_TARGET),
            Arguments.of("GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_TARGET),
            Arguments.of("GET / http/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BAD_VERSION),
            Arguments.of("GET / HTTP/1.10\r\nHost: a\r\n\r\n", HttpRequestError.BAD_VERSION),
            Arguments.of("GET / HTTP/11\r\nHost: a\r\n\r\n", HttpRequestError.BAD_VERSION),
            Arguments.of("GET / HTTP/2.0\r\nHost: a\r\n\r\n", HttpRequestError.VERSION_NOT_SUPPORTED),
            Arguments.of("GET / HTTP/0.9\r\n\r\n", HttpRequestError.VERSION_NOT_SUPPORTED),
            Arguments.of("GET / HTTP/1.1\r\nHost : a\r\n\r\n", HttpRequestError.WHITESPACE_BEFORE_COLON),
            Arguments.of("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", HttpRequestError.WHITESPACE_BEFORE_COLON),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", HttpRequestError.BAD_FIELD_NAME),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n", HttpRequestError.BAD_FIELD_NAME),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nBad(Name): x\r\n\r\n", HttpRequestError.BAD_FIELD_NAME),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n two\r\n\r\n", HttpRequestError.OBSOLETE_LINE_FOLDING),
            Arguments.of("GET / HTTP/1.1\r\n Host: a\r\n\r\n", HttpRequestError.OBSOLETE_LINE_FOLDING),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", HttpRequestError.BAD_FIELD_VALUE),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n", HttpRequestError.BAD_FIELD_VALUE),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", HttpRequestError.BARE_CR),
            Arguments.of("GET / HTTP/1.1\rHost: a\r\n\r\n", HttpRequestError.BARE_CR),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", HttpRequestError.BARE_CR),
            Arguments.of("GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n", HttpRequestError.MISSING_HOST),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", HttpRequestError.DUPLICATE_HOST),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", HttpRequestError.BAD_CONTENT_LENGTH),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", HttpRequestError.BAD_CONTENT_LENGTH),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                HttpRequestError.BAD_CONTENT_LENGTH),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", HttpRequestError.BAD_CONTENT_LENGTH),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", HttpRequestError.BAD_CONTENT_LENGTH),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", HttpRequestError.BAD_CONTENT_LENGTH),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n",
                HttpRequestError.CONTENT_TOO_LARGE),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                HttpRequestError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_CHUNKED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_IMPLEMENTED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_IMPLEMENTED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_CHUNKED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_CHUNKED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunkedx\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_CHUNKED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
                HttpRequestError.TRANSFER_ENCODING_NOT_CHUNKED),
            Arguments.of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                HttpRequestError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("malformed")
    void malformedHeadsAreRefusedWithTheirReason(final String head, final HttpRequestError expected)
    {
        assertEquals(expected, parse(head));
    }

    @Test
    void tooManyFieldLinesAre431()
    {
        final StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 100; i++)
        {
            head.append("X-").append(i).append(": v\r\n");
        }
        assertEquals(HttpRequestError.HEADER_SECTION_TOO_LARGE, parse(head + "\r\n"));
        assertEquals(431, HttpRequestError.HEADER_SECTION_TOO_LARGE.status());
    }

    @Test
    void aHeadWithoutItsEmptyLineIsRefused()
    {
        assertEquals(HttpRequestError.BAD_REQUEST_LINE, parse("GET / HTTP/1.1\r\nHost: a\r\n"));
    }
}
