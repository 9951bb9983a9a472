package io.ringstack.demo.http;

import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpSlice;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One HTTP/1.1 connection on the event loop: TCP's callbacks drive a loop that reads the next request from the
 * slices TCP lends (parsed in place by {@link HttpRequestReader}), sets up its response, and writes that into
 * claimed TX buffers ({@link ClaimWriter}) until it is complete or TCP's send buffer is full. Requests are taken one
 * at a time, so pipelined requests are answered in order, and a request waits in TCP's receive queue (closing the
 * window) while the response before it streams.
 * <pre>
 *   onData / onWritable / onPeerClosed
 *        |
 *        v
 *   +-> response in progress? --yes--> write more --(send buffer full)--> flush, wait for onWritable
 *   |         | no / done                  |
 *   |         v                            +--(complete, Connection: close)--> FIN, discard the rest, close
 *   +-- next request from the slices? --no--> flush, wait for onData
 * </pre>
 * A request with a body the server reads ({@code POST /sha256}) is answered once its body has ended: the body's
 * spans (Content-Length or chunked, decoded by the reader in the slices) go into the connection's SHA-256 as they
 * arrive, after a "100 Continue" when the client asked for one.
 * <p>
 * Instances are pooled by the {@link HttpServer}: a callback for a connection this object no longer serves is
 * ignored.
 */
final class HttpConnection implements TcpHandler
{
    private static final int HEAD_CAPACITY = 1024;
    /** Data bytes per chunk of a chunked response: "4000\r\n" + 16 KiB + "\r\n". */
    private static final int CHUNK_BYTES = 16384;

    private static final int BODY_NONE = 0;
    private static final int BODY_PATTERN = 1;
    private static final int BODY_CHUNKED_PATTERN = 2;
    private static final int BODY_FILE = 3;

    private static final int CHUNK_LINE = 0;
    private static final int CHUNK_DATA = 1;
    private static final int CHUNK_CRLF = 2;

