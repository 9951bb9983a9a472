package io.ringstack.bench.http;

import io.ringstack.demo.http.HttpDate;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link HttpBench}'s kernel baseline: the ringstack demo's {@code GET|HEAD /bytes/N} handler on kernel sockets,
 * written as such a server is written with java.nio: one thread, one {@link Selector}, non-blocking
 * {@link SocketChannel}s with {@code TCP_NODELAY} (as the demo sets no-delay), keep-alive, a direct buffer each way
 * per connection ({@link KernelHttpConnection}). The responses are byte for byte the demo's (same status line,
 * fields, field order and body pattern; only the Date value moves), so both servers put the same bytes on the wire.
 * <pre>
 *   selector thread: select(onReady) -- accept --> KernelHttpConnection (pooled)
 *                                    -- read/write ready --> connection.ready(ops)
 * </pre>
 */
final class KernelHttpServer implements AutoCloseable
{
    private static final long SELECT_TIMEOUT_MILLIS = 100;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread thread;
    private final ArrayDeque<KernelHttpConnection> pool = new ArrayDeque<>();
    private final Consumer<SelectionKey> onReady = this::ready;
    private final UnsafeBuffer date = new UnsafeBuffer(new byte[HttpDate.LENGTH]);
    private long dateSecond = Long.MIN_VALUE;
    /** Written by the selector thread only (a release store: no fence on x86), read by any. */
    private final AtomicLong responses = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    private KernelHttpServer(final Selector selector, final ServerSocketChannel listener, final String threadName)
    {
        this.selector = selector;
        this.listener = listener;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Listens on {@code address} and serves from a new thread named {@code threadName}. */
    static KernelHttpServer start(final InetSocketAddress address, final String threadName) throws IOException
    {
        final Selector selector = Selector.open();
        final ServerSocketChannel listener = ServerSocketChannel.open();
        try
        {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            listener.close();
            selector.close();
            throw new IOException("cannot listen on " + address + ": " + ex.getMessage(), ex);
        }
        final KernelHttpServer server = new KernelHttpServer(selector, listener, threadName);
        server.thread.start();
        return server;
    }

    private void run()
    {
        try
        {
            while (running)
            {
                selector.select(onReady, SELECT_TIMEOUT_MILLIS);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            for (final SelectionKey key : selector.keys())
            {
                if (key.attachment() instanceof KernelHttpConnection connection)
                {
                    connection.close();
                }
            }
            closeQuietly();
        }
    }

    private void ready(final SelectionKey key)
    {
        if (key.attachment() instanceof KernelHttpConnection connection)
        {
            connection.ready(key.readyOps());
        }
        else if (key.isValid() && key.isAcceptable())
        {
            acceptAll();
        }
    }

    private void acceptAll()
    {
        while (true)
        {
            final SocketChannel channel;
            try
            {
                channel = listener.accept();
            }
            catch (final IOException ex)
            {
                return; // e.g. the client gave up before we accepted: the next select tells of the next one
            }
            if (channel == null)
            {
                return;
            }
            KernelHttpConnection connection = pool.pollFirst();
            if (connection == null)
            {
                connection = new KernelHttpConnection(this);
            }
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connection.open(channel, channel.register(selector, SelectionKey.OP_READ, connection));
            }
            catch (final IOException ex)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignored)
                {
                    // closing a socket that failed to set up: nothing more to do
                }
                pool.addFirst(connection);
            }
        }
    }

    /** The Date field value (RFC 9110 §6.6.1), formatted once a second, as the demo's server does. */
    void date(final MutableDirectBuffer into, final int offset)
    {
        final long second = System.currentTimeMillis() / 1000;
        if (second != dateSecond)
        {
            dateSecond = second;
            HttpDate.format(second, date, 0);
        }
        into.putBytes(offset, date, 0, HttpDate.LENGTH);
    }

    void onResponse()
    {
        responses.lazySet(responses.get() + 1);
    }

    void release(final KernelHttpConnection connection)
    {
        pool.addFirst(connection);
    }

    /** Responses produced so far (any thread). */
    long responses()
    {
        return responses.get();
    }

    /** The port listened on (the one chosen when started with port 0). */
    int localPort()
    {
        try
        {
            return ((InetSocketAddress)listener.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("the listener is closed", ex);
        }
    }

    Thread thread()
    {
        return thread;
    }

    /** What ended the selector thread early, or null. */
    Throwable failure()
    {
        return failure;
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            closeQuietly();
        }
    }

    private void closeQuietly()
    {
        try
        {
            listener.close();
        }
        catch (final IOException ignored)
        {
            // going away
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignored)
        {
            // going away
        }
    }
}
