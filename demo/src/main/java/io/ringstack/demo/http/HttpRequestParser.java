package io.ringstack.demo.http;

import org.agrona.DirectBuffer;

/**
 * Parses one complete request head in place: the request-line and the header section up to and including the
 * empty line (RFC 9112 §2.1), read byte by byte from the buffer the bytes arrived in. Nothing is copied and
 * nothing allocated; the result goes into a reused {@link HttpRequest}.
 * <pre>
 *   HTTP-message   = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
 *   request-line   = method SP request-target SP HTTP-version
 *   field-line     = field-name ":" OWS field-value OWS
 * </pre>
 * Lines end in CRLF or a bare LF (RFC 9112 §2.2 lets a recipient accept LF alone); a bare CR anywhere else is
 * invalid. The fields the server acts on are Host, Connection, Content-Length, Transfer-Encoding and Expect; the
 * others are checked for syntax and otherwise ignored.
 */
public final class HttpRequestParser
{
    private static final byte[] GET = Ascii.bytes("GET");
    private static final byte[] HEAD = Ascii.bytes("HEAD");
    private static final byte[] POST = Ascii.bytes("POST");
    private static final byte[] HTTP_SLASH = Ascii.bytes("HTTP/");
    private static final byte[] HOST = Ascii.bytes("host");
    private static final byte[] CONNECTION = Ascii.bytes("connection");
    private static final byte[] CONTENT_LENGTH = Ascii.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = Ascii.bytes("transfer-encoding");
    private static final byte[] CLOSE = Ascii.bytes("close");
    private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
    private static final byte[] CHUNKED = Ascii.bytes("chunked");
    private static final byte[] EXPECT = Ascii.bytes("expect");
    private static final byte[] HUNDRED_CONTINUE = Ascii.bytes("100-continue");
    private static final byte[] HTTP_SCHEME = Ascii.bytes("http://");
    private static final byte[] HTTPS_SCHEME = Ascii.bytes("https://");
    private static final byte[] SLASH = Ascii.bytes("/");

    private final int maxFieldLines;

    /** A parser that refuses heads of more than {@code maxFieldLines} field lines (431). */
    public HttpRequestParser(final int maxFieldLines)
    {
        this.maxFieldLines = maxFieldLines;
    }

