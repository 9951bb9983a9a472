package io.ringstack.bench.http;

import io.ringstack.demo.http.BytesPattern;
import io.ringstack.demo.http.HttpDate;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection of the {@link KernelHttpServer}: reads requests into a direct buffer, answers
 * them one at a time into another (head, then the body generated with {@link BytesPattern#copy}, as the demo's
 * handler generates it into TX buffers) and writes that; while output is pending it waits for OP_WRITE and reads
 * nothing more (a pipelined request waits in the kernel's receive queue, as it waits in ringstack's TCP queue for
 * the demo).
 * <pre>
 *   in:  [consumed | request bytes not yet answered | free]       inStart .. inEnd
 *   out: [written  | response bytes not yet written | free]       outStart .. outEnd
 * </pre>
 * It answers {@code GET|HEAD /bytes/N} (200, the demo's fields), other paths 404, other methods 405, and closes
 * after 400 (a malformed request line or version, or a request with a body: a benchmark client sends none), 431
 * (head over 8 KiB, the demo's limit) or a request with {@code Connection: close}. An HTTP/1.0 request is answered
 * and the connection closed.
 */
final class KernelHttpConnection
{
    private static final int IN_CAPACITY = 8192;
    private static final int OUT_CAPACITY = 64 * 1024;
    /** Room kept for one response head (and an error body) before a new request is taken. */
    private static final int HEAD_ROOM = 512;
    private static final long MAX_GENERATED_BYTES = 1L << 40;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte[] GET = ascii("GET");
    private static final byte[] HEAD = ascii("HEAD");
    private static final byte[] HTTP_11 = ascii("HTTP/1.1");
    private static final byte[] HTTP_10 = ascii("HTTP/1.0");
    private static final byte[] BYTES_PREFIX = ascii("/bytes/");
    private static final byte[] CONNECTION = ascii("connection:");
    private static final byte[] CONTENT_LENGTH_FIELD = ascii("content-length:");
    private static final byte[] TRANSFER_ENCODING_FIELD = ascii("transfer-encoding:");
    private static final byte[] CLOSE = ascii("close");

    private static final byte[] STATUS_200 = ascii("HTTP/1.1 200 OK\r\n");
    private static final byte[] STATUS_400 = ascii("HTTP/1.1 400 Bad Request\r\n");
    private static final byte[] STATUS_404 = ascii("HTTP/1.1 404 Not Found\r\n");
    private static final byte[] STATUS_405 = ascii("HTTP/1.1 405 Method Not Allowed\r\n");
    private static final byte[] STATUS_431 = ascii("HTTP/1.1 431 Request Header Fields Too Large\r\n");
    private static final byte[] BODY_400 = ascii("400 Bad Request\n");
    private static final byte[] BODY_404 = ascii("404 Not Found\n");
    private static final byte[] BODY_405 = ascii("405 Method Not Allowed\n");
    private static final byte[] BODY_431 = ascii("431 Request Header Fields Too Large\n");
    private static final byte[] SERVER_AND_DATE = ascii("Server: ringstack\r\nDate: ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] CONTENT_TYPE_OCTET_STREAM = ascii("Content-Type: application/octet-stream\r\n");
    private static final byte[] CONTENT_TYPE_TEXT = ascii("Content-Type: text/plain; charset=utf-8\r\n");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");

    private final KernelHttpServer server;
    private final ByteBuffer in = ByteBuffer.allocateDirect(IN_CAPACITY);
    private final UnsafeBuffer inView = new UnsafeBuffer(in);
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_CAPACITY);
    private final UnsafeBuffer outView = new UnsafeBuffer(out);

    private SocketChannel channel;
    private SelectionKey key;
    private int interest;
    private int inStart;
    private int inEnd;
    private int outStart;
    private int outEnd;
    private boolean endOfStream;
    private boolean responding;
    private boolean closeAfterResponse;
    private boolean closing;
    private long bodyRemaining;
    private long bodyPosition;

    KernelHttpConnection(final KernelHttpServer server)
    {
        this.server = server;
    }

    void open(final SocketChannel accepted, final SelectionKey registered)
    {
        channel = accepted;
        key = registered;
        interest = SelectionKey.OP_READ;
        inStart = 0;
        inEnd = 0;
        outStart = 0;
        outEnd = 0;
        endOfStream = false;
        responding = false;
        closeAfterResponse = false;
        closing = false;
        bodyRemaining = 0;
        bodyPosition = 0;
    }

    /** The selector found the channel ready for {@code readyOps}. */
    void ready(final int readyOps)
    {
        if (channel == null)
        {
            return;
        }
        try
        {
            if ((readyOps & SelectionKey.OP_READ) != 0)
            {
                read();
            }
            serve();
        }
        catch (final IOException ex)
        {
            close(); // reset by the client, or similar: nothing to answer any more
        }
    }

    private void read() throws IOException
    {
        if (inStart == inEnd)
        {
            inStart = 0;
            inEnd = 0;
        }
        else if (inEnd == IN_CAPACITY && inStart > 0)
        {
            inView.putBytes(0, inView, inStart, inEnd - inStart);
            inEnd -= inStart;
            inStart = 0;
        }
        if (inEnd == IN_CAPACITY)
        {
            return; // a head as long as the buffer: nextRequest answers 431
        }
        in.limit(IN_CAPACITY).position(inEnd);
        final int n = channel.read(in);
        if (n < 0)
        {
            endOfStream = true;
        }
        else
        {
            inEnd += n;
        }
    }

    /** Answers what can be answered, writes what the socket takes, and waits for OP_WRITE or OP_READ. */
    private void serve() throws IOException
    {
        while (true)
        {
            produce();
            if (outStart == outEnd)
            {
                if (closing)
                {
                    discardInput(); // unread bytes would make close() send a reset that may destroy the response
                    close();
                }
                else
                {
                    interest(SelectionKey.OP_READ);
                }
                return;
            }
            out.limit(outEnd).position(outStart);
            outStart += channel.write(out);
            if (outStart < outEnd)
            {
                interest(SelectionKey.OP_WRITE); // the send buffer is full
                return;
            }
            outStart = 0;
            outEnd = 0;
        }
    }

    /** Fills the output buffer with the response in progress and the responses to further complete requests. */
    private void produce()
    {
        while (true)
        {
            final int room = OUT_CAPACITY - outEnd;
            if (responding)
            {
                if (bodyRemaining > 0)
                {
                    if (room == 0)
                    {
                        return;
                    }
                    final int n = (int)Math.min(room, bodyRemaining);
                    BytesPattern.copy(bodyPosition, outView, outEnd, n);
                    outEnd += n;
                    bodyPosition += n;
                    bodyRemaining -= n;
                    continue;
                }
                responding = false;
                server.onResponse();
                if (closeAfterResponse)
                {
                    closing = true;
                }
            }
            if (closing || room < HEAD_ROOM || !nextRequest())
            {
                return;
            }
        }
    }

    /** Takes the next complete request from the input and sets up its response; false when there is none yet. */
    private boolean nextRequest()
    {
        while (inStart < inEnd && (inView.getByte(inStart) == CR || inView.getByte(inStart) == LF))
        {
            inStart++; // RFC 9112 §2.2: ignore empty lines before a request-line
        }
        final int headEnd = endOfHead();
        if (headEnd < 0)
        {
            if (inEnd - inStart == IN_CAPACITY)
            {
                error(STATUS_431, BODY_431, false, true);
                return true;
            }
            if (endOfStream)
            {
                closing = true; // the client is done: a partial request is never answered
            }
            return false;
        }
        final int lineEnd = indexOf(LF, inStart, headEnd) - 1; // at the CR of the request-line's CRLF
        final int methodEnd = indexOf(SP, inStart, lineEnd);
        final int pathEnd = methodEnd < 0 ? -1 : indexOf(SP, methodEnd + 1, lineEnd);
        final int start = inStart;
        inStart = headEnd;
        if (pathEnd < 0)
        {
            error(STATUS_400, BODY_400, false, true);
            return true;
        }
        final boolean http11 = equals(pathEnd + 1, lineEnd, HTTP_11);
        if (!http11 && !equals(pathEnd + 1, lineEnd, HTTP_10))
        {
            error(STATUS_400, BODY_400, false, true);
            return true;
        }
        boolean close = !http11;
        for (int line = lineEnd + 2; line < headEnd - 2; )
        {
            final int end = indexOf(LF, line, headEnd) - 1;
            if (startsWithIgnoreCase(line, end, CONNECTION))
            {
                close |= containsIgnoreCase(line + CONNECTION.length, end, CLOSE);
            }
            else if (startsWithIgnoreCase(line, end, TRANSFER_ENCODING_FIELD) ||
                (startsWithIgnoreCase(line, end, CONTENT_LENGTH_FIELD) &&
                    parseDecimal(line + CONTENT_LENGTH_FIELD.length, end) != 0))
            {
                error(STATUS_400, BODY_400, false, true);
                return true;
            }
            line = end + 2;
        }
        final boolean get = equals(start, methodEnd, GET);
        final boolean headOnly = !get && equals(start, methodEnd, HEAD);
        if (!get && !headOnly)
        {
            error(STATUS_405, BODY_405, true, close);
            return true;
        }
        if (startsWith(methodEnd + 1, pathEnd, BYTES_PREFIX))
        {
            final long n = parseDecimal(methodEnd + 1 + BYTES_PREFIX.length, pathEnd);
            if (n >= 0 && n <= MAX_GENERATED_BYTES)
            {
                beginHead(STATUS_200);
                put(CONTENT_TYPE_OCTET_STREAM);
                contentLength(n);
                endHead(close);
                responding = true;
                closeAfterResponse = close;
                bodyRemaining = headOnly ? 0 : n;
                bodyPosition = 0;
                return true;
            }
        }
        beginHead(STATUS_404);
        put(CONTENT_TYPE_TEXT);
        contentLength(BODY_404.length);
        endHead(close);
        if (!headOnly)
        {
            put(BODY_404);
        }
        responding = true;
        closeAfterResponse = close;
        return true;
    }

    private void error(final byte[] status, final byte[] body, final boolean allow, final boolean close)
    {
        beginHead(status);
        if (allow)
        {
            put(ALLOW);
        }
        put(CONTENT_TYPE_TEXT);
        contentLength(body.length);
        endHead(close);
        put(body);
        responding = true;
        closeAfterResponse = close;
        bodyRemaining = 0;
    }

    private void beginHead(final byte[] status)
    {
        put(status);
        put(SERVER_AND_DATE);
        server.date(outView, outEnd);
        outEnd += HttpDate.LENGTH;
        put(CRLF);
    }

    private void contentLength(final long length)
    {
        put(CONTENT_LENGTH);
        outEnd += outView.putNaturalLongAscii(outEnd, length);
        put(CRLF);
    }

    private void endHead(final boolean close)
    {
        if (close)
        {
            put(CONNECTION_CLOSE);
        }
        put(CRLF);
    }

    private void put(final byte[] bytes)
    {
        outView.putBytes(outEnd, bytes);
        outEnd += bytes.length;
    }

    private void interest(final int ops)
    {
        if (interest != ops)
        {
            interest = ops;
            key.interestOps(ops);
        }
    }

    private void discardInput() throws IOException
    {
        while (true)
        {
            in.clear();
            if (channel.read(in) <= 0)
            {
                return;
            }
        }
    }

    /** Closes the socket and gives this object back to the server's pool. */
    void close()
    {
        if (channel == null)
        {
            return;
        }
        key.cancel();
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // the connection is gone either way
        }
        channel = null;
        key = null;
        server.release(this);
    }

    // ---------------------------------------------------------------- parsing the input buffer in place

    /** The index just past the CRLF CRLF that ends the head at {@code inStart}, or -1. */
    private int endOfHead()
    {
        for (int i = inStart; i + 3 < inEnd; i++)
        {
            if (inView.getByte(i + 3) == LF && inView.getByte(i) == CR && inView.getByte(i + 1) == LF &&
                inView.getByte(i + 2) == CR)
            {
                return i + 4;
            }
        }
        return -1;
    }

    private int indexOf(final byte b, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (inView.getByte(i) == b)
            {
                return i;
            }
        }
        return -1;
    }

    private boolean equals(final int from, final int to, final byte[] expected)
    {
        return to - from == expected.length && startsWith(from, to, expected);
    }

    private boolean startsWith(final int from, final int to, final byte[] expected)
    {
        if (to - from < expected.length)
        {
            return false;
        }
        for (int i = 0; i < expected.length; i++)
        {
            if (inView.getByte(from + i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    /** {@code expected} is in lower case. */
    private boolean startsWithIgnoreCase(final int from, final int to, final byte[] expected)
    {
        if (to - from < expected.length)
        {
            return false;
        }
        for (int i = 0; i < expected.length; i++)
        {
            if (lower(inView.getByte(from + i)) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(final int from, final int to, final byte[] expected)
    {
        for (int i = from; i + expected.length <= to; i++)
        {
            if (startsWithIgnoreCase(i, to, expected))
            {
                return true;
            }
        }
        return false;
    }

    /** The decimal number in {@code [from, to)} (optional whitespace around it), or -1 when it is not one. */
    private long parseDecimal(final int from, final int to)
    {
        int i = from;
        int end = to;
        while (i < end && (inView.getByte(i) == SP || inView.getByte(i) == '\t'))
        {
            i++;
        }
        while (end > i && (inView.getByte(end - 1) == SP || inView.getByte(end - 1) == '\t'))
        {
            end--;
        }
        if (i == end || end - i > 18)
        {
            return -1;
        }
        long value = 0;
        for (; i < end; i++)
        {
            final byte b = inView.getByte(i);
            if (b < '0' || b > '9')
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static byte lower(final byte b)
    {
        return b >= 'A' && b <= 'Z' ? (byte)(b + ('a' - 'A')) : b;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
