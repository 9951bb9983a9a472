package io.ringstack.demo.http;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Finds request heads in a connection's byte stream, which arrives as slices of the segments it came in, and
 * frames the body after each: a head that lies within one slice is parsed where it is; one that spans slices is
 * gathered in a small parse buffer of the connection (at most {@code maxHeadBytes}, allocated the first time a head
 * is split) and parsed there. Nothing allocates after that.
 * <pre>
 *   slice 1: |GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HT|     head 1 parsed in slice 1
 *   slice 2: |TP/1.1\r\nHost: x\r\n\r\n|                      head 2: "GET /b HT" + "TP/1.1..." in the parse buffer
 * </pre>
 * A body is framed by Content-Length or by the chunked transfer coding (RFC 9112 §6.3, §7.1), decoded byte by
 * byte in the slices as they come, whatever the cuts:
 * <pre>
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF      chunk-size = 1*HEXDIG
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF                          chunk-ext: ignored; trailers: skipped
 *
 *   |4\r\nWiki\r\n|5;x=y\r\npedia\r\n0\r\nT: v\r\n\r\n|  ->  BODY "Wiki", BODY "pedia", BODY_END ""
 * </pre>
 * Chunk lines end in CRLF: a bare LF there is refused (RFC 9112 §2.2 lets a recipient accept one at the end of the
 * start-line and of field lines, which the head and the trailer section do, not inside the chunked framing).
 * The body is either skipped ({@link #next()}) or handed over ({@link #receiveBody()}) as spans of the slices it
 * lies in: {@link State#BODY} then {@link #bodyOffset()}/{@link #bodyLength()} in the buffer last given to
 * {@link #read} (valid until the next call), {@link State#BODY_END} for the last (possibly empty) span.
 * Limits: a chunk-size line (extensions included) of at most {@value #MAX_CHUNK_LINE_BYTES} bytes (400 beyond), a
 * decoded body of at most {@code maxBodyBytes} (413 beyond, counted as the chunk sizes arrive, before their data),
 * a trailer section of at most {@code maxHeadBytes} (431 beyond); anything else malformed is 400.
 * <p>
 * Usage: {@link #read} consumes bytes until it returns with {@link #state()} at {@link State#REQUEST} (handle
 * {@link #request()}, then {@link #next()} or {@link #receiveBody()}), {@link State#BODY} (take the span, read on),
 * {@link State#BODY_END} (take the span, answer, then {@link #next()}), {@link State#ERROR} ({@link #error()}; the
 * stream cannot be trusted further) or {@link State#NEED_MORE} (every byte offered was taken).
 */
public final class HttpRequestReader
{
    /** The longest chunk-size line, chunk extensions included, before its line ending. */
    public static final int MAX_CHUNK_LINE_BYTES = 1024;

    /** What {@link #read} found. */
    public enum State
    {
        NEED_MORE,
        REQUEST,
        BODY,
        BODY_END,
        ERROR
    }

    private static final int NO_BODY = 0;
    private static final int LENGTH_DATA = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_EXTENSION = 3;
    private static final int CHUNK_DATA = 4;
    private static final int CHUNK_DATA_END = 5;
    private static final int TRAILER = 6;

    private final HttpRequestParser parser;
    private final HttpRequest request = new HttpRequest();
    private final int maxHeadBytes;
    private final long maxBodyBytes;
    private UnsafeBuffer partial;
    private int partialLength;
    private int headBytes;
    private int lineLength;
    private byte previous;
    private State state = State.NEED_MORE;
    private HttpRequestError error;

    private int phase = NO_BODY;
    private boolean deliver;
    private long bodyRemaining;
    private long bodyDecoded;
    private long chunkSize;
    private int chunkDigits;
    private int chunkLineBytes;
    private boolean extensionStarted;
    private boolean pendingCr;
    private int trailerBytes;
    private int trailerLineLength;
    private int spanOffset;
    private int spanLength;

    /**
     * @param maxHeadBytes the most bytes a request-line and header section may take together (431 beyond), and
     *                     a trailer section too
     * @param maxBodyBytes the longest body a request may declare, or send in chunks (413 beyond)
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

    /** Where the body span starts in the buffer last given to {@link #read} ({@link State#BODY}, {@code BODY_END}). */
    public int bodyOffset()
    {
        return spanOffset;
    }

    /** The body span's length (0 only for a {@link State#BODY_END} that carries no data). */
    public int bodyLength()
    {
        return spanLength;
    }

    /** Body bytes decoded so far for the current request (chunked: data only, without the framing). */
    public long bodyBytes()
    {
        return bodyDecoded;
    }

    /** Whether bytes of an unfinished head (or of a body) are held: the stream is between requests if not. */
    public boolean isIdle()
    {
        return headBytes == 0 && phase == NO_BODY && state != State.ERROR;
    }

    /**
     * Takes bytes of {@code buffer[offset, offset + length)} up to the end of the next head, or of the next body
     * span when the body is handed over.
     *
     * @return the bytes consumed; less than {@code length} only when a request, a body span (or an error) was found.
     */
    public int read(final DirectBuffer buffer, final int offset, final int length)
    {
        if (state != State.NEED_MORE && state != State.BODY)
        {
            throw new IllegalStateException("read() after a " + state + ": call next() (or receiveBody()) after " +
                "handling a request, next() after its BODY_END; after an error the stream must be closed");
        }
        state = State.NEED_MORE;
        spanOffset = offset;
        spanLength = 0;
        final int end = offset + length;
        int position = offset;
        if (phase != NO_BODY)
        {
            position = body(buffer, position, end);
            if (state != State.NEED_MORE)
            {
                return position - offset;
            }
            if (phase != NO_BODY)
            {
                return length; // all of it was body, and the body goes on
            }
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

    /**
     * Done with the request: after {@link State#REQUEST}, the next {@link #read}s skip its body (a chunked one is
     * still decoded, so its end is found and its errors are caught), then look for the next head; after
     * {@link State#BODY_END}, they look for the next head at once.
     */
    public void next()
    {
        if (state == State.REQUEST)
        {
            startBody(false);
        }
        else if (state != State.BODY_END)
        {
            throw new IllegalStateException("next() without a request or the end of its body (state " + state + ")");
        }
        state = State.NEED_MORE;
    }

    /**
     * Hands the request's body over: the next {@link #read}s return its spans ({@link State#BODY}, then
     * {@link State#BODY_END}). Without a body the state is {@link State#BODY_END} at once, with an empty span.
     */
    public void receiveBody()
    {
        if (state != State.REQUEST)
        {
            throw new IllegalStateException("receiveBody() without a request (state " + state + ")");
        }
        startBody(true);
        spanOffset = 0;
        spanLength = 0;
        state = phase == NO_BODY ? State.BODY_END : State.NEED_MORE;
    }

    private void startBody(final boolean handOver)
    {
        deliver = handOver;
        bodyDecoded = 0;
        headBytes = 0;
        partialLength = 0;
        lineLength = 0;
        previous = 0;
        if (request.chunked)
        {
            phase = CHUNK_SIZE;
            startChunkLine();
        }
        else if (request.contentLength > 0)
        {
            phase = LENGTH_DATA;
            bodyRemaining = request.contentLength;
        }
        else
        {
            phase = NO_BODY;
        }
    }

    /** Forgets everything (the connection is gone, or the reader goes back to a pool). */
    public void reset()
    {
        phase = NO_BODY;
        deliver = false;
        bodyRemaining = 0;
        bodyDecoded = 0;
        spanLength = 0;
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

    // ---------------------------------------------------------------- the body

    private void startChunkLine()
    {
        chunkSize = 0;
        chunkDigits = 0;
        chunkLineBytes = 0;
        extensionStarted = false;
        pendingCr = false;
    }

    /** The body ends: a span (possibly empty) ends it when handed over; the next head follows otherwise. */
    private void bodyEnded()
    {
        phase = NO_BODY;
        if (deliver)
        {
            state = State.BODY_END;
        }
    }

    /**
     * Frames body bytes from {@code position}: returns where it stopped, with {@link #state} at BODY or BODY_END
     * (a span found), ERROR, or NEED_MORE (every byte taken, or the body ended while skipped).
     */
    private int body(final DirectBuffer buffer, final int from, final int end)
    {
        int position = from;
        while (position < end && phase != NO_BODY)
        {
            if (phase == LENGTH_DATA || phase == CHUNK_DATA)
            {
                final int n = (int)Math.min(bodyRemaining, end - position);
                bodyRemaining -= n;
                if (deliver)
                {
                    spanOffset = position;
                    spanLength = n;
                }
                position += n;
                bodyDecoded += n;
                if (bodyRemaining == 0)
                {
                    if (phase == LENGTH_DATA)
                    {
                        bodyEnded();
                    }
                    else
                    {
                        phase = CHUNK_DATA_END;
                        pendingCr = false;
                    }
                }
                if (deliver)
                {
                    if (state != State.BODY_END)
                    {
                        state = State.BODY;
                    }
                    return position;
                }
                continue;
            }
            final byte b = buffer.getByte(position++);
            if (pendingCr)
            {
                // RFC 9112 §2.2: a CR only as part of CRLF
                if (b != Ascii.LF)
                {
                    fail(HttpRequestError.BARE_CR, 0);
                    return position;
                }
                pendingCr = false;
                lineEnded();
            }
            else if (b == Ascii.CR)
            {
                pendingCr = true;
            }
            else if (b == Ascii.LF)
            {
                // RFC 9112 §7.1: chunk lines end in CRLF. §2.2 lets a recipient take a bare LF for the end of the
                // start-line and of field lines only (so in the trailer section), not of the chunked framing.
                if (phase == TRAILER)
                {
                    lineEnded();
                }
                else
                {
                    fail(HttpRequestError.BAD_CHUNK, 0);
                }
            }
            else
            {
                lineByte(b);
            }
            if (state == State.ERROR || state == State.BODY_END)
            {
                return position;
            }
        }
        return position;
    }

    /** A byte of a line of the chunked framing, other than CR and LF. */
    private void lineByte(final byte b)
    {
        switch (phase)
        {
            case CHUNK_SIZE ->
            {
                countChunkLineByte();
                final int digit = hexDigit(b);
                if (digit >= 0)
                {
                    if (chunkSize > (Long.MAX_VALUE >> 4))
                    {
                        fail(HttpRequestError.CONTENT_TOO_LARGE, 0);
                        return;
                    }
                    chunkSize = (chunkSize << 4) | digit;
                    chunkDigits++;
                    if (chunkSize > maxBodyBytes - bodyDecoded)
                    {
                        fail(HttpRequestError.CONTENT_TOO_LARGE, 0); // RFC 9112 §7.1: anticipate overflow
                    }
                }
                else if (chunkDigits > 0 && (b == ';' || Ascii.isWhitespace(b)))
                {
                    phase = CHUNK_EXTENSION;
                    extensionStarted = b == ';';
                }
                else
                {
                    fail(HttpRequestError.BAD_CHUNK, 0); // chunk-size = 1*HEXDIG
                }
            }
            case CHUNK_EXTENSION ->
            {
                countChunkLineByte();
                // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ): skipped, but a
                // value holds no CTL, and only whitespace may stand between the size and the first ';'
                if (!Ascii.isFieldValueByte(b) || (!extensionStarted && !Ascii.isWhitespace(b) && b != ';'))
                {
                    fail(HttpRequestError.BAD_CHUNK, 0);
                }
                else if (b == ';')
                {
                    extensionStarted = true;
                }
            }
            case CHUNK_DATA_END -> fail(HttpRequestError.BAD_CHUNK, 0); // chunk-data must end with CRLF
            case TRAILER ->
            {
                trailerLineLength++;
                if (++trailerBytes > maxHeadBytes)
                {
                    fail(HttpRequestError.HEADER_SECTION_TOO_LARGE, 0);
                }
                else if (!Ascii.isFieldValueByte(b))
                {
                    fail(HttpRequestError.BAD_FIELD_VALUE, 0);
                }
            }
            default -> throw new IllegalStateException("no framing byte expected in phase " + phase);
        }
    }

    private void countChunkLineByte()
    {
        if (++chunkLineBytes > MAX_CHUNK_LINE_BYTES)
        {
            fail(HttpRequestError.CHUNK_LINE_TOO_LONG, 0);
        }
    }

    /** The end of a line of the chunked framing (CRLF or LF). */
    private void lineEnded()
    {
        switch (phase)
        {
            case CHUNK_SIZE, CHUNK_EXTENSION ->
            {
                if (chunkDigits == 0)
                {
                    fail(HttpRequestError.BAD_CHUNK, 0); // an empty chunk-size line
                }
                else if (chunkSize == 0)
                {
                    // last-chunk: the trailer section follows (RFC 9112 §7.1.2), skipped here
                    phase = TRAILER;
                    trailerBytes = 0;
                    trailerLineLength = 0;
                }
                else
                {
                    phase = CHUNK_DATA;
                    bodyRemaining = chunkSize;
                }
            }
            case CHUNK_DATA_END ->
            {
                phase = CHUNK_SIZE;
                startChunkLine();
            }
            case TRAILER ->
            {
                if (trailerLineLength == 0)
                {
                    bodyEnded(); // the empty line that ends the chunked body
                }
                else if (++trailerBytes > maxHeadBytes)
                {
                    fail(HttpRequestError.HEADER_SECTION_TOO_LARGE, 0);
                }
                trailerLineLength = 0;
            }
            default -> throw new IllegalStateException("no line ends in phase " + phase);
        }
    }

    private static int hexDigit(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }

    // ---------------------------------------------------------------- the head
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
