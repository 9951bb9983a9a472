package io.ringstack.socket;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.tcp.TcpCloseReason;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A connected TCP socket for any thread, in the manner of {@link java.net.Socket}: an {@link InputStream} and an
 * {@link OutputStream} over ringstack's TCP, a read timeout, half-close ({@link #shutdownOutput()}), close and
 * abort. One thread reads and one thread writes at a time. Bytes cross to the stack thread through bounded rings:
 * a reader that falls behind fills its ring, the stack stops taking data from TCP, and TCP's window closes.
 */
public final class TcpSocket implements AutoCloseable
{
    private final SocketBridge bridge;
    private final String description;
    private final Input input = new Input();
    private final Output output = new Output();
    private volatile long readTimeoutNanos;
    private volatile boolean closed;
    final java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();

    TcpSocket(final SocketBridge bridge, final int remoteAddress, final int remotePort)
    {
        this.bridge = bridge;
        bridge.socket = this;
        this.description = "TcpSocket{" + Ipv4Address.toString(remoteAddress) + ":" + remotePort + "}";
    }

    public InputStream getInputStream()
    {
        return input;
    }

    public OutputStream getOutputStream()
    {
        return output;
    }

    /** How long a read waits for data before {@link SocketTimeoutException}; 0 waits for ever (the default). */
    public void setReadTimeout(final long timeout, final TimeUnit unit)
    {
        if (timeout < 0)
        {
            throw new IllegalArgumentException("a read timeout cannot be negative: " + timeout);
        }
        this.readTimeoutNanos = unit.toNanos(timeout);
    }

    /** Sends FIN after the bytes written so far; reading goes on (half-close). */
    public void shutdownOutput()
    {
        bridge.shutdownRequested = true;
        bridge.schedule();
    }

    /**
     * Sends what was written, then FIN, and frees the connection; reads and writes fail from now on, also in a
     * thread blocked in one of them (as with {@link java.net.Socket#close()}).
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            bridge.closeRequested = true;
            bridge.schedule();
            bridge.released();
        }
    }

    /** Resets the connection at once (RST), dropping unsent bytes, like SO_LINGER 0 then close. */
    public void abort()
    {
        closed = true;
        bridge.abortRequested = true;
        bridge.schedule();
        bridge.released();
    }

    void selector(final SocketSelector selector)
    {
        bridge.selector = selector;
        bridge.schedule(); // what is already readable is signalled at once
    }

    /** Whether a read would not block: data waiting, end of stream, the connection reset or its host closed. */
    public boolean isReadable()
    {
        return bridge.inbound.readable() > 0 || bridge.endOfStream || bridge.reset != null || bridge.stackClosed;
    }

    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public String toString()
    {
        return description;
    }

    private void checkUsable(final String what) throws IOException
    {
        if (closed)
        {
            throw new SocketException("cannot " + what + ": the socket is closed");
        }
        final TcpCloseReason reason = bridge.reset;
        if (reason != null)
        {
            throw new SocketException(reason == TcpCloseReason.RESET ? "Connection reset" :
                "connection ended: " + reason);
        }
    }

    /** The host is gone: bytes received before are still read; nothing else will come. */
    private void checkHost(final String what) throws IOException
    {
        if (bridge.stackClosed)
        {
            throw new SocketException("cannot " + what + ": the NetStack of " + description + " is closed");
        }
    }

    private final class Input extends InputStream
    {
        private final byte[] one = new byte[1]; // one reading thread at a time

        @Override
        public int read() throws IOException
        {
            return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
        }

        @Override
        public int read(final byte[] destination, final int offset, final int length) throws IOException
        {
            java.util.Objects.checkFromIndexSize(offset, length, destination.length);
            if (length == 0)
            {
                return 0;
            }
            final ByteRing ring = bridge.inbound;
            final long timeout = readTimeoutNanos;
            final long deadline = System.nanoTime() + timeout;
            while (true)
            {
                checkUsable("read");
                final int available = ring.readableContiguous();
                if (available > 0)
                {
                    final int n = Math.min(available, length);
                    ring.buffer().getBytes(ring.readOffset(), destination, offset, n);
                    ring.consumed(n);
                    bridge.schedule(); // room again: the stack thread may take more from TCP
                    return n;
                }
                if (bridge.endOfStream && ring.readable() == 0)
                {
                    return -1;
                }
                checkHost("read");
                bridge.reader = Thread.currentThread();
                if (ring.readable() == 0 && !bridge.endOfStream && bridge.reset == null && !closed &&
                    !bridge.stackClosed)
                {
                    if (timeout == 0)
                    {
                        LockSupport.park(this);
                    }
                    else
                    {
                        final long left = deadline - System.nanoTime();
                        if (left <= 0)
                        {
                            bridge.reader = null;
                            throw new SocketTimeoutException("Read timed out after " +
                                TimeUnit.NANOSECONDS.toMillis(timeout) + " ms on " + description);
                        }
                        LockSupport.parkNanos(this, left);
                    }
                }
                bridge.reader = null;
            }
        }

        @Override
        public int available()
        {
            return bridge.inbound.readable();
        }

        @Override
        public void close()
        {
            TcpSocket.this.close();
        }
    }

    private final class Output extends OutputStream
    {
        private final byte[] one = new byte[1]; // one writing thread at a time

        @Override
        public void write(final int b) throws IOException
        {
            one[0] = (byte)b;
            write(one, 0, 1);
        }

        @Override
        public void write(final byte[] source, final int offset, final int length) throws IOException
        {
            java.util.Objects.checkFromIndexSize(offset, length, source.length);
            if (bridge.shutdownRequested)
            {
                throw new SocketException("cannot write after shutdownOutput() on " + description);
            }
            final ByteRing ring = bridge.outbound;
            int done = 0;
            while (done < length)
            {
                checkUsable("write");
                checkHost("write");
                final int room = ring.writableContiguous();
                if (room > 0)
                {
                    final int n = Math.min(room, length - done);
                    ring.buffer().putBytes(ring.writeOffset(), source, offset + done, n);
                    ring.produced(n);
                    done += n;
                    continue;
                }
                bridge.schedule();
                bridge.writer = Thread.currentThread();
                if (ring.writableContiguous() == 0 && bridge.reset == null && !closed && !bridge.stackClosed)
                {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                }
                bridge.writer = null;
            }
            bridge.schedule();
        }

        @Override
        public void close()
        {
            TcpSocket.this.close();
        }
    }
}
