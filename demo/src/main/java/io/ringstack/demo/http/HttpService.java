package io.ringstack.demo.http;

import io.ringstack.socket.NetStack;
import io.ringstack.tcp.TcpListener;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link HttpServer} listening on a port of a {@link NetStack}, from any thread: {@link #start} creates it on the
 * stack thread ({@code host.submit(() -> host.tcp().listen(...))}), a daemon thread asks the stack thread to
 * {@link HttpServer#sweep()} once a second, and {@link #close()} stops listening.
 */
public final class HttpService implements AutoCloseable
{
    private static final long SWEEP_MILLIS = 1000;

    private final NetStack host;
    private final HttpServer server;
    private final TcpListener listener;
    private final Thread sweeper;
    private final Runnable sweep;
    private volatile boolean running = true;

    private HttpService(final NetStack host, final HttpServer server, final TcpListener listener)
    {
        this.host = host;
        this.server = server;
        this.listener = listener;
        this.sweep = server::sweep;
        this.sweeper = new Thread(this::sweepLoop, "ringstack-http-sweep-" + host.name());
        this.sweeper.setDaemon(true);
    }

    /** Listens on {@code port} of {@code host} with a server of {@code config}. */
    public static HttpService start(final NetStack host, final int port, final HttpServerConfig config)
    {
        final HttpServer server = new HttpServer(config, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
        final TcpListener listener;
        try
        {
            listener = host.submit(() -> host.tcp().listen(port, 1024, server)).get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("cannot listen on port " + port + ": " + ex.getCause().getMessage(),
                ex.getCause());
        }
        catch (final InterruptedException | TimeoutException ex)
        {
            throw new IllegalStateException("the stack thread of " + host.name() + " did not answer: " + ex, ex);
        }
        final HttpService service = new HttpService(host, server, listener);
        service.sweeper.start();
        return service;
    }

    private void sweepLoop()
    {
        while (running)
        {
            try
            {
                Thread.sleep(SWEEP_MILLIS);
                if (running)
                {
                    host.execute(sweep);
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final IllegalStateException ex)
            {
                return; // the stack closed
            }
        }
    }

    /** The server, for the stack thread only (from {@link NetStack#execute} or a callback). */
    public HttpServer server()
    {
        return server;
    }

    /** The server's counters, taken on the stack thread. */
    public Map<String, Long> counters()
    {
        try
        {
            return host.submit(server::countersSnapshot).get(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException | ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("cannot read the HTTP counters of " + host.name() + ": " + ex, ex);
        }
    }

    /** Stops listening (open connections go on until they end or the stack closes) and stops the sweeper. */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        sweeper.interrupt();
        try
        {
            host.submit(() ->
            {
                listener.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException | ExecutionException | TimeoutException | IllegalStateException ex)
        {
            // the stack is closing or closed: the listener goes with it
        }
    }
}
