package io.ringstack.socket;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.linux.DevicePort;
import io.ringstack.nic.linux.EventFd;
import io.ringstack.nic.linux.PacketRingConfig;
import io.ringstack.nic.linux.PacketSocket;
import io.ringstack.nic.linux.PacketSocketPort;
import io.ringstack.nic.linux.TapDevice;
import io.ringstack.nic.linux.TapPort;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.InMemoryWire;
import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpLayer;
import org.agrona.concurrent.SystemNanoClock;
import org.jctools.queues.MpscArrayQueue;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One ringstack host: an emulated 82540EM on a wire (an in-memory wire to another NetStack, a TAP device, or an
 * AF_PACKET socket on a Linux interface), its IPv4 stack and TCP, and the one thread that owns them all.
 * <p>
 * Other threads reach the stack through JCTools queues: {@link #execute} and {@link #submit} run code on the stack
 * thread (the event-loop API: {@link #tcp()} and {@link #ipv4()} from there), and the blocking sockets
 * ({@link #listen}, {@link #connect}) hand their bytes over in bounded rings, waking the stack thread with the
 * driver's doorbell. {@link #close()} stops the thread and releases the NIC's memory, the port's descriptors and
 * the TAP device, and wakes every application thread blocked in one of its sockets with a {@link SocketException}.
 */
public final class NetStack implements AutoCloseable
{
    private static final long IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** While TCP has connections, the idle sleep is short enough for its timers (delayed ACK 40 ms). */
    private static final long IDLE_SLEEP_WITH_CONNECTIONS_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String name;
    private final EmulatedNic nic;
    private final Ipv4Stack stack;
    private final TcpLayer tcp;
    private final DevicePort port;
    private final int ringBytes;
    private final IdleMode idleMode;
    private final FrameSink initialCapture;
    private final MpscArrayQueue<Runnable> commands = new MpscArrayQueue<>(4096);
    private final MpscArrayQueue<StackWork> scheduled = new MpscArrayQueue<>(65536);
    /** The blocking sockets not yet closed by the application: woken when the host closes. */
    private final Set<StackClosedListener> sockets = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    /** The stack thread is in (or about to enter) its idle sleep. */
    private volatile boolean sleeping;
    /** The stack thread's: whether the next duty cycle reads the wire (see run()). */
    private boolean wireMayHaveFrames = true;
    /** Signalled to wake a stack thread that sleeps in poll(2) on its Linux wire; null on the in-memory pair. */
    private final EventFd wake;
    private volatile long failures;
    private volatile RuntimeException lastFailure;
    private InMemoryWire wire;

    private NetStack(final Builder builder, final DevicePort port, final EmulatedNic nic)
    {
        this.name = builder.name;
        this.nic = nic;
        this.port = port;
        this.wake = port != null ? EventFd.open() : null;
        this.ringBytes = builder.socketRingBytes;
        this.idleMode = builder.idleMode;
        this.initialCapture = builder.capture;
        StackConfig config = StackConfig.of(builder.cidr).withMtu(builder.mtu);
        if (builder.gateway != 0)
        {
            config = config.withGateway(builder.gateway);
        }
        this.stack = new Ipv4Stack(name, config, nic.driver(), SystemNanoClock.INSTANCE);
        this.tcp = TcpLayer.install(stack, builder.tcpConfig, SystemNanoClock.INSTANCE);
        this.thread = new Thread(this::run, "ringstack-" + name);
        this.thread.setDaemon(true);
    }

    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    /** Two hosts joined by an in-memory wire, both started, each on its own thread. */
    public static Pair inMemoryPair(final Builder a, final Builder b)
    {
        final EmulatedNic nicA = a.newNic();
        final EmulatedNic nicB;
        try
        {
            nicB = b.newNic();
        }
        catch (final RuntimeException ex)
        {
            nicA.close();
            throw ex;
        }
        final InMemoryWire wire = InMemoryWire.connect(nicA.device(), nicB.device());
        nicA.start(); // link up: the wire is attached; the driver reads the MAC the stack uses
        nicB.start();
        final NetStack first = new NetStack(a, null, nicA);
        final NetStack second = new NetStack(b, null, nicB);
        first.wire = wire;
        first.start();
        second.start();
        return new Pair(first, second);
    }

    /** Two in-memory hosts, closed together. */
    public record Pair(NetStack a, NetStack b) implements AutoCloseable
    {
        @Override
        public void close()
        {
            a.close();
            b.close();
        }
    }

    private NetStack start()
    {
        // A Linux wire is received inline: the stack thread reads it (DevicePort.pollOnce) and sleeps in poll(2) on
        // it and on an eventfd that other threads signal, so no frame and no wake-up crosses threads (no receive
        // thread); the in-memory pair's device is fed by the other host's thread and wakes this one's interrupt line.
        thread.start();
        return this;
    }

    // ---------------------------------------------------------------- the stack thread

    private void run()
    {
        if (initialCapture != null)
        {
            nic.driver().capture(initialCapture); // before the first frame: the address's announcement
        }
        stack.start();
        int idle = 0;
        while (running)
        {
            int work = 0;
            if (port != null)
            {
                // read the wire until it is empty, then not in the next cycle (poll(2) before a sleep looks for
                // anything that came since): one read(2) that finds nothing per wake-up, not two
                if (wireMayHaveFrames)
                {
                    work += port.pollOnce();
                    wireMayHaveFrames = !port.drained();
                }
                else
                {
                    wireMayHaveFrames = true;
                }
            }
            work += stack.doWork();
            Runnable command;
            while ((command = commands.poll()) != null)
            {
                runSafely(command);
                work++;
            }
            StackWork scheduledWork;
            while ((scheduledWork = scheduled.poll()) != null)
            {
                scheduledWork.scheduled.set(false);
                work += serviceSafely(scheduledWork);
            }
            stack.flush();
            if (work > 0)
            {
                idle = 0;
            }
            else if (idleMode == IdleMode.BUSY_SPIN || port == null && ++idle < 100)
            {
                Thread.onSpinWait(); // poll while busy (a Linux wire's poll(2) returns at once when it has frames)
            }
            else
            {
                sleep(tcp.connectionCount() > 0 ? IDLE_SLEEP_WITH_CONNECTIONS_NANOS : IDLE_SLEEP_NANOS);
            }
        }
        Runnable command;
        while ((command = commands.poll()) != null)
        {
            runSafely(command);
        }
        stack.close(); // closes TCP too: open connections are aborted and their buffers released
    }

    /**
     * The idle stack thread's sleep: until a frame, a command, work scheduled by an application thread, or the
     * timeout (TCP's timers). Dekker with {@link #wakeStackThread()}: this thread says it sleeps, then looks at the
     * queues; a producer enqueues, then looks whether it sleeps; both fence, so one of them sees the other.
     */
    private void sleep(final long timeoutNanos)
    {
        sleeping = true;
        VarHandle.fullFence();
        if (commands.isEmpty() && scheduled.isEmpty() && running)
        {
            if (port != null)
            {
                final int ready = port.awaitReadable(wake, (int)TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                if ((ready & DevicePort.WAKE_SIGNALLED) != 0)
                {
                    wake.clear(); // before the queues are drained: a signal after this is seen by the next poll
                }
                wireMayHaveFrames = true;
            }
            else
            {
                nic.driver().awaitWork(timeoutNanos);
            }
        }
        sleeping = false;
    }

    /** After enqueueing for the stack thread: wakes it if it sleeps (an eventfd write only then). */
    private void wakeStackThread()
    {
        if (port == null)
        {
            nic.driver().wakeup(); // the emulated interrupt line: an unpark
            return;
        }
        VarHandle.fullFence();
        if (sleeping)
        {
            wake.signal();
        }
    }

    /**
     * Runs a command from another thread; what it throws is counted and kept ({@link #lastFailure()}), never allowed
     * to end the stack thread that every connection of this host depends on.
     */
    private void runSafely(final Runnable command)
    {
        try
        {
            command.run();
        }
        catch (final RuntimeException ex)
        {
            failed(ex);
        }
    }

    private int serviceSafely(final StackWork work)
    {
        try
        {
            return work.service();
        }
        catch (final RuntimeException ex)
        {
            failed(ex);
            return 1;
        }
    }

    private void failed(final RuntimeException ex)
    {
        failures++;
        lastFailure = ex;
    }

    /** Commands and socket services that threw on the stack thread (each counted, the thread kept running). */
    public long failures()
    {
        return failures;
    }

    /** The last of those, or null. */
    public RuntimeException lastFailure()
    {
        return lastFailure;
    }

    /** Whether the caller is this stack's thread (the only one that may touch {@link #tcp()} and {@link #ipv4()}). */
    public boolean onStackThread()
    {
        return Thread.currentThread() == thread;
    }

    /** The TCP layer, for the event-loop API: on the stack thread only (from {@link #execute} or a callback). */
    public TcpLayer tcp()
    {
        checkStackThread("tcp()");
        return tcp;
    }

    /** The IPv4 stack (UDP, ICMP, counters): on the stack thread only. */
    public Ipv4Stack ipv4()
    {
        checkStackThread("ipv4()");
        return stack;
    }

    private void checkStackThread(final String what)
    {
        if (!onStackThread())
        {
            throw new IllegalStateException(what + " belongs to the stack thread of " + name + ": call it from " +
                "execute(...) or submit(...), or from a callback");
        }
    }

    /** Runs {@code command} on the stack thread, soon. */
    public void execute(final Runnable command)
    {
        if (!running)
        {
            throw new IllegalStateException("NetStack " + name + " is closed");
        }
        while (!commands.offer(command))
        {
            Thread.yield();
        }
        wakeStackThread();
    }

    /** Runs {@code task} on the stack thread; the future completes with its result. */
    public <T> CompletableFuture<T> submit(final Callable<T> task)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        execute(() ->
        {
            try
            {
                result.complete(task.call());
            }
            catch (final Throwable t)
            {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    void schedule(final StackWork work)
    {
        if (!running)
        {
            return; // nobody would take it: the socket learns that the host closed from stackClosed()
        }
        if (work.scheduled.compareAndSet(false, true))
        {
            while (!scheduled.offer(work))
            {
                Thread.yield();
            }
            wakeStackThread();
        }
    }

    SocketBridge newBridge()
    {
        final SocketBridge bridge = new SocketBridge(this, ringBytes);
        opened(bridge);
        return bridge;
    }

    /** A blocking socket was made: it is woken if the host closes before the application closes it. */
    void opened(final StackClosedListener socket)
    {
        sockets.add(socket);
        if (!running)
        {
            sockets.remove(socket);
            socket.stackClosed(); // close() may have passed the set already
        }
    }

    /** The application closed the socket (or it finished): nothing to wake in it any more. */
    void closed(final StackClosedListener socket)
    {
        sockets.remove(socket);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed()
    {
        return !running;
    }

    // ---------------------------------------------------------------- blocking API

    /** Listens on {@code port} with TCP's accept queue of {@code backlog} connections. */
    public TcpServerSocket listen(final int port, final int backlog) throws IOException
    {
        final TcpServerSocket server = new TcpServerSocket(this, port, backlog);
        try
        {
            server.listener = submit(() -> tcp.listen(port, backlog, listener -> server.pullAccepted()))
                .get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IOException("cannot listen on port " + port + ": " + causeOf(ex).getMessage(), causeOf(ex));
        }
        opened(server);
        return server;
    }

    /**
     * Connects to {@code address}:{@code port}, waiting at most {@code timeout}.
     *
     * @throws ConnectException       refused (RST), unreachable, or the SYN retransmissions timed out.
     * @throws SocketTimeoutException no answer within {@code timeout} (the attempt is aborted).
     */
    public TcpSocket connect(final String address, final int port, final long timeout, final TimeUnit unit)
        throws IOException
    {
        final int remote = Ipv4Address.parse(address);
        final SocketBridge bridge = newBridge();
        bridge.connector = Thread.currentThread();
        try
        {
            bridge.connection = submit(() -> tcp.connect(remote, port, bridge)).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IOException("cannot connect to " + address + ":" + port + ": " + causeOf(ex).getMessage(),
                causeOf(ex));
        }
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!bridge.connected)
        {
            if (bridge.stackClosed)
            {
                closed(bridge);
                throw new SocketException("NetStack " + name + " closed while connecting to " + address + ":" + port);
            }
            final TcpCloseReason reason = bridge.reset;
            if (reason != null)
            {
                throw new ConnectException("Connection " + (reason == TcpCloseReason.REFUSED ? "refused" :
                    "failed (" + reason + ")") + ": " + address + ":" + port);
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                bridge.abortRequested = true;
                schedule(bridge);
                closed(bridge);
                throw new SocketTimeoutException("Connect timed out after " + unit.toMillis(timeout) + " ms: " +
                    address + ":" + port);
            }
            LockSupport.parkNanos(this, left);
        }
        bridge.connector = null;
        return new TcpSocket(bridge, remote, port);
    }

    private static Throwable causeOf(final Exception ex)
    {
        return ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
    }

    /** Opens a blocking UDP socket on {@code port} (0: an ephemeral port), with {@code ringBytes} each way. */
    public UdpSocket openUdp(final int port) throws IOException
    {
        final UdpSocket socket = new UdpSocket(this, ringBytes);
        try
        {
            submit(() ->
            {
                socket.bind(stack.openUdp(port));
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IOException("cannot open UDP port " + port + ": " + causeOf(ex).getMessage(), causeOf(ex));
        }
        opened(socket);
        return socket;
    }

    // ---------------------------------------------------------------- close

    public String name()
    {
        return name;
    }

    public long macAddress()
    {
        return nic.driver().macAddress();
    }

    /**
     * The Linux wire (a {@link TapPort} or a {@link PacketSocketPort}), for its counters and its device's, or null
     * for an in-memory host.
     */
    public DevicePort port()
    {
        return port;
    }

    /** Buffers still held after {@link #close()} (0 unless something leaked). */
    public int outstandingBuffers()
    {
        return nic.pool().outstanding();
    }

    /**
     * Whether this host's native memory is given back, as {@link #close()} does: the DMA regions of the packet pool
     * and of the IPv4 stack's datagram pool (the descriptor rings' region is freed with the NIC, in the same step).
     */
    public boolean isMemoryReleased()
    {
        return nic.pool().region().isClosed() && stack.datagramPool().region().isClosed();
    }

    /**
     * Stops the stack thread (open connections are aborted), then frees the port, the TAP device and the NIC, and
     * wakes the application threads blocked in this host's sockets (accept, connect, read, write, receive): they
     * fail with a {@link SocketException}. Closing those sockets afterwards is harmless.
     */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        if (port != null)
        {
            wake.signal();
        }
        else
        {
            nic.driver().wakeup();
        }
        if (thread.isAlive())
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (!thread.isAlive() && thread.getState() == Thread.State.NEW)
        {
            stack.close();
        }
        if (port != null)
        {
            port.close();
            wake.close();
        }
        if (wire != null)
        {
            wire.close();
        }
        nic.close();
        for (final StackClosedListener socket : sockets)
        {
            socket.stackClosed();
        }
        sockets.clear();
    }

    @Override
    public String toString()
    {
        return "NetStack{" + name + ", " + MacAddress.toString(nic.driver().macAddress()) + "}";
    }

    /** How to build a NetStack. */
    public static final class Builder
    {
        private final String name;
        private long mac = 0x0252_5300_0000L;
        private String cidr;
        private int gateway;
        private int mtu = StackConfig.ETHERNET_MTU;
        private int buffers = 4096;
        private int socketRingBytes = 64 * 1024;
        private TcpConfig tcpConfig = TcpConfig.defaults();
        private String tapName;
        private String tapLinuxCidr;
        private String packetInterface;
        private IdleMode idleMode = IdleMode.SLEEP;
        private FrameSink capture;

        private Builder(final String name)
        {
            this.name = name;
        }

        public Builder mac(final long address)
        {
            this.mac = address;
            return this;
        }

        /** Our IPv4 address and prefix, e.g. {@code 10.0.0.1/24} (required). */
        public Builder address(final String addressAndPrefix)
        {
            StackConfig.of(addressAndPrefix); // refuses a bad CIDR now, with its own message
            this.cidr = addressAndPrefix;
            return this;
        }

        public Builder gateway(final String address)
        {
            this.gateway = Ipv4Address.parse(address);
            return this;
        }

        public Builder mtu(final int bytes)
        {
            this.mtu = bytes;
            return this;
        }

        public Builder buffers(final int count)
        {
            this.buffers = count;
            return this;
        }

        /** Bytes each blocking socket buffers each way between the application and the stack (a power of two). */
        public Builder socketRingBytes(final int bytes)
        {
            this.socketRingBytes = bytes;
            return this;
        }

        /**
         * Shows {@code sink} every frame the host's NIC receives or sends, from its first (the gratuitous ARP that
         * announces its address), on the stack thread: a pcap writer for {@code --pcap}. The driver's
         * {@code capture} can replace it later from the stack thread.
         */
        public Builder capture(final FrameSink sink)
        {
            this.capture = sink;
            return this;
        }

        /** What the stack thread does when it has no work: {@link IdleMode#SLEEP} (default) or busy-spin. */
        public Builder idle(final IdleMode mode)
        {
            this.idleMode = Objects.requireNonNull(mode, "idle mode");
            return this;
        }

        public Builder tcp(final TcpConfig config)
        {
            this.tcpConfig = config;
            return this;
        }

        /**
         * The wire is a new TAP device {@code name}; with {@code linuxCidr} (e.g. {@code 10.0.0.2/24}) Linux's side
         * gets that address and is brought up (needs CAP_NET_ADMIN).
         */
        public Builder tap(final String tapName, final String linuxCidr)
        {
            this.tapName = tapName;
            this.tapLinuxCidr = linuxCidr;
            return this;
        }

        /**
         * The wire is an AF_PACKET socket on Linux interface {@code name} (needs CAP_NET_RAW), its rings sized for
         * frames of the {@link #mtu MTU}; the interface's own MTU must allow them too ({@code ip link set NAME mtu
         * 9000}). A peer's TCP segmentation offload is undone on the way in: its 64 KiB packets are cut into frames.
         */
        public Builder afPacket(final String interfaceName)
        {
            this.packetInterface = interfaceName;
            return this;
        }

        /** Builds and starts the host on the TAP or AF_PACKET wire chosen (use inMemoryPair for in-memory). */
        public NetStack start()
        {
            if (tapName == null && packetInterface == null)
            {
                throw new IllegalStateException("choose a wire: tap(...) or afPacket(...), or build two with " +
                    "NetStack.inMemoryPair(a, b)");
            }
            final EmulatedNic nic = newNic();
            DevicePort opened = null;
            try
            {
                if (tapName != null)
                {
                    opened = TapPort.attach(TapDevice.open(tapName), nic.device());
                    if (tapLinuxCidr != null)
                    {
                        LinuxInterface.configure(tapName, tapLinuxCidr, mtu); // Linux's side: our MTU too
                    }
                }
                else
                {
                    // the ring's slots follow the MTU (jumbo frames both ways), and a peer's TSO packets are cut
                    // into frames of this length (PacketRingConfig.maxFrameLength)
                    opened = PacketSocketPort.attach(PacketSocket.open(packetInterface,
                        PacketRingConfig.DEFAULT.withMaxFrameLength(mtu + 14)), nic.device()); // + Ethernet header
                }
                nic.start();
                return new NetStack(this, opened, nic).start();
            }
            catch (final RuntimeException ex)
            {
                if (opened != null)
                {
                    opened.close();
                }
                nic.close();
                throw ex;
            }
        }

        private EmulatedNic newNic()
        {
            if (cidr == null)
            {
                throw new IllegalStateException("NetStack " + name + " needs an address: address(\"10.0.0.1/24\")");
            }
            final int bufferSize = mtu > 1500 ? 16384 : 2048;
            return EmulatedNic.builder(name, mac).bufferSize(bufferSize).buffers(buffers).rings(512, 512)
                .strict(false).build();
        }
    }
}
