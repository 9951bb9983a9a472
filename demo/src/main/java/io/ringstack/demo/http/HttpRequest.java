package io.ringstack.demo.http;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * One parsed request head, reused for every request of a connection. Its target and path are offsets into the
 * buffer it was parsed from (a TCP slice or the connection's parse buffer): valid until the reader moves on, so
 * the server routes the request before reading more.
 */
public final class HttpRequest
{
    DirectBuffer buffer;
    HttpMethod method;
    int methodOffset;
    int methodLength;
    int targetOffset;
    int targetLength;
    int pathOffset;
    int pathLength;
    int versionMinor;
    boolean connectionClose;
    boolean connectionKeepAlive;
    long contentLength;
    boolean transferEncoding;
    boolean chunked;
    boolean expectContinue;
    int hostFields;
    int fieldLines;
    int headLength;

    void reset(final DirectBuffer from)
    {
        buffer = from;
        method = HttpMethod.OTHER;
        methodOffset = 0;
        methodLength = 0;
        targetOffset = 0;
        targetLength = 0;
        pathOffset = 0;
        pathLength = 0;
        versionMinor = 1;
        connectionClose = false;
        connectionKeepAlive = false;
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        expectContinue = false;
        hostFields = 0;
        fieldLines = 0;
        headLength = 0;
    }

    public HttpMethod method()
    {
        return method;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (a later 1.x counts as 1.1, RFC 9110 §2.5). */
    public int versionMinor()
    {
        return versionMinor;
    }

    /**
     * Whether the connection persists after the response (RFC 9112 §9.3): HTTP/1.1 unless "close" is among the
     * Connection options; HTTP/1.0 only with "keep-alive" and without "close".
     */
    public boolean isPersistent()
    {
        return !connectionClose && (versionMinor >= 1 || connectionKeepAlive);
    }

    /** The declared body length, or -1 without Content-Length. */
    public long contentLength()
    {
        return contentLength;
    }

    /** Whether the body is sent in chunks ({@code Transfer-Encoding: chunked}, RFC 9112 §7.1). */
    public boolean isChunked()
    {
        return chunked;
    }

    /** Whether the request carries a body: chunked, or a Content-Length above 0 (RFC 9112 §6.3). */
    public boolean hasBody()
    {
        return chunked || contentLength > 0;
    }

    /**
     * Whether the client waits for "100 Continue" before it sends the body ({@code Expect: 100-continue} in an
     * HTTP/1.1 request; RFC 9110 §10.1.1: ignored in an HTTP/1.0 one).
     */
    public boolean expectsContinue()
    {
        return expectContinue;
    }

    public int fieldLines()
    {
        return fieldLines;
    }

    /** Bytes of the request-line and header section, the final empty line included. */
    public int headLength()
    {
        return headLength;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the path of the target starts in {@link #buffer()} (absolute-form: after the authority). */
    public int pathOffset()
    {
        return pathOffset;
    }

    /** The path's length, up to a '?' (the query is not part of it). */
    public int pathLength()
    {
        return pathLength;
    }

    /** The method's token, as a String (allocates: for tests and logs). */
    public String methodName()
    {
        return string(methodOffset, methodLength);
    }

    /** The request-target as sent (allocates: for tests and logs). */
    public String target()
    {
        return string(targetOffset, targetLength);
    }

    /** The path without the query, "/" when empty (allocates: for tests and logs). */
    public String path()
    {
        return pathLength == 0 ? "/" : string(pathOffset, pathLength);
    }

    private String string(final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
