package io.ringstack.socket;

import io.ringstack.tcp.TcpListener;
import org.jctools.queues.MpmcArrayQueue;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A listening TCP socket for any thread, in the manner of {@link java.net.ServerSocket}: {@link #accept()} blocks
 * until a connection completed its handshake. Connections wait in TCP's accept queue (the listener's backlog) and
 * then in a bounded hand-over queue to the accepting thread.
 */
public final class TcpServerSocket implements AutoCloseable, StackClosedListener
{
    private final NetStack owner;
    private final int port;
    /** Established connections handed over to the accepting thread; the stack thread drains it on close. */
    final MpmcArrayQueue<SocketBridge> ready;
    volatile TcpListener listener;
    volatile Thread acceptor;
    private volatile boolean closed;

    TcpServerSocket(final NetStack owner, final int port, final int backlog)
    {
        this.owner = owner;
        this.port = port;
        this.ready = new MpmcArrayQueue<>(Math.max(2, backlog));
    }

    public int port()
    {
        return port;
    }

    /** Waits for the next connection. */
    public TcpSocket accept() throws IOException
    {
        return accept(0, TimeUnit.NANOSECONDS);
    }

    /** Waits at most {@code timeout} (0: for ever) for the next connection. */
    public TcpSocket accept(final long timeout, final TimeUnit unit) throws IOException
    {
        final long timeoutNanos = unit.toNanos(timeout);
        final long deadline = System.nanoTime() + timeoutNanos;
        while (true)
        {
            if (closed)
            {
                throw new SocketException("the server socket on port " + port + " is closed");
            }
            if (owner.isClosed())
            {
                throw new SocketException("cannot accept on port " + port + ": its NetStack " + owner.name() +
                    " is closed");
            }
            final SocketBridge bridge = ready.poll();
            if (bridge != null)
            {
                owner.execute(this::pullAccepted); // room in the hand-over queue: take more from TCP's queue
                final var c = bridge.connection;
                return new TcpSocket(bridge, c.remoteAddress(), c.remotePort());
            }
            acceptor = Thread.currentThread();
            if (ready.isEmpty() && !closed && !owner.isClosed())
            {
                if (timeoutNanos == 0)
                {
                    LockSupport.park(this);
                }
                else
                {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        acceptor = null;
                        throw new SocketTimeoutException("Accept timed out on port " + port);
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
            acceptor = null;
        }
    }

    /** Stack thread: moves established connections from TCP's accept queue to the accepting thread's queue. */
    void pullAccepted()
    {
        final TcpListener l = listener;
        while (l != null && l.isOpen() && l.pending() > 0 && ready.size() < ready.capacity())
        {
            final SocketBridge bridge = owner.newBridge();
            final var connection = l.accept(bridge);
            if (connection == null)
            {
                break;
            }
            bridge.accepted(connection);
            ready.offer(bridge);
            bridge.service(); // data that came with the handshake's last ACK
            final Thread waiting = acceptor;
            if (waiting != null)
            {
                LockSupport.unpark(waiting);
            }
        }
    }

    /**
     * Stops listening: connections not yet accepted are reset, those in TCP's accept queue and those already
     * handed over to this socket alike; accepted sockets stay open. Harmless after the host closed.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            owner.closed(this);
            try
            {
                owner.execute(() ->
                {
                    if (listener != null)
                    {
                        listener.close();
                    }
                    SocketBridge unaccepted;
                    while ((unaccepted = ready.poll()) != null)
                    {
                        unaccepted.abortRequested = true;
                        unaccepted.service(); // RST: nobody will accept it now
                    }
                });
            }
            catch (final IllegalStateException hostClosed)
            {
                // the host closed first: its connections, this listener's too, are gone with it
            }
            wakeAcceptor();
        }
    }

    @Override
    public void stackClosed()
    {
        wakeAcceptor();
    }

    private void wakeAcceptor()
    {
        final Thread waiting = acceptor;
        if (waiting != null)
        {
            LockSupport.unpark(waiting);
        }
    }
}
