package io.ringstack.demo;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.socket.NetStack;
import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpSlice;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP echo server (RFC 862) on ringstack's event-loop API: each connection reads its segments as slices of the
 * RX buffers they arrived in and writes them back. A slice that TCP's send buffer takes only in part is kept, with
 * the position reached, until {@code onWritable}; the connection is closed once the peer's FIN arrived and every
 * byte before it was echoed (closing earlier, with bytes unread, would reset it: RFC 1122 §4.2.2.13).
 * <pre>
 *   onData / onWritable / onPeerClosed
 *     -> [slice held?] write the rest --(short write)--> wait for onWritable
 *     -> read the next slice, write it ...
 *     -> end of stream and nothing held: close (FIN after the echo)
 * </pre>
 */
final class TcpEchoServer
{
    private TcpEchoServer()
    {
    }

    /**
     * Listens on {@code port} of {@code host}; {@code echoedBytes} counts what was written back.
     *
     * @throws IllegalStateException "address in use" if the port has a listener on {@code host} already.
     */
    static void listen(final NetStack host, final int port, final AtomicLong echoedBytes)
    {
        try
        {
            host.submit(() ->
            {
                if (host.tcp().listener(port) != null)
                {
                    throw new IllegalStateException(DemoHosts.inUse(host,
                        Ipv4Address.toString(host.ipv4().localAddress()), port));
                }
                return host.tcp().listen(port, 1024, listener ->
                {
                    EchoConnection handler = new EchoConnection(echoedBytes);
                    while (listener.accept(handler) != null)
                    {
                        handler = new EchoConnection(echoedBytes); // one per connection: it may hold a slice
                    }
                });
            }).get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof IllegalStateException inUse ? inUse :
                new IllegalStateException("cannot listen on port " + port + ": " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("the stack thread of " + host.name() + " did not answer", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the echo server", ex);
        }
    }

    /** One connection's echo: the slice it holds while TCP's send buffer is full. */
    private static final class EchoConnection implements TcpHandler
    {
        private final TcpSlice slice = new TcpSlice();
        private final AtomicLong echoedBytes;
        private int position;

        EchoConnection(final AtomicLong echoedBytes)
        {
            this.echoedBytes = echoedBytes;
        }

        @Override
        public void onData(final TcpConnection c)
        {
            echo(c);
        }

        @Override
        public void onWritable(final TcpConnection c)
        {
            echo(c);
        }

        @Override
        public void onPeerClosed(final TcpConnection c)
        {
            echo(c);
        }

        @Override
        public void onClosed(final TcpConnection c)
        {
            releaseSlice();
        }

        @Override
        public void onReset(final TcpConnection c, final TcpCloseReason reason)
        {
            releaseSlice();
        }

        private void echo(final TcpConnection c)
        {
            while (true)
            {
                if (!slice.isHeld())
                {
                    if (!c.read(slice))
                    {
                        break;
                    }
                    position = slice.offset();
                }
                final int end = slice.offset() + slice.length();
                final int n = c.write(slice.buffer(), position, end - position);
                position += n;
                echoedBytes.addAndGet(n);
                if (position < end)
                {
                    return; // the send buffer is full: onWritable continues from here
                }
                slice.release();
            }
            if (c.isEndOfStream())
            {
                c.close(); // the peer's FIN, and every byte before it echoed
            }
        }

        private void releaseSlice()
        {
            if (slice.isHeld())
            {
                slice.release();
            }
        }
    }
}