    /**
     * Parses the head {@code buffer[offset, offset + length)}, which ends with its empty line.
     *
     * @return null when the request is well formed (then {@code into} describes it), else why it is not.
     */
    public HttpRequestError parse(final DirectBuffer buffer, final int offset, final int length,
        final HttpRequest into)
    {
        into.reset(buffer);
        into.headLength = length;
        final int end = offset + length;
        int lineStart = offset;
        int lineEnd = lineEnd(buffer, lineStart, end);
        if (lineEnd < 0)
        {
            return HttpRequestError.BARE_CR;
        }
        final HttpRequestError lineError = requestLine(buffer, lineStart, lineEnd, into);
        if (lineError != null)
        {
            return lineError;
        }
        int codings = 0;
        int chunkedCodings = 0;
        boolean lastCodingChunked = false;
        while (true)
        {
            lineStart = next(buffer, lineEnd);
            if (lineStart >= end)
            {
                return HttpRequestError.BAD_REQUEST_LINE; // no empty line: the caller passed a truncated head
            }
            lineEnd = lineEnd(buffer, lineStart, end);
            if (lineEnd < 0)
            {
                return HttpRequestError.BARE_CR;
            }
            if (lineEnd == lineStart)
            {
                break; // the empty line: end of the header section
            }
            if (++into.fieldLines > maxFieldLines)
            {
                return HttpRequestError.HEADER_SECTION_TOO_LARGE;
            }
            // RFC 9112 §5.2 obs-fold, and §2.2 whitespace before the first field line: rejected
            if (Ascii.isWhitespace(buffer.getByte(lineStart)))
            {
                return HttpRequestError.OBSOLETE_LINE_FOLDING;
            }
            int colon = lineStart;
            while (colon < lineEnd && Ascii.isTchar(buffer.getByte(colon)))
            {
                colon++;
            }
            if (colon == lineEnd || colon == lineStart)
            {
                return HttpRequestError.BAD_FIELD_NAME;
            }
            final byte stop = buffer.getByte(colon);
            if (stop != Ascii.COLON)
            {
                // RFC 9112 §5.1: whitespace between the field name and the colon MUST be rejected with 400
                return Ascii.isWhitespace(stop) ? HttpRequestError.WHITESPACE_BEFORE_COLON :
                    HttpRequestError.BAD_FIELD_NAME;
            }
            final int nameLength = colon - lineStart;
            int valueStart = colon + 1;
            int valueEnd = lineEnd;
            for (int i = valueStart; i < valueEnd; i++)
            {
                if (!Ascii.isFieldValueByte(buffer.getByte(i)))
                {
                    return HttpRequestError.BAD_FIELD_VALUE;
                }
            }
            // RFC 9112 §5.1: OWS before and after the value is not part of it
            while (valueStart < valueEnd && Ascii.isWhitespace(buffer.getByte(valueStart)))
            {
                valueStart++;
            }
            while (valueEnd > valueStart && Ascii.isWhitespace(buffer.getByte(valueEnd - 1)))
            {
                valueEnd--;
            }
            if (Ascii.equalsIgnoreCase(buffer, lineStart, nameLength, HOST))
            {
                into.hostFields++;
            }
            else if (Ascii.equalsIgnoreCase(buffer, lineStart, nameLength, CONNECTION))
            {
                connectionOptions(buffer, valueStart, valueEnd, into);
            }
            else if (Ascii.equalsIgnoreCase(buffer, lineStart, nameLength, CONTENT_LENGTH))
            {
                final HttpRequestError error = contentLength(buffer, valueStart, valueEnd, into);
                if (error != null)
                {
                    return error;
                }
            }
            else if (Ascii.equalsIgnoreCase(buffer, lineStart, nameLength, TRANSFER_ENCODING))
            {
                // RFC 9110 §5.3: several field lines make one list, in order
                into.transferEncoding = true;
                int i = valueStart;
                while (i < valueEnd)
                {
                    final int codingEnd = codingEnd(buffer, i, valueEnd);
                    final int nameEnd = codingNameEnd(buffer, i, codingEnd);
                    if (nameEnd > i)
                    {
                        codings++;
                        lastCodingChunked = Ascii.equalsIgnoreCase(buffer, i, nameEnd - i, CHUNKED);
                        if (lastCodingChunked)
                        {
                            chunkedCodings++;
                        }
                    }
                    i = codingEnd + 1;
                    while (i < valueEnd && Ascii.isWhitespace(buffer.getByte(i)))
                    {
                        i++;
                    }
                }
            }
            else if (Ascii.equalsIgnoreCase(buffer, lineStart, nameLength, EXPECT))
            {
                into.expectContinue |= hasToken(buffer, valueStart, valueEnd, HUNDRED_CONTINUE);
            }
        }
        if (into.hostFields > 1)
        {
            return HttpRequestError.DUPLICATE_HOST; // RFC 9112 §3.2
        }
        if (into.hostFields == 0 && into.versionMinor >= 1)
        {
            return HttpRequestError.MISSING_HOST; // RFC 9112 §3.2: "MUST respond with a 400"
        }
        if (into.versionMinor == 0)
        {
            into.expectContinue = false; // RFC 9110 §10.1.1: "MUST ignore that expectation" in HTTP/1.0
        }
        if (into.transferEncoding)
        {
            // RFC 9112 §6.3 items 3 and 4
            if (into.contentLength >= 0)
            {
                return HttpRequestError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
            }
            // §7: chunked is the final coding, applied once; §6.1: 501 for a coding we do not understand
            if (!lastCodingChunked || chunkedCodings > 1)
            {
                return HttpRequestError.TRANSFER_ENCODING_NOT_CHUNKED;
            }
            if (codings > 1)
            {
                return HttpRequestError.TRANSFER_ENCODING_NOT_IMPLEMENTED;
            }
            into.chunked = true;
            if (into.versionMinor == 0)
            {
                // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing: "close the connection after
                // processing the message"
                into.connectionClose = true;
            }
        }
        return null;
    }

