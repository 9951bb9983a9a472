package io.ringstack.bench.tcp;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.wire.InMemoryWire;
import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpLayer;
import io.ringstack.tcp.TcpListener;
import io.ringstack.tcp.TcpSlice;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;

/**
 * Issue 6's TCP workloads on ringstack: two stacks (client 10.0.0.1, server 10.0.0.2) on emulated 82540EMs joined
 * by an in-memory wire, both driven by one thread (the in-process pair: run to completion, no wake-ups, no system
 * calls). The applications are callbacks on that thread. Same workloads as {@link KernelTcpWorkloads}.
 */
public final class RingstackTcpWorkloads implements AutoCloseable
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final int IP_CLIENT = Ipv4Address.parse("10.0.0.1");
    private static final int IP_SERVER = Ipv4Address.parse("10.0.0.2");

    private final int mtu;
    private final EmulatedNic clientNic;
    private final EmulatedNic serverNic;
    private final InMemoryWire wire;
    private final Ipv4Stack client;
    private final Ipv4Stack server;
    private final TcpLayer clientTcp;
    private final TcpLayer serverTcp;

    public RingstackTcpWorkloads(final int mtu, final TcpConfig config)
    {
        this.mtu = mtu;
        final int bufferSize = mtu > 1500 ? 16384 : 2048;
        // The driver's default ring (256): 1,024 slots of 16 KiB buffers are 16 MiB of RX memory that the device's
        // "DMA" writes cycle through, out of cache (-Dbench.ring=N to compare)
        final int ring = Integer.getInteger("bench.ring", 256);
        clientNic = EmulatedNic.builder("client", 0x5254_0000_0A01L).rings(ring, ring).buffers(8192)
            .bufferSize(bufferSize).strict(false).build();
        serverNic = EmulatedNic.builder("server", 0x5254_0000_0A02L).rings(ring, ring).buffers(8192)
            .bufferSize(bufferSize).strict(false).build();
        wire = InMemoryWire.between(clientNic.device(), serverNic.device()).build();
        clientNic.start();
        serverNic.start();
        client = new Ipv4Stack("client", StackConfig.of(IP_CLIENT, 24).withMtu(mtu), clientNic.driver(),
            SystemNanoClock.INSTANCE).start();
        server = new Ipv4Stack("server", StackConfig.of(IP_SERVER, 24).withMtu(mtu), serverNic.driver(),
            SystemNanoClock.INSTANCE).start();
        clientTcp = TcpLayer.install(client, config, SystemNanoClock.INSTANCE);
        serverTcp = TcpLayer.install(server, config, SystemNanoClock.INSTANCE);
    }

    private int step()
    {
        int work = client.doWork();
        work += server.doWork();
        work += wire.poll();
        return work;
    }

    private void runFor(final long nanos)
    {
        final long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end)
        {
            for (int i = 0; i < 64; i++)
            {
                step();
            }
        }
    }

    /** Request/response over {@code connections} connections, {@code size} bytes each way. */
    public Measurement requestResponse(final int connections, final int size, final double warmupSeconds,
        final double seconds)
    {
        final Measurement m = new Measurement("ringstack rr " + size + " B, " + connections + " conn");
        final int port = 7000 + connections;
        final UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
        final TcpSlice serverSlice = new TcpSlice();
        final TcpListener listener = serverTcp.listen(port, 1024, l ->
        {
            while (l.accept(new TcpHandler()
            {
                private int pending;

                @Override
                public void onData(final TcpConnection connection)
                {
                    while (connection.read(serverSlice))
                    {
                        pending += serverSlice.length();
                        serverSlice.release();
                    }
                    while (pending >= size)
                    {
                        connection.write(message, 0, size);
                        pending -= size;
                    }
                }
            }) != null)
            {
                // accept all
            }
        });
        final RequestClient[] clients = new RequestClient[connections];
        for (int i = 0; i < connections; i++)
        {
            clients[i] = new RequestClient(m, message, size);
            clientTcp.connect(IP_SERVER, port, clients[i]);
        }
        runFor((long)(warmupSeconds * 1e9));
        final long thread = Thread.currentThread().threadId();
        for (final RequestClient c : clients)
        {
            c.measuring = true;
        }
        final long allocatedAtStart = THREADS.getThreadAllocatedBytes(thread);
        m.start();
        runFor((long)(seconds * 1e9));
        long transactions = 0;
        for (final RequestClient c : clients)
        {
            c.measuring = false;
            transactions += c.transactions;
        }
        m.stop(transactions, 0, THREADS.getThreadAllocatedBytes(thread) - allocatedAtStart);
        for (final RequestClient c : clients)
        {
            c.connection.close();
        }
        listener.close();
        runFor(100_000_000L);
        return m;
    }

    private static final class RequestClient implements TcpHandler
    {
        private final Measurement m;
        private final UnsafeBuffer message;
        private final int size;
        private final TcpSlice slice = new TcpSlice();
        TcpConnection connection;
        boolean measuring;
        long transactions;
        private long sentAt;
        private int pending;

        RequestClient(final Measurement m, final UnsafeBuffer message, final int size)
        {
            this.m = m;
            this.message = message;
            this.size = size;
        }

        @Override
        public void onConnected(final TcpConnection connection)
        {
            this.connection = connection;
            connection.noDelay(true);
            send(connection);
        }

        private void send(final TcpConnection connection)
        {
            sentAt = System.nanoTime();
            connection.write(message, 0, size);
        }

        @Override
        public void onData(final TcpConnection connection)
        {
            while (connection.read(slice))
            {
                pending += slice.length();
                slice.release();
            }
            if (pending >= size)
            {
                pending -= size;
                if (measuring)
                {
                    m.latency(System.nanoTime() - sentAt);
                    transactions++;
                }
                send(connection);
            }
        }
    }

    /** Connections per second: connect, 1 byte each way, the server closes, the client closes; one at a time. */
    public Measurement connections(final double warmupSeconds, final double seconds)
    {
        final Measurement m = new Measurement("ringstack connect+1B+close");
        final int port = 7500;
        final UnsafeBuffer one = new UnsafeBuffer(new byte[1]);
        final TcpSlice serverSlice = new TcpSlice();
        final TcpHandler serverSide = new TcpHandler()
        {
            @Override
            public void onData(final TcpConnection connection)
            {
                boolean any = false;
                while (connection.read(serverSlice))
                {
                    any = true;
                    serverSlice.release();
                }
                if (any)
                {
                    connection.write(one, 0, 1);
                    connection.close();
                }
            }

            @Override
            public void onPeerClosed(final TcpConnection connection)
            {
                connection.close();
            }
        };
        final TcpListener listener = serverTcp.listen(port, 1024, l ->
        {
            while (l.accept(serverSide) != null)
            {
                // accept all
            }
        });
        final ConnectingClient connecting = new ConnectingClient(m, one, clientTcp, IP_SERVER, port);
        connecting.next();
        runFor((long)(warmupSeconds * 1e9));
        final long thread = Thread.currentThread().threadId();
        connecting.measuring = true;
        final long allocatedAtStart = THREADS.getThreadAllocatedBytes(thread);
        m.start();
        runFor((long)(seconds * 1e9));
        connecting.measuring = false;
        m.stop(connecting.completed, 0, THREADS.getThreadAllocatedBytes(thread) - allocatedAtStart);
        connecting.stopped = true;
        listener.close();
        runFor(100_000_000L);
        return m;
    }

    private static final class ConnectingClient implements TcpHandler
    {
        private final Measurement m;
        private final UnsafeBuffer one;
        private final TcpLayer tcp;
        private final int server;
        private final int port;
        private final TcpSlice slice = new TcpSlice();
        boolean measuring;
        boolean stopped;
        long completed;
        long failed;
        private long startedAt;

        ConnectingClient(final Measurement m, final UnsafeBuffer one, final TcpLayer tcp, final int server,
            final int port)
        {
            this.m = m;
            this.one = one;
            this.tcp = tcp;
            this.server = server;
            this.port = port;
        }

        void next()
        {
            if (!stopped)
            {
                startedAt = System.nanoTime();
                tcp.connect(server, port, this);
            }
        }

        @Override
        public void onConnected(final TcpConnection connection)
        {
            connection.write(one, 0, 1);
        }

        @Override
        public void onData(final TcpConnection connection)
        {
            while (connection.read(slice))
            {
                slice.release();
            }
        }

        @Override
        public void onPeerClosed(final TcpConnection connection)
        {
            onData(connection);
            connection.close();
            if (measuring)
            {
                completed++;
                m.latency(System.nanoTime() - startedAt);
            }
            next();
        }

        @Override
        public void onReset(final TcpConnection connection, final TcpCloseReason reason)
        {
            failed++;
            next();
        }
    }

    /** One bulk flow, client to server, the client writing whenever there is room. */
    public Measurement bulk(final double warmupSeconds, final double seconds)
    {
        final Measurement m = new Measurement("ringstack bulk, 1 flow (MTU " + mtu + ")");
        final int port = 7600 + mtu % 100;
        final TcpSlice serverSlice = new TcpSlice();
        final long[] received = {0};
        final TcpListener listener = serverTcp.listen(port, 16, l -> l.accept(new TcpHandler()
        {
            @Override
            public void onData(final TcpConnection connection)
            {
                while (connection.read(serverSlice))
                {
                    received[0] += serverSlice.length();
                    serverSlice.release();
                }
            }

            @Override
            public void onPeerClosed(final TcpConnection connection)
            {
                onData(connection);
                connection.close();
            }
        }));
        final UnsafeBuffer block = new UnsafeBuffer(new byte[65536]);
        final TcpHandler writer = new TcpHandler()
        {
            @Override
            public void onConnected(final TcpConnection connection)
            {
                onWritable(connection);
            }

            @Override
            public void onWritable(final TcpConnection connection)
            {
                while (connection.write(block, 0, block.capacity()) > 0)
                {
                    // fill the send buffer
                }
            }

            @Override
            public void onData(final TcpConnection connection)
            {
            }
        };
        final TcpConnection connection = clientTcp.connect(IP_SERVER, port, writer);
        runFor((long)(warmupSeconds * 1e9));
        final long thread = Thread.currentThread().threadId();
        final long startBytes = received[0];
        final long allocatedAtStart = THREADS.getThreadAllocatedBytes(thread);
        m.start();
        runFor((long)(seconds * 1e9));
        final long bytes = received[0] - startBytes;
        final long segments = bytes / Math.max(1, connection.effectiveSendMss());
        m.stop(0, bytes, 0);
        final double allocatedPerSegment = (double)(THREADS.getThreadAllocatedBytes(thread) - allocatedAtStart) /
            Math.max(1, segments);
        serverNic.driver().readStatistics();
        System.out.printf("  (bulk MTU %d: %,d segments of %d B, %.3f B allocated per segment; %d retransmitted, " +
            "%d frames missed by the receiving device (RX ring %d))%n", mtu, segments,
            connection.effectiveSendMss(), allocatedPerSegment, connection.segmentsRetransmitted(),
            serverNic.driver().counters().missedPackets, serverNic.driver().rxDescriptorCount());
        connection.close();
        listener.close();
        runFor(100_000_000L);
        return m;
    }

    @Override
    public void close()
    {
        client.close();
        server.close();
        wire.close();
        clientNic.close();
        serverNic.close();
    }
}