    private static final byte[] CRLF = Ascii.bytes("\r\n");
    private static final UnsafeBuffer CRLF_BUFFER = new UnsafeBuffer(CRLF);
    private static final UnsafeBuffer SLASH = new UnsafeBuffer(Ascii.bytes("/"));
    private static final byte[] LAST_CHUNK = Ascii.bytes("0\r\n\r\n");
    private static final byte[] BYTES_PREFIX = Ascii.bytes("/bytes/");
    private static final byte[] CHUNKED_PREFIX = Ascii.bytes("/chunked/");
    private static final byte[] SERVER_AND_DATE = Ascii.bytes("Server: ringstack\r\nDate: ");
    private static final byte[] CONTENT_LENGTH = Ascii.bytes("Content-Length: ");
    private static final byte[] CONTENT_TYPE = Ascii.bytes("Content-Type: ");
    private static final byte[] TRANSFER_ENCODING_CHUNKED = Ascii.bytes("Transfer-Encoding: chunked\r\n");
    private static final byte[] CONNECTION_CLOSE = Ascii.bytes("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = Ascii.bytes("Connection: keep-alive\r\n");
    private static final byte[] ALLOW = Ascii.bytes("Allow: GET, HEAD\r\n");
    private static final byte[] ALLOW_POST = Ascii.bytes("Allow: POST\r\n");
    private static final byte[] SHA256_PATH = Ascii.bytes("/sha256");
    /** RFC 9110 §15.2.1: the interim response that asks for the body (RFC 9110 §10.1.1). */
    private static final UnsafeBuffer CONTINUE = new UnsafeBuffer(Ascii.bytes("HTTP/1.1 100 Continue\r\n\r\n"));
    private static final byte[] HEX = Ascii.bytes("0123456789abcdef");
    private static final int SHA256_BYTES = 32;
    private static final byte[] OCTET_STREAM = Ascii.bytes("application/octet-stream");
    private static final byte[] TEXT_PLAIN = Ascii.bytes("text/plain; charset=utf-8");
    private static final byte[] TEXT_HTML = Ascii.bytes("text/html; charset=utf-8");

    private final HttpServer server;
    private final HttpRequestReader reader;
    private final TcpSlice slice = new TcpSlice();
    private final ClaimWriter writer = new ClaimWriter();
    private final UnsafeBuffer head = new UnsafeBuffer(new byte[HEAD_CAPACITY]);
    private final UnsafeBuffer chunkLine = new UnsafeBuffer(new byte[24]);
    private final byte[] digest = new byte[SHA256_BYTES];
    private final byte[] digestText = new byte[2 * SHA256_BYTES + 1];
    private MessageDigest sha256;

    private TcpConnection connection;
    private int slicePosition;
    private int sliceEnd;
    private long lastActivityNanos;

    private boolean responding;
    private int status;
    private boolean closeAfterResponse;
    private boolean keepAliveField;
    private boolean lingering;
    private long lingerSinceNanos;
    private int headLength;
    private int headSent;
    private int bodyKind;
    private long bodyRemaining;
    private long bodyPosition;
    private FileChannel file;
    private int chunkPhase;
    private int chunkLineLength;
    private int chunkLineSent;
    private int chunkData;
    private boolean lastChunk;
    /** Bytes of "100 Continue" written, or -1 when none is due. */
    private int continueSent = -1;
    private boolean bodyClose;
    private boolean bodyHttp10;

    /** Links of the server's list of open connections (no allocation to add or remove). */
    HttpConnection previous;
    HttpConnection next;

    HttpConnection(final HttpServer server)
    {
        this.server = server;
        final HttpServerConfig config = server.config();
        this.reader = new HttpRequestReader(server.parser(), config.maxHeadBytes(), config.maxBodyBytes());
    }

    /** Starts serving {@code accepted}. */
    void open(final TcpConnection accepted, final long nowNanos)
    {
        connection = accepted;
        writer.attach(accepted);
        lastActivityNanos = nowNanos;
        accepted.noDelay(true); // every response is flushed whole at the end of a callback: Nagle only delays
    }

    TcpConnection connection()
    {
        return connection;
    }

    // ---------------------------------------------------------------- TCP's callbacks

    @Override
    public void onData(final TcpConnection c)
    {
        if (c == connection)
        {
            serve();
        }
    }

    @Override
    public void onWritable(final TcpConnection c)
    {
        if (c == connection)
        {
            serve();
        }
    }

    @Override
    public void onPeerClosed(final TcpConnection c)
    {
        if (c == connection)
        {
            serve();
        }
    }

    @Override
    public void onClosed(final TcpConnection c)
    {
        if (c == connection)
        {
            finished();
        }
    }

    @Override
    public void onReset(final TcpConnection c, final TcpCloseReason reason)
    {
        if (c == connection)
        {
            server.onReset();
            finished();
        }
    }

    // ---------------------------------------------------------------- the loop

    /** Answers what can be answered now; called from every callback (and by the server's sweep). */
    void serve()
    {
        final TcpConnection c = connection;
        lastActivityNanos = server.nowNanos();
        if (lingering)
        {
            discardInput();
            if (c.isEndOfStream())
            {
                closeNow();
            }
            return;
        }
        try
        {
            while (true)
            {
                if (continueSent >= 0)
                {
                    continueSent += writer.put(CONTINUE, continueSent, CONTINUE.capacity() - continueSent);
                    if (continueSent < CONTINUE.capacity())
                    {
                        break; // TCP's send buffer is full: onWritable continues
                    }
                    continueSent = -1;
                }
                if (responding)
                {
                    if (!writeResponse())
                    {
                        break; // TCP's send buffer is full: onWritable continues
                    }
                    responding = false;
                    server.onResponseDone(status);
                    if (closeAfterResponse)
                    {
                        endAfterResponse();
                        return;
                    }
                }
                if (!nextRequest())
                {
                    break;
                }
            }
            writer.flush();
            if (!responding && c.isEndOfStream() && (slicePosition == sliceEnd))
            {
                // the client sent its FIN: every complete request is answered; a partial one never will be
                closeNow();
            }
        }
        catch (final IOException ex)
        {
            server.onFileError();
            abortNow();
        }
    }

    /**
     * Takes the next request from the slices and sets up its response.
     *
     * @return false when no complete request is there yet.
     */
    private boolean nextRequest()
    {
        while (true)
        {
            if (slicePosition == sliceEnd)
            {
                if (slice.isHeld())
                {
                    slice.release(); // the window opens again
                }
                if (!connection.read(slice))
                {
                    return false;
                }
                slicePosition = slice.offset();
                sliceEnd = slicePosition + slice.length();
            }
            final DirectBuffer memory = slice.buffer();
            slicePosition += reader.read(memory, slicePosition, sliceEnd - slicePosition);
            switch (reader.state())
            {
                case REQUEST ->
                {
                    if (!respond(reader.request()))
                    {
                        reader.next(); // answered: a body is skipped
                    }
                    return true;
                }
                case BODY -> digestBody(memory, reader.bodyOffset(), reader.bodyLength());
                case BODY_END ->
                {
                    digestBody(memory, reader.bodyOffset(), reader.bodyLength());
                    digestResponse();
                    reader.next();
                    return true;
                }
                case ERROR ->
                {
                    final HttpRequestError error = reader.error();
                    server.onRequestError(error);
                    errorResponse(error.status(), false, true);
                    return true;
                }
                default ->
                {
                    // NEED_MORE: the slice is used up; take the next one
                }
            }
        }
    }

    // ---------------------------------------------------------------- routing

    /**
     * Sets up the response to {@code request}, or starts reading its body.
     *
     * @return true when the body is read (and the response set up at its end), false when answered now.
     */
    private boolean respond(final HttpRequest request)
    {
        server.onRequest();
        final boolean headOnly = request.method() == HttpMethod.HEAD;
        final boolean close = !request.isPersistent();
        final boolean http10 = request.versionMinor() == 0;
        final DirectBuffer buffer = request.buffer();
        final int path = request.pathOffset();
        final int pathLength = request.pathLength();
        if (Ascii.equals(buffer, path, pathLength, SHA256_PATH))
        {
            if (request.method() != HttpMethod.POST)
            {
                errorResponse(405, headOnly, close, http10, ALLOW_POST);
                return false;
            }
            receiveBody(request, close, http10);
            return true;
        }
        if (request.method() == HttpMethod.OTHER || request.method() == HttpMethod.POST)
        {
            errorResponse(405, false, close, http10);
            return false;
        }
        if (Ascii.startsWith(buffer, path, pathLength, BYTES_PREFIX))
        {
            final long n = Ascii.parseDecimal(buffer, path + BYTES_PREFIX.length, pathLength - BYTES_PREFIX.length);
            if (n >= 0 && n <= HttpServer.MAX_GENERATED_BYTES)
            {
                patternResponse(n, false, headOnly, close, http10);
                return false;
            }
        }
        else if (Ascii.startsWith(buffer, path, pathLength, CHUNKED_PREFIX))
        {
            final long n = Ascii.parseDecimal(buffer, path + CHUNKED_PREFIX.length,
                pathLength - CHUNKED_PREFIX.length);
            if (n >= 0 && n <= HttpServer.MAX_GENERATED_BYTES)
            {
                // RFC 9112 §6.1: no Transfer-Encoding in a response to an HTTP/1.0 request: Content-Length then
                patternResponse(n, !http10, headOnly, close, http10);
                return false;
            }
        }
        else if (server.files() != null)
        {
            final Path file = pathLength == 0 ? server.files().resolve(SLASH, 0, 1) :
                server.files().resolve(buffer, path, pathLength);
            if (fileResponse(file, headOnly, close, http10))
            {
                return false;
            }
        }
        else if (HttpRequestParser.isRoot(request))
        {
            fixedResponse(200, TEXT_HTML, server.indexPage(), headOnly, close, http10);
            return false;
        }
        errorResponse(404, headOnly, close, http10);
        return false;
    }

    /** POST /sha256: the body goes into the digest as it comes ({@link #digestBody}); 100 Continue if asked. */
    private void receiveBody(final HttpRequest request, final boolean close, final boolean http10)
    {
        bodyClose = close;
        bodyHttp10 = http10;
        if (sha256 == null)
        {
            try
            {
                sha256 = MessageDigest.getInstance("SHA-256"); // once per pooled connection object
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException("this JDK has no SHA-256, which every Java platform must have", ex);
            }
        }
        sha256.reset();
        if (request.expectsContinue() && request.hasBody())
        {
            continueSent = 0; // RFC 9110 §10.1.1: the client waits for it before it sends the body
        }
        reader.receiveBody();
        if (reader.state() == HttpRequestReader.State.BODY_END)
        {
            digestResponse(); // no body: the digest of nothing
            reader.next();
        }
    }

    private void digestBody(final DirectBuffer memory, final int offset, final int length)
    {
        server.onRequestBodyBytes(length);
        server.digest(sha256, memory, offset, length);
    }

    /** 200 with the body's SHA-256 in hexadecimal and a line feed, like sha256sum's first column. */
    private void digestResponse()
    {
        try
        {
            sha256.digest(digest, 0, SHA256_BYTES);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException("a 32-byte array holds a SHA-256", ex);
        }
        for (int i = 0; i < SHA256_BYTES; i++)
        {
            digestText[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            digestText[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        digestText[2 * SHA256_BYTES] = '\n';
        fixedResponse(200, TEXT_PLAIN, digestText, false, bodyClose, bodyHttp10);
    }

    private void patternResponse(final long length, final boolean chunked, final boolean headOnly,
        final boolean close, final boolean http10)
    {
        int at = beginHead(200, close, http10);
        at = field(at, CONTENT_TYPE, OCTET_STREAM);
        if (chunked)
        {
            at += Ascii.put(head, at, TRANSFER_ENCODING_CHUNKED);
        }
        else
        {
            at = contentLength(at, length);
        }
        endHead(at, close);
        if (!headOnly)
        {
            bodyKind = chunked ? BODY_CHUNKED_PATTERN : BODY_PATTERN;
            bodyRemaining = length;
            bodyPosition = 0;
            chunkPhase = CHUNK_LINE;
            chunkLineLength = 0;
            chunkLineSent = 0;
            lastChunk = false;
        }
    }

    private boolean fileResponse(final Path path, final boolean headOnly, final boolean close, final boolean http10)
    {
        if (path == null)
        {
            return false;
        }
        final long size;
        FileChannel opened = null;
        try
        {
            opened = FileChannel.open(path, StandardOpenOption.READ);
            size = opened.size();
        }
        catch (final IOException | SecurityException ex)
        {
            closeQuietly(opened);
            return false;
        }
        int at = beginHead(200, close, http10);
        at = field(at, CONTENT_TYPE, Ascii.bytes(StaticFiles.contentType(path)));
        at = contentLength(at, size);
        endHead(at, close);
        if (headOnly || size == 0)
        {
            closeQuietly(opened);
            return true;
        }
        file = opened;
        bodyKind = BODY_FILE;
        bodyRemaining = size;
        bodyPosition = 0;
        return true;
    }

    private void fixedResponse(final int status, final byte[] contentType, final byte[] body, final boolean headOnly,
        final boolean close, final boolean http10)
    {
        int at = beginHead(status, close, http10);
        at = field(at, CONTENT_TYPE, contentType);
        at = contentLength(at, body.length);
        endHead(at, close);
        if (!headOnly)
        {
            head.putBytes(headLength, body);
            headLength += body.length;
        }
    }

    private void errorResponse(final int status, final boolean headOnly, final boolean close)
    {
        errorResponse(status, headOnly, close, false);
    }

    private void errorResponse(final int status, final boolean headOnly, final boolean close, final boolean http10)
    {
        errorResponse(status, headOnly, close, http10, ALLOW);
    }

    /** A status with its reason phrase as a short text body; 405 lists the methods allowed (RFC 9110 §15.5.6). */
    private void errorResponse(final int status, final boolean headOnly, final boolean close, final boolean http10,
        final byte[] allow)
    {
        final byte[] body = HttpStatus.body(status);
        int at = beginHead(status, close, http10);
        if (status == 405)
        {
            at += Ascii.put(head, at, allow);
        }
        at = field(at, CONTENT_TYPE, TEXT_PLAIN);
        at = contentLength(at, body.length);
        endHead(at, close);
        if (!headOnly)
        {
            head.putBytes(headLength, body);
            headLength += body.length;
        }
    }

    // ---------------------------------------------------------------- the head

    private int beginHead(final int status, final boolean close, final boolean http10)
    {
        responding = true;
        this.status = status;
        closeAfterResponse = close;
        keepAliveField = !close && http10;
        headSent = 0;
        bodyKind = BODY_NONE;
        bodyRemaining = 0;
        int at = Ascii.put(head, 0, HttpStatus.line(status));
        at += Ascii.put(head, at, SERVER_AND_DATE);
        server.date(head, at);
        at += HttpDate.LENGTH;
        at += Ascii.put(head, at, CRLF);
        return at;
    }

    private int field(final int at, final byte[] name, final byte[] value)
    {
        int i = at + Ascii.put(head, at, name);
        i += Ascii.put(head, i, value);
        return i + Ascii.put(head, i, CRLF);
    }

    private int contentLength(final int at, final long length)
    {
        int i = at + Ascii.put(head, at, CONTENT_LENGTH);
        i += Ascii.putDecimal(head, i, length);
        return i + Ascii.put(head, i, CRLF);
    }

    private void endHead(final int at, final boolean close)
    {
        int i = at;
        if (close)
        {
            i += Ascii.put(head, i, CONNECTION_CLOSE); // RFC 9112 §9.6
        }
        else if (keepAliveField)
        {
            i += Ascii.put(head, i, CONNECTION_KEEP_ALIVE); // RFC 9112 §9.3: an HTTP/1.0 client asked to keep it
        }
        i += Ascii.put(head, i, CRLF);
        headLength = i;
    }

    // ---------------------------------------------------------------- the body

    /** Writes what TCP takes of the response; true when all of it is written. */
    private boolean writeResponse() throws IOException
    {
        if (headSent < headLength)
        {
            headSent += writer.put(head, headSent, headLength - headSent);
            if (headSent < headLength)
            {
                return false;
            }
        }
        return switch (bodyKind)
        {
            case BODY_PATTERN -> writePattern();
            case BODY_CHUNKED_PATTERN -> writeChunked();
            case BODY_FILE -> writeFile();
            default -> true;
        };
    }

    private boolean writePattern()
    {
        while (bodyRemaining > 0)
        {
            final int room = writer.room();
            if (room == 0)
            {
                return false;
            }
            final int n = (int)Math.min(room, bodyRemaining);
            BytesPattern.copy(bodyPosition, writer.buffer(), writer.position(), n); // generated in the TX buffer
            writer.advance(n);
            bodyPosition += n;
            bodyRemaining -= n;
            server.onBodyBytes(n);
        }
        return true;
    }

    /** RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF; last-chunk = "0" CRLF; then the final CRLF. */
    private boolean writeChunked()
    {
        while (true)
        {
            if (chunkPhase == CHUNK_LINE)
            {
                if (chunkLineLength == 0)
                {
                    chunkData = (int)Math.min(bodyRemaining, CHUNK_BYTES);
                    if (chunkData == 0)
                    {
                        lastChunk = true;
                        chunkLine.putBytes(0, LAST_CHUNK);
                        chunkLineLength = LAST_CHUNK.length;
                    }
                    else
                    {
                        final int digits = Ascii.putHex(chunkLine, 0, chunkData);
                        chunkLineLength = digits + Ascii.put(chunkLine, digits, CRLF);
                    }
                    chunkLineSent = 0;
                }
                chunkLineSent += writer.put(chunkLine, chunkLineSent, chunkLineLength - chunkLineSent);
                if (chunkLineSent < chunkLineLength)
                {
                    return false;
                }
                chunkLineLength = 0;
                if (lastChunk)
                {
                    return true;
                }
                chunkPhase = CHUNK_DATA;
            }
            if (chunkPhase == CHUNK_DATA)
            {
                while (chunkData > 0)
                {
                    final int room = writer.room();
                    if (room == 0)
                    {
                        return false;
                    }
                    final int n = Math.min(room, chunkData);
                    BytesPattern.copy(bodyPosition, writer.buffer(), writer.position(), n);
                    writer.advance(n);
                    bodyPosition += n;
                    bodyRemaining -= n;
                    chunkData -= n;
                    server.onBodyBytes(n);
                }
                chunkPhase = CHUNK_CRLF;
                chunkLineSent = 0;
            }
            chunkLineSent += writer.put(CRLF_BUFFER, chunkLineSent, CRLF.length - chunkLineSent);
            if (chunkLineSent < CRLF.length)
            {
                return false;
            }
            chunkPhase = CHUNK_LINE;
            chunkLineSent = 0;
        }
    }

    private boolean writeFile() throws IOException
    {
        while (bodyRemaining > 0)
        {
            final int room = writer.room();
            if (room == 0)
            {
                return false;
            }
            final int n = server.readFile(file, bodyPosition, (int)Math.min(room, bodyRemaining),
                writer.buffer(), writer.position());
            if (n <= 0)
            {
                throw new IOException("the file shrank while it was being sent");
            }
            writer.advance(n);
            bodyPosition += n;
            bodyRemaining -= n;
            server.onBodyBytes(n);
        }
        closeQuietly(file);
        file = null;
        return true;
    }

    // ---------------------------------------------------------------- ending

    /**
     * The last response is written: send FIN after it, and read and discard whatever the client still sends
     * until its FIN (or the linger time), so that a client still writing gets its response rather than a reset
     * for data we left unread (RFC 9112 §9.6: close in stages).
     */
    private void endAfterResponse()
    {
        writer.flush();
        discardInput();
        if (connection.isEndOfStream())
        {
            closeNow();
            return;
        }
        connection.shutdownOutput();
        lingering = true;
        lingerSinceNanos = server.nowNanos();
    }

    private void discardInput()
    {
        if (slice.isHeld())
        {
            slice.release();
        }
        slicePosition = 0;
        sliceEnd = 0;
        while (connection.read(slice))
        {
            slice.release();
        }
    }

    /** Closes the connection (FIN after what is queued) and gives this object back to the server. */
    void closeNow()
    {
        final TcpConnection c = connection;
        writer.flush();
        discardInput();
        finished();
        c.close();
    }

    private void abortNow()
    {
        final TcpConnection c = connection;
        finished();
        c.abort();
    }

    /** Idle too long, or lingering too long: close (called by the server's sweep). */
    boolean expired(final long nowNanos, final HttpServerConfig config)
    {
        if (lingering)
        {
            return nowNanos - lingerSinceNanos > config.lingerNanos();
        }
        return !responding && nowNanos - lastActivityNanos > config.idleNanos();
    }

    boolean isResponding()
    {
        return responding;
    }

    /** The connection is gone (or handed back to TCP to finish): release what it held, back to the pool. */
    private void finished()
    {
        if (connection == null)
        {
            return;
        }
        if (slice.isHeld())
        {
            slice.release();
        }
        writer.detach();
        closeQuietly(file);
        file = null;
        reader.reset();
        connection = null;
        slicePosition = 0;
        sliceEnd = 0;
        responding = false;
        closeAfterResponse = false;
        continueSent = -1;
        lingering = false;
        headLength = 0;
        headSent = 0;
        bodyKind = BODY_NONE;
        server.release(this);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // a read-only channel: nothing was lost
            }
        }
    }
}
