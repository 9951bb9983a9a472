package io.ringstack.demo.http;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Finds request heads in a connection's byte stream, which arrives as slices of the segments it came in: a head
 * that lies within one slice is parsed where it is; one that spans slices is gathered in a small parse buffer of
 * the connection (at most {@code maxHeadBytes}, allocated the first time a head is split) and parsed there. The
 * body a request declares with Content-Length is skipped before the next head. Nothing allocates after that.
 * <pre>
 *   slice 1: |GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HT|     head 1 parsed in slice 1
 *   slice 2: |TP/1.1\r\nHost: x\r\n\r\n|                      head 2: "GET /b HT" + "TP/1.1..." in the parse buffer
 * </pre>
 * Usage: {@link #read} consumes bytes until it returns with {@link #state()} at {@link State#REQUEST} (handle
 * {@link #request()}, then {@link #next()}), {@link State#ERROR} ({@link #error()}; the stream cannot be trusted
 * further) or {@link State#NEED_MORE} (every byte offered was taken).
 */
public final class HttpRequestReader
{
    /** What {@link #read} found. */
    public enum State
    {
        NEED_MORE,
        REQUEST,
        ERROR
    }

    private final HttpRequestParser parser;
    private final HttpRequest request = new HttpRequest();
    private final int maxHeadBytes;
    private final long maxBodyBytes;
    private UnsafeBuffer partial;
    private int partialLength;
    private int headBytes;
    private int lineLength;
    private byte previous;
    private long bodyToSkip;
    private State state = State.NEED_MORE;
    private HttpRequestError error;

    /**
     * @param maxHeadBytes the most bytes a request-line and header section may take together (431 beyond)
     * @param maxBodyBytes the longest body a request may declare; it is read and discarded (413 beyond)
     */
    public HttpRequestReader(final HttpRequestParser parser, final int maxHeadBytes, final long maxBodyBytes)
    {
        this.parser = parser;
        this.maxHeadBytes = maxHeadBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    public State state()
    {
        return state;
    }

    /** The request found ({@link State#REQUEST}): valid until the next {@link #read}. */
    public HttpRequest request()
    {
        return request;
    }

    /** Why the stream was refused ({@link State#ERROR}). */
    public HttpRequestError error()
    {
        return error;
    }

    /** Whether bytes of an unfinished head (or a body to skip) are held: the stream is between requests if not. */
    public boolean isIdle()
    {
        return headBytes == 0 && bodyToSkip == 0 && state != State.ERROR;
    }

    /**
     * Takes bytes of {@code buffer[offset, offset + length)} up to the end of the next head.
     *
     * @return the bytes consumed; less than {@code length} only when a request (or an error) was found.
     */
    public int read(final DirectBuffer buffer, final int offset, final int length)
    {
        if (state != State.NEED_MORE)
        {
            throw new IllegalStateException("read() after a " + state + ": call next() after handling a request; " +
                "after an error the stream must be closed");
        }
        final int end = offset + length;
        int position = offset;
        if (bodyToSkip > 0)
        {
            final int n = (int)Math.min(bodyToSkip, length);
            bodyToSkip -= n;
            position += n;
        }
        if (headBytes == 0)
        {
            // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line
            while (position < end && (buffer.getByte(position) == Ascii.CR || buffer.getByte(position) == Ascii.LF))
            {
                position++;
            }
        }
        if (position == end)
        {
            return length;
        }
        final int headEnd = scan(buffer, position, end);
        if (headBytes > maxHeadBytes)
        {
            return fail(HttpRequestError.HEADER_SECTION_TOO_LARGE, headEnd < 0 ? length : headEnd - offset);
        }
        if (headEnd < 0)
        {
            gather(buffer, position, end - position);
            return length;
        }
        final HttpRequestError parsed;
        if (partialLength == 0)
        {
            parsed = parser.parse(buffer, position, headEnd - position, request); // in place
        }
        else
        {
            gather(buffer, position, headEnd - position);
            parsed = parser.parse(partial, 0, partialLength, request);
        }
        final int consumed = headEnd - offset;
        if (parsed != null)
        {
            return fail(parsed, consumed);
        }
        if (request.contentLength > maxBodyBytes)
        {
            return fail(HttpRequestError.CONTENT_TOO_LARGE, consumed);
        }
        state = State.REQUEST;
        return consumed;
    }

    /** Done with the request: the next {@link #read} skips its body, then looks for the next head. */
    public void next()
    {
        if (state != State.REQUEST)
        {
            throw new IllegalStateException("next() without a request (state " + state + ")");
        }
        bodyToSkip = Math.max(0, request.contentLength);
        state = State.NEED_MORE;
        headBytes = 0;
        partialLength = 0;
        lineLength = 0;
        previous = 0;
    }

    /** Forgets everything (the connection is gone, or the reader goes back to a pool). */
    public void reset()
    {
        bodyToSkip = 0;
        state = State.NEED_MORE;
        error = null;
        headBytes = 0;
        partialLength = 0;
        lineLength = 0;
        previous = 0;
    }

    private int fail(final HttpRequestError why, final int consumed)
    {
        error = why;
        state = State.ERROR;
        return consumed;
    }

    /**
     * Looks for the empty line that ends the header section (RFC 9112 §2.1), continuing from the bytes seen
     * before: returns the index just past its LF, or -1 when these bytes do not end the head.
     */
    private int scan(final DirectBuffer buffer, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            headBytes++;
            if (b == Ascii.LF)
            {
                if (lineLength == 0 || (lineLength == 1 && previous == Ascii.CR))
                {
                    return i + 1;
                }
                lineLength = 0;
            }
            else
            {
                lineLength++;
            }
            previous = b;
            if (headBytes > maxHeadBytes)
            {
                return -1;
            }
        }
        return -1;
    }

    private void gather(final DirectBuffer buffer, final int offset, final int length)
    {
        if (partial == null)
        {
            partial = new UnsafeBuffer(new byte[maxHeadBytes]);
        }
        partial.putBytes(partialLength, buffer, offset, length);
        partialLength += length;
    }
}