    /** The end of the line starting at {@code from} (before CRLF or LF), or -1 on a bare CR. */
    private static int lineEnd(final DirectBuffer buffer, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == Ascii.LF)
            {
                return i;
            }
            if (b == Ascii.CR)
            {
                // RFC 9112 §2.2: a CR is only allowed as part of CRLF
                return i + 1 < end && buffer.getByte(i + 1) == Ascii.LF ? i : -1;
            }
        }
        return end;
    }

    /** The start of the line after the one ending at {@code lineEnd} (past its CRLF or LF). */
    private static int next(final DirectBuffer buffer, final int lineEnd)
    {
        return buffer.getByte(lineEnd) == Ascii.CR ? lineEnd + 2 : lineEnd + 1;
    }

    private static HttpRequestError requestLine(final DirectBuffer buffer, final int start, final int end,
        final HttpRequest into)
    {
        int i = start;
        while (i < end && Ascii.isTchar(buffer.getByte(i)))
        {
            i++;
        }
        if (i == start)
        {
            return i < end && buffer.getByte(i) != Ascii.SP ? HttpRequestError.BAD_METHOD :
                HttpRequestError.BAD_REQUEST_LINE;
        }
        if (i == end || buffer.getByte(i) != Ascii.SP)
        {
            return i == end ? HttpRequestError.BAD_REQUEST_LINE : HttpRequestError.BAD_METHOD;
        }
        into.methodOffset = start;
        into.methodLength = i - start;
        into.method = Ascii.equals(buffer, start, i - start, GET) ? HttpMethod.GET :
            Ascii.equals(buffer, start, i - start, HEAD) ? HttpMethod.HEAD :
            Ascii.equals(buffer, start, i - start, POST) ? HttpMethod.POST : HttpMethod.OTHER;
        final int targetStart = ++i;
        while (i < end && buffer.getByte(i) != Ascii.SP)
        {
            if (!Ascii.isTargetByte(buffer.getByte(i)))
            {
                return HttpRequestError.BAD_TARGET;
            }
            i++;
        }
        if (i == targetStart || i == end)
        {
            return HttpRequestError.BAD_REQUEST_LINE; // an empty target, a double space, or no version
        }
        into.targetOffset = targetStart;
        into.targetLength = i - targetStart;
        final int versionStart = i + 1;
        // RFC 9112 §2.3: "HTTP/" DIGIT "." DIGIT, nothing after it
        if (end - versionStart != 8 || !Ascii.startsWith(buffer, versionStart, 8, HTTP_SLASH) ||
            !Ascii.isDigit(buffer.getByte(versionStart + 5)) || buffer.getByte(versionStart + 6) != '.' ||
            !Ascii.isDigit(buffer.getByte(versionStart + 7)))
        {
            return HttpRequestError.BAD_VERSION;
        }
        if (buffer.getByte(versionStart + 5) != '1')
        {
            return HttpRequestError.VERSION_NOT_SUPPORTED;
        }
        into.versionMinor = buffer.getByte(versionStart + 7) == '0' ? 0 : 1;
        return into.method == HttpMethod.OTHER ? null : path(buffer, into);
    }

    /** RFC 9112 §3.2.1 origin-form ("/path?query") or §3.2.2 absolute-form ("http://host/path?query"). */
    private static HttpRequestError path(final DirectBuffer buffer, final HttpRequest into)
    {
        final int start = into.targetOffset;
        final int end = start + into.targetLength;
        int pathStart;
        if (buffer.getByte(start) == '/')
        {
            pathStart = start;
        }
        else if (lowerStartsWith(buffer, start, end, HTTP_SCHEME) || lowerStartsWith(buffer, start, end, HTTPS_SCHEME))
        {
            pathStart = start + (buffer.getByte(start + 4) == ':' ? HTTP_SCHEME.length : HTTPS_SCHEME.length);
            while (pathStart < end && buffer.getByte(pathStart) != '/' && buffer.getByte(pathStart) != '?')
            {
                pathStart++;
            }
        }
        else
        {
            return HttpRequestError.BAD_TARGET; // asterisk-form and authority-form are for OPTIONS and CONNECT
        }
        int pathEnd = pathStart;
        while (pathEnd < end && buffer.getByte(pathEnd) != '?' && buffer.getByte(pathEnd) != '#')
        {
            pathEnd++;
        }
        if (pathEnd == pathStart)
        {
            // "http://host" or "http://host?q": an empty path, answered as "/" (RFC 9110 §4.2.3)
            into.pathOffset = pathStart;
            into.pathLength = 0;
            return null;
        }
        into.pathOffset = pathStart;
        into.pathLength = pathEnd - pathStart;
        return null;
    }

    private static boolean lowerStartsWith(final DirectBuffer buffer, final int start, final int end,
        final byte[] prefix)
    {
        return end - start > prefix.length && Ascii.equalsIgnoreCase(buffer, start, prefix.length, prefix);
    }

    /** RFC 9110 §7.6.1: Connection = #connection-option; "close" and "keep-alive" matter here. */
    private static void connectionOptions(final DirectBuffer buffer, final int start, final int end,
        final HttpRequest into)
    {
        int i = start;
        while (i < end)
        {
            while (i < end && (Ascii.isWhitespace(buffer.getByte(i)) || buffer.getByte(i) == Ascii.COMMA))
            {
                i++;
            }
            final int tokenStart = i;
            while (i < end && buffer.getByte(i) != Ascii.COMMA && !Ascii.isWhitespace(buffer.getByte(i)))
            {
                i++;
            }
            final int tokenLength = i - tokenStart;
            if (Ascii.equalsIgnoreCase(buffer, tokenStart, tokenLength, CLOSE))
            {
                into.connectionClose = true;
            }
            else if (Ascii.equalsIgnoreCase(buffer, tokenStart, tokenLength, KEEP_ALIVE))
            {
                into.connectionKeepAlive = true;
            }
        }
    }

    /**
     * RFC 9110 §8.6: Content-Length = 1*DIGIT. A list of equal values ("5, 5"), or several field lines with the
     * same value, is taken as that value; anything else is invalid.
     */
    private static HttpRequestError contentLength(final DirectBuffer buffer, final int start, final int end,
        final HttpRequest into)
    {
        int i = start;
        boolean any = false;
        while (i <= end)
        {
            int elementEnd = i;
            while (elementEnd < end && buffer.getByte(elementEnd) != Ascii.COMMA)
            {
                elementEnd++;
            }
            int s = i;
            int e = elementEnd;
            while (s < e && Ascii.isWhitespace(buffer.getByte(s)))
            {
                s++;
            }
            while (e > s && Ascii.isWhitespace(buffer.getByte(e - 1)))
            {
                e--;
            }
            for (int d = s; d < e; d++)
            {
                if (!Ascii.isDigit(buffer.getByte(d)))
                {
                    return HttpRequestError.BAD_CONTENT_LENGTH;
                }
            }
            if (e - s > 18)
            {
                return HttpRequestError.CONTENT_TOO_LARGE; // a number, but beyond any body we would discard
            }
            final long value = Ascii.parseDecimal(buffer, s, e - s);
            if (value < 0 || (into.contentLength >= 0 && into.contentLength != value))
            {
                return HttpRequestError.BAD_CONTENT_LENGTH;
            }
            into.contentLength = value;
            any = true;
            i = elementEnd + 1;
        }
        return any ? null : HttpRequestError.BAD_CONTENT_LENGTH;
    }

    /** The end of the list element starting at {@code from}: the next comma, or {@code end}. */
    private static int codingEnd(final DirectBuffer buffer, final int from, final int end)
    {
        int i = from;
        while (i < end && buffer.getByte(i) != Ascii.COMMA)
        {
            i++;
        }
        return i;
    }

    /**
     * The end of a transfer coding's name (RFC 9110 §10.1.4: transfer-coding = token *( OWS ";" OWS
     * transfer-parameter )); an empty list element (RFC 9110 §5.6.1) has none.
     */
    private static int codingNameEnd(final DirectBuffer buffer, final int from, final int end)
    {
        int i = from;
        while (i < end && buffer.getByte(i) != ';' && !Ascii.isWhitespace(buffer.getByte(i)))
        {
            i++;
        }
        return i;
    }

    /** Whether the list {@code buffer[start, end)} has the element {@code lowerCase} (RFC 9110 §5.6.1). */
    private static boolean hasToken(final DirectBuffer buffer, final int start, final int end, final byte[] lowerCase)
    {
        int i = start;
        while (i < end)
        {
            final int elementEnd = codingEnd(buffer, i, end);
            int s = i;
            int e = elementEnd;
            while (s < e && Ascii.isWhitespace(buffer.getByte(s)))
            {
                s++;
            }
            while (e > s && Ascii.isWhitespace(buffer.getByte(e - 1)))
            {
                e--;
            }
            if (Ascii.equalsIgnoreCase(buffer, s, e - s, lowerCase))
            {
                return true;
            }
            i = elementEnd + 1;
        }
        return false;
    }

    /** Whether the path is exactly "/" (an empty absolute-form path counts as "/"). */
    static boolean isRoot(final HttpRequest request)
    {
        return request.pathLength == 0 || Ascii.equals(request.buffer, request.pathOffset, request.pathLength, SLASH);
    }
}
