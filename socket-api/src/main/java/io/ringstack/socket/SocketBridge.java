package io.ringstack.socket;

import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;

import java.util.concurrent.locks.LockSupport;

/**
 * One blocking socket's state shared by its application thread and the stack thread: the bytes each way in
 * {@link ByteRing}s, the requests the application made (shutdown, close, abort), and what happened on the wire
 * (connected, peer closed, reset). The stack thread moves bytes between the rings and the {@link TcpConnection}
 * in {@link #service()}, when TCP calls back or when the application scheduled the bridge; the application side
 * parks on the rings and is unparked by the stack thread.
 */
final class SocketBridge extends StackWork implements TcpHandler, StackClosedListener
{
    final ByteRing inbound;
    final ByteRing outbound;
    private final NetStack owner;
    volatile TcpConnection connection;
    volatile boolean connected;
    volatile boolean endOfStream;
    volatile TcpCloseReason reset;
    volatile boolean shutdownRequested;
    volatile boolean closeRequested;
    volatile boolean abortRequested;
    volatile boolean finished;
    /** The host closed: nothing moves any more; waiting threads fail. */
    volatile boolean stackClosed;
    volatile Thread reader;
    volatile Thread writer;
    volatile Thread connector;
    volatile SocketSelector selector;
    volatile TcpSocket socket;
    private boolean shutdownDone;
    private boolean closeDone;

    SocketBridge(final NetStack owner, final int ringBytes)
    {
        this.owner = owner;
        this.inbound = new ByteRing(ringBytes);
        this.outbound = new ByteRing(ringBytes);
    }

    /** Application side: ask the stack thread to look at this socket (more room to read into, bytes to send). */
    void schedule()
    {
        owner.schedule(this);
    }

    // ---------------------------------------------------------------- stack thread

    /** Moves what can move; returns the bytes moved. Stack thread only. */
    @Override
    int service()
    {
        final TcpConnection c = connection;
        if (c == null || finished)
        {
            return 0;
        }
        if (abortRequested)
        {
            c.abort();
            finish();
            return 1;
        }
        int moved = 0;
        while (inbound.writableContiguous() > 0 && c.readable() > 0)
        {
            final int n = c.read(inbound.buffer(), inbound.writeOffset(), inbound.writableContiguous());
            if (n == 0)
            {
                break;
            }
            inbound.produced(n);
            moved += n;
        }
        if (c.isEndOfStream() && !endOfStream)
        {
            endOfStream = true;
            moved++;
        }
        if (moved > 0 || (inbound.readable() > 0 && selector != null))
        {
            unpark(reader);
            signal();
        }
        if (connected && !shutdownDone)
        {
            final boolean wasFull = outbound.writable() == 0;
            int sent = 0;
            while (outbound.readableContiguous() > 0)
            {
                final int n = c.write(outbound.buffer(), outbound.readOffset(), outbound.readableContiguous());
                if (n == 0)
                {
                    break;
                }
                outbound.consumed(n);
                sent += n;
            }
            if (sent > 0)
            {
                unpark(writer);
                moved += sent;
                if (wasFull)
                {
                    signal(); // writable again
                }
            }
            if (outbound.readable() == 0 && (shutdownRequested || closeRequested))
            {
                shutdownDone = true;
                c.shutdownOutput();
            }
        }
        if (closeRequested && !closeDone && shutdownDone)
        {
            closeDone = true;
            // the application will read no more: what the peer still sends is refused (RFC 1122 §4.2.2.13)
            c.close();
        }
        return moved;
    }

    private void signal()
    {
        final SocketSelector s = selector;
        final TcpSocket owner = socket;
        if (s != null && owner != null)
        {
            s.signal(owner);
        }
    }

    /** The application is done with this socket (close or abort): the host need not wake anyone in it. */
    void released()
    {
        owner.closed(this);
        unpark(reader); // a thread blocked in read or write sees the socket closed
        unpark(writer);
    }

    @Override
    public void stackClosed()
    {
        stackClosed = true;
        finish();
    }

    private void finish()
    {
        owner.closed(this);
        finished = true;
        signal();
        unpark(reader);
        unpark(writer);
        unpark(connector);
    }

    private static void unpark(final Thread thread)
    {
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void onConnected(final TcpConnection c)
    {
        connection = c;
        connected = true;
        unpark(connector);
        service();
    }

    /** An accepted connection is established when it is handed over. */
    void accepted(final TcpConnection c)
    {
        connection = c;
        connected = true;
    }

    @Override
    public void onData(final TcpConnection c)
    {
        service();
    }

    @Override
    public void onWritable(final TcpConnection c)
    {
        service();
    }

    @Override
    public void onPeerClosed(final TcpConnection c)
    {
        service();
    }

    @Override
    public void onClosed(final TcpConnection c)
    {
        service();
        if (closeRequested)
        {
            finish();
        }
    }

    @Override
    public void onReset(final TcpConnection c, final TcpCloseReason reason)
    {
        reset = reason;
        finish();
    }
}
