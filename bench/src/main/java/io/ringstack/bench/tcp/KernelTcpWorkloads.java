package io.ringstack.bench.tcp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel baseline for issue 6's TCP workloads: java.nio SocketChannels over 127.0.0.1, a client thread and a
 * server thread, as an application on kernel sockets would be written. Each workload runs for a warm-up, then is
 * measured for the given seconds.
 */
public final class KernelTcpWorkloads
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final InetAddress loopback;

    public KernelTcpWorkloads() throws IOException
    {
        loopback = InetAddress.getByName("127.0.0.1");
    }

    /**
     * Request/response: each of {@code connections} connections has one {@code size}-byte request outstanding; the
     * server (one thread, a selector) answers each with {@code size} bytes; the client (one thread, a selector)
     * sends the next request when the response is in. One transaction = one request and its response.
     */
    public Measurement requestResponse(final int connections, final int size, final double warmupSeconds,
        final double seconds) throws Exception
    {
        final Measurement m = new Measurement("kernel rr " + size + " B, " + connections + " conn");
        try (ServerSocketChannel listener = ServerSocketChannel.open())
        {
            listener.bind(new InetSocketAddress(loopback, 0), 1024);
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread server = new Thread(() -> serveEcho(listener, size, running), "kernel-rr-server");
            server.start();
            final Selector selector = Selector.open();
            final SocketChannel[] channels = new SocketChannel[connections];
            final long[] sentAt = new long[connections];
            final ByteBuffer request = ByteBuffer.allocateDirect(size);
            final ByteBuffer response = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < connections; i++)
            {
                channels[i] = SocketChannel.open(listener.getLocalAddress());
                channels[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
                channels[i].configureBlocking(false);
                channels[i].register(selector, SelectionKey.OP_READ, i);
            }
            final long thread = Thread.currentThread().threadId();
            long transactions = 0;
            final long warmupEnd = System.nanoTime() + (long)(warmupSeconds * 1e9);
            long end = Long.MAX_VALUE;
            long allocatedAtStart = 0;
            boolean measuring = false;
            for (int i = 0; i < connections; i++)
            {
                sentAt[i] = System.nanoTime();
                request.clear();
                writeFully(channels[i], request);
            }
            while (true)
            {
                final long now = System.nanoTime();
                if (!measuring && now >= warmupEnd)
                {
                    measuring = true;
                    transactions = 0;
                    allocatedAtStart = THREADS.getThreadAllocatedBytes(thread);
                    m.start();
                    end = now + (long)(seconds * 1e9);
                }
                if (now >= end)
                {
                    break;
                }
                selector.select(10);
                for (final SelectionKey key : selector.selectedKeys())
                {
                    final int i = (Integer)key.attachment();
                    final SocketChannel channel = channels[i];
                    response.clear();
                    int read = 0;
                    while (read < size)
                    {
                        final int n = channel.read(response);
                        if (n < 0)
                        {
                            throw new IOException("server closed connection " + i);
                        }
                        read += n;
                    }
                    final long t = System.nanoTime();
                    if (measuring)
                    {
                        m.latency(t - sentAt[i]);
                        transactions++;
                    }
                    sentAt[i] = t;
                    request.clear();
                    writeFully(channel, request);
                }
                selector.selectedKeys().clear();
            }
            m.stop(transactions, 0, THREADS.getThreadAllocatedBytes(thread) - allocatedAtStart);
            running.set(false);
            for (final SocketChannel channel : channels)
            {
                channel.close();
            }
            selector.close();
            server.join(5000);
        }
        return m;
    }

    private static void serveEcho(final ServerSocketChannel listener, final int size, final AtomicBoolean running)
    {
        try (Selector selector = Selector.open())
        {
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            final ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(size, 65536));
            while (running.get())
            {
                selector.select(10);
                for (final SelectionKey key : selector.selectedKeys())
                {
                    if (key.isAcceptable())
                    {
                        final SocketChannel channel = listener.accept();
                        if (channel != null)
                        {
                            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            channel.configureBlocking(false);
                            channel.register(selector, SelectionKey.OP_READ);
                        }
                        continue;
                    }
                    final SocketChannel channel = (SocketChannel)key.channel();
                    buffer.clear();
                    final int n = channel.read(buffer);
                    if (n < 0)
                    {
                        key.cancel();
                        channel.close();
                        continue;
                    }
                    buffer.flip();
                    writeFully(channel, buffer);
                }
                selector.selectedKeys().clear();
            }
        }
        catch (final IOException ex)
        {
            if (running.get())
            {
                ex.printStackTrace();
            }
        }
    }

    /**
     * Connections per second: the client connects, sends 1 byte, reads the 1-byte answer and closes; the server
     * accepts, reads, answers and closes. One operation = one whole connection.
     */
    public Measurement connections(final double warmupSeconds, final double seconds) throws Exception
    {
        final Measurement m = new Measurement("kernel connect+1B+close");
        try (ServerSocketChannel listener = ServerSocketChannel.open())
        {
            listener.bind(new InetSocketAddress(loopback, 0), 4096);
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread server = new Thread(() ->
            {
                final ByteBuffer one = ByteBuffer.allocateDirect(1);
                while (running.get())
                {
                    try (SocketChannel channel = listener.accept())
                    {
                        one.clear();
                        channel.read(one);
                        one.flip();
                        channel.write(one);
                    }
                    catch (final IOException ex)
                    {
                        if (running.get())
                        {
                            ex.printStackTrace();
                        }
                        return;
                    }
                }
            }, "kernel-cps-server");
            server.start();
            final ByteBuffer one = ByteBuffer.allocateDirect(1);
            final long thread = Thread.currentThread().threadId();
            final long warmupEnd = System.nanoTime() + (long)(warmupSeconds * 1e9);
            while (System.nanoTime() < warmupEnd)
            {
                oneConnection(listener, one);
            }
            final long allocatedAtStart = THREADS.getThreadAllocatedBytes(thread);
            m.start();
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long count = 0;
            while (true)
            {
                final long t = System.nanoTime();
                if (t >= end)
                {
                    break;
                }
                oneConnection(listener, one);
                m.latency(System.nanoTime() - t);
                count++;
            }
            m.stop(count, 0, THREADS.getThreadAllocatedBytes(thread) - allocatedAtStart);
            running.set(false);
            listener.close();
            server.join(5000);
        }
        return m;
    }

    private static void oneConnection(final ServerSocketChannel listener, final ByteBuffer one) throws IOException
    {
        try (SocketChannel channel = SocketChannel.open(listener.getLocalAddress()))
        {
            one.clear().put((byte)1).flip();
            channel.write(one);
            one.clear();
            if (channel.read(one) != 1)
            {
                throw new IOException("no answer");
            }
        }
    }

    /** One bulk flow: the client writes {@code chunk}-byte buffers as fast as it can, the server reads them. */
    public Measurement bulk(final int chunk, final double warmupSeconds, final double seconds) throws Exception
    {
        final Measurement m = new Measurement("kernel bulk, 1 flow (lo MTU 65536)");
        try (ServerSocketChannel listener = ServerSocketChannel.open())
        {
            listener.bind(new InetSocketAddress(loopback, 0));
            final AtomicLong received = new AtomicLong();
            final CountDownLatch done = new CountDownLatch(1);
            final Thread server = new Thread(() ->
            {
                final ByteBuffer buffer = ByteBuffer.allocateDirect(chunk);
                try (SocketChannel channel = listener.accept())
                {
                    while (true)
                    {
                        buffer.clear();
                        final int n = channel.read(buffer);
                        if (n < 0)
                        {
                            break;
                        }
                        received.addAndGet(n);
                    }
                }
                catch (final IOException ex)
                {
                    ex.printStackTrace();
                }
                done.countDown();
            }, "kernel-bulk-server");
            server.start();
            try (SocketChannel channel = SocketChannel.open(listener.getLocalAddress()))
            {
                final ByteBuffer buffer = ByteBuffer.allocateDirect(chunk);
                final long warmupEnd = System.nanoTime() + (long)(warmupSeconds * 1e9);
                while (System.nanoTime() < warmupEnd)
                {
                    buffer.clear();
                    writeFully(channel, buffer);
                }
                final long startBytes = received.get();
                m.start();
                final long end = System.nanoTime() + (long)(seconds * 1e9);
                while (System.nanoTime() < end)
                {
                    buffer.clear();
                    writeFully(channel, buffer);
                }
                m.stop(0, received.get() - startBytes, 0);
            }
            done.await();
            server.join(5000);
        }
        return m;
    }

    private static void writeFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }
}
