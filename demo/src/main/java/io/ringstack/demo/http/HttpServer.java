package io.ringstack.demo.http;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpListenHandler;
import io.ringstack.tcp.TcpListener;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP/1.1 origin server (RFC 9110, RFC 9112) on ringstack's event-loop API: the listener's
 * {@link TcpListenHandler}, running on the stack thread, which hands each accepted connection an
 * {@link HttpConnection} (pooled). It serves
 * <ul>
 *   <li>{@code GET|HEAD /bytes/N}: N bytes of {@link BytesPattern} with Content-Length, generated into the TX
 *       buffers they leave from (no allocation per request);</li>
 *   <li>{@code GET|HEAD /chunked/N}: the same bytes with {@code Transfer-Encoding: chunked} (Content-Length to an
 *       HTTP/1.0 client);</li>
 *   <li>{@code POST /sha256}: reads the request body (Content-Length or {@code Transfer-Encoding: chunked}, at most
 *       {@link HttpServerConfig#maxBodyBytes()}; "100 Continue" first when the client expects it) and answers 200
 *       with its SHA-256 in lower-case hexadecimal and a line feed (what {@code sha256sum} prints first), e.g.
 *       {@code curl --data-binary @file -H 'Transfer-Encoding: chunked' http://HOST/sha256};</li>
 *   <li>static files under {@link HttpServerConfig#directory()} (404 for anything outside it), else a short index
 *       page at {@code /};</li>
 * </ul>
 * with keep-alive and pipelining, 400/404/405/413/431/501/505 as the requests deserve (other methods, and POST
 * elsewhere than {@code /sha256}, get 405). Counters (requests,
 * responses by status class, errors by reason) are read on the stack thread ({@link #countersSnapshot()}).
 */
public final class HttpServer implements TcpListenHandler
{
    /** The largest N of {@code /bytes/N} and {@code /chunked/N}: 1 TiB. */
    public static final long MAX_GENERATED_BYTES = 1L << 40;

    private static final byte[] INDEX = Ascii.bytes("""
        <!doctype html>
        <title>ringstack</title>
        <h1>ringstack HTTP/1.1 demo</h1>
        <p>A Java TCP/IP stack on an emulated e1000's descriptor rings served this page.</p>
        <ul>
        <li><a href="/bytes/1000">/bytes/N</a>: N bytes of a fixed pattern (Content-Length)</li>
        <li><a href="/chunked/100000">/chunked/N</a>: the same, Transfer-Encoding: chunked</li>
        <li>POST /sha256: the SHA-256 of the request body (Content-Length or chunked)</li>
        </ul>
        """);

    private final HttpServerConfig config;
    private final HttpRequestParser parser;
    private final StaticFiles files;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final UnsafeBuffer date = new UnsafeBuffer(new byte[HttpDate.LENGTH]);
    private long dateSecond = Long.MIN_VALUE;
    private final ArrayDeque<HttpConnection> pool;
    private final byte[] scratch = new byte[64 * 1024];
    private final ByteBuffer scratchBuffer = ByteBuffer.wrap(scratch);
    private HttpConnection open;
    private int openCount;
    private int openPeak;

    private long accepted;
    private long requests;
    private long responses;
    private long bodyBytes;
    private long requestBodyBytes;
    private long resets;
    private long fileErrors;
    private final long[] statusClasses = new long[6];
    private final ReasonCounters<HttpRequestError> errors = new ReasonCounters<>(HttpRequestError.class);

    public HttpServer(final HttpServerConfig config, final NanoClock nanoClock, final EpochClock epochClock)
    {
        this.config = config;
        this.parser = new HttpRequestParser(config.maxFieldLines());
        this.files = config.directory() == null ? null : new StaticFiles(config.directory());
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
        this.pool = new ArrayDeque<>(Math.max(16, config.pooledConnections()));
    }

    HttpServerConfig config()
    {
        return config;
    }

    HttpRequestParser parser()
    {
        return parser;
    }

    StaticFiles files()
    {
        return files;
    }

    byte[] indexPage()
    {
        return INDEX;
    }

    long nowNanos()
    {
        return nanoClock.nanoTime();
    }

    /** Accepts every connection waiting (stack thread). */
    @Override
    public void onAcceptable(final TcpListener listener)
    {
        while (listener.pending() > 0)
        {
            HttpConnection handler = pool.pollFirst();
            if (handler == null)
            {
                handler = new HttpConnection(this);
            }
            final TcpConnection connection = listener.accept(handler);
            if (connection == null)
            {
                pool.addFirst(handler);
                return;
            }
            accepted++;
            handler.open(connection, nanoClock.nanoTime());
            handler.next = open;
            handler.previous = null;
            if (open != null)
            {
                open.previous = handler;
            }
            open = handler;
            openCount++;
            openPeak = Math.max(openPeak, openCount);
        }
    }

    /** A connection's handler is done: off the open list, back to the pool. */
    void release(final HttpConnection handler)
    {
        if (handler.previous != null)
        {
            handler.previous.next = handler.next;
        }
        else if (open == handler)
        {
            open = handler.next;
        }
        if (handler.next != null)
        {
            handler.next.previous = handler.previous;
        }
        handler.previous = null;
        handler.next = null;
        openCount--;
        if (pool.size() < config.pooledConnections())
        {
            pool.addFirst(handler);
        }
    }

    /**
     * Closes connections idle longer than {@link HttpServerConfig#idleNanos()} or lingering longer than
     * {@link HttpServerConfig#lingerNanos()}, and retries responses that wait for send space (in case no
     * acknowledgment is coming to announce it, e.g. after the pool ran dry). Stack thread; returns connections closed.
     */
    public int sweep()
    {
        final long now = nanoClock.nanoTime();
        int closed = 0;
        HttpConnection handler = open;
        while (handler != null)
        {
            final HttpConnection following = handler.next;
            if (handler.expired(now, config))
            {
                handler.closeNow();
                closed++;
            }
            else if (handler.isResponding())
            {
                handler.serve();
            }
            handler = following;
        }
        return closed;
    }

    /** Connections being served. */
    public int openConnections()
    {
        return openCount;
    }

    /** The most connections served at once so far. */
    public int openConnectionsPeak()
    {
        return openPeak;
    }

    /** The Date field value (RFC 9110 §6.6.1), formatted once a second. */
    void date(final MutableDirectBuffer into, final int offset)
    {
        final long second = epochClock.time() / 1000;
        if (second != dateSecond)
        {
            dateSecond = second;
            HttpDate.format(second, date, 0);
        }
        into.putBytes(offset, date, 0, HttpDate.LENGTH);
    }

    /** Reads up to {@code length} bytes of {@code file} at {@code position} into {@code into} (stack thread). */
    int readFile(final FileChannel file, final long position, final int length, final MutableDirectBuffer into,
        final int offset) throws IOException
    {
        scratchBuffer.clear().limit(Math.min(length, scratch.length));
        final int n = file.read(scratchBuffer, position);
        if (n > 0)
        {
            into.putBytes(offset, scratch, 0, n);
        }
        return n;
    }

    void onRequest()
    {
        requests++;
    }

    void onRequestError(final HttpRequestError error)
    {
        errors.increment(error);
    }

    void onResponseDone(final int status)
    {
        responses++;
        statusClasses[status / 100]++;
    }

    void onBodyBytes(final int n)
    {
        bodyBytes += n;
    }

    void onRequestBodyBytes(final int n)
    {
        requestBodyBytes += n;
    }

    /** Adds {@code buffer[offset, offset + length)} to {@code digest}, through the scratch array (stack thread). */
    void digest(final MessageDigest digest, final DirectBuffer buffer, final int offset, final int length)
    {
        int done = 0;
        while (done < length)
        {
            final int n = Math.min(scratch.length, length - done);
            buffer.getBytes(offset + done, scratch, 0, n);
            digest.update(scratch, 0, n);
            done += n;
        }
    }

    void onReset()
    {
        resets++;
    }

    void onFileError()
    {
        fileErrors++;
    }

    public long requests()
    {
        return requests;
    }

    public ReasonCounters<HttpRequestError> errors()
    {
        return errors;
    }

    /** Everything counted, like {@code netstat -s}: a copy for any thread (take it on the stack thread). */
    public Map<String, Long> countersSnapshot()
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("http.connections.accepted", accepted);
        counters.put("http.connections.open", (long)openCount);
        counters.put("http.connections.open.peak", (long)openPeak);
        counters.put("http.connections.reset", resets);
        counters.put("http.requests", requests);
        counters.put("http.responses", responses);
        for (int c = 2; c <= 5; c++)
        {
            counters.put("http.responses." + c + "xx", statusClasses[c]);
        }
        counters.put("http.body.bytes", bodyBytes);
        counters.put("http.request.body.bytes", requestBodyBytes);
        counters.put("http.file.errors", fileErrors);
        for (final HttpRequestError reason : HttpRequestError.values())
        {
            counters.put("http.refused." + reason.name().toLowerCase(java.util.Locale.ROOT), errors.get(reason));
        }
        return counters;
    }
}
