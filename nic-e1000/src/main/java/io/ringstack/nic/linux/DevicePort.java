package io.ringstack.nic.linux;

import io.ringstack.nic.emulated.EmulatedE1000;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.FrameSource;
import io.ringstack.nic.wire.PcapWriter;
import org.agrona.DirectBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What every Linux wire of the emulated 82540EM shares: the device's receive side (a thread sleeping in poll(2), or
 * {@link #pollOnce()} inline) feeding frames into {@link EmulatedE1000#receiveFrom}, the transmit gate that keeps
 * the driver's thread from using a closed descriptor, counters, the optional pcap of both directions, and the
 * close order (unplug, stop receiving, close the descriptor). Subclasses say how one frame is read and written.
 */
public abstract class DevicePort implements FrameSink, AutoCloseable
{
    /** Frames fed to the device per burst before the receive thread looks at anything else. */
    public static final int RECEIVE_BUDGET = 64;
    /** {@link #awaitReadable}: the wire has a frame (or an error to report). */
    public static final int WIRE_READABLE = 1;
    /** {@link #awaitReadable}: the eventfd was signalled. */
    public static final int WAKE_SIGNALLED = 2;

    final EmulatedE1000 device;
    final PortCounters counters;
    final TransmitGate gate = new TransmitGate();
    private final PortCapture capture = new PortCapture();
    private final FrameSource source = new FrameSource()
    {
        @Override
        public int read(final long address, final int capacity)
        {
            return readAndRecord(address, capacity);
        }

        @Override
        public int frameFlags()
        {
            return lastFrameFlags();
        }
    };
    private final ReceiveLoop loop;
    private final int wireFd;
    private boolean drained;
    /** struct pollfd[2] {wire, wake} for {@link #awaitReadable}, allocated on its first use. */
    private Arena inlineArena;
    private MemorySegment inlinePoll;
    private Libc inlineLibc;
    private final String wireName;
    private volatile boolean closed;
    private final LossGenerator transmitLoss = new LossGenerator();
    private final LossGenerator receiveLoss = new LossGenerator();

    DevicePort(
        final EmulatedE1000 device, final PortCounters counters, final String threadName, final String wireName,
        final FdPoll readable)
    {
        this.device = device;
        this.counters = counters;
        this.wireName = wireName;
        this.wireFd = readable.fd();
        this.loop = new ReceiveLoop(threadName, new ReceiveLoop.Work()
        {
            @Override
            public int receiveBurst()
            {
                return DevicePort.this.receiveBurst();
            }

            @Override
            public void pollError(final int revents)
            {
                // a failed poll, or POLLERR: the descriptor's pending error, if it has one (reported once)
                final int errno = revents < 0 ? -revents : pendingError();
                if (errno != 0)
                {
                    counters.receiveError(errno);
                }
            }
        }, readable, counters);
    }

    /** The device's receive DMA: one frame from the wire written at {@code address}; 0 when none (see FrameSource). */
    abstract int readFrame(long address, int capacity);

    /**
     * What the wire said about the frame {@link #readFrame} wrote last ({@link FrameSource#frameFlags()}); 0 unless
     * the wire knows more than the bytes.
     */
    int lastFrameFlags()
    {
        return 0;
    }

    /**
     * Whether the wire has frames for the device that need no look at the descriptor: frames cut from one packet
     * ({@link PacketSocket#hasPendingFrames()}), each fed to the device by its own {@link FrameSource#read}.
     */
    boolean framesPending()
    {
        return false;
    }

    /** Sends one frame from {@code buffer} (inside the transmit gate, on the driver's thread); counts failures. */
    abstract void transmit(DirectBuffer buffer, int offset, int length);

    /** The descriptor's pending error after POLLERR, or 0. */
    abstract int pendingError();

    /** Closes the wire's descriptor (and what belongs to it). */
    abstract void closeWire();

    void startReceiving()
    {
        checkOpen();
        loop.start();
    }

    /**
     * Feeds the device the frames waiting on the wire, up to {@link #RECEIVE_BUDGET}, on the caller's thread; for a
     * caller that drives the receive side itself instead of starting the port (benchmarks). One thread at a time,
     * and not while {@link #close()} runs: stop calling it first.
     *
     * @return the frames handed to the device.
     * @throws IllegalStateException if the receive thread runs (the device takes frames from one thread).
     */
    public int pollOnce()
    {
        if (loop.isRunning())
        {
            throw new IllegalStateException("the port's receive thread is running: pollOnce() is for ports that " +
                "were not start()ed (the device receives from one thread at a time)");
        }
        checkOpen();
        return receiveBurst();
    }

    /**
     * For a thread that receives inline with {@link #pollOnce()} (a stack thread driving both directions itself, so
     * no frame crosses threads): sleeps in poll(2) until the wire has a frame, {@code wake} is signalled, or
     * {@code timeoutMillis} pass. Allocates nothing after the first call. Same thread rules as {@link #pollOnce()}.
     *
     * @return {@link #WIRE_READABLE} if the wire is readable (or reports an error condition, which the next read
     *         counts), or'd with {@link #WAKE_SIGNALLED} if {@code wake} was signalled (clear it then); 0 on a
     *         timeout.
     */
    public int awaitReadable(final EventFd wake, final int timeoutMillis)
    {
        checkOpen();
        if (framesPending())
        {
            return WIRE_READABLE; // the rest of a packet cut into frames is still to be fed
        }
        MemorySegment fds = inlinePoll;
        if (fds == null)
        {
            inlineArena = Arena.ofShared();
            inlineLibc = new Libc(inlineArena);
            fds = inlineArena.allocate(16, 4);
            inlinePoll = fds;
        }
        fds.set(ValueLayout.JAVA_INT, 0, wireFd);
        fds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, 6, (short)0);
        fds.set(ValueLayout.JAVA_INT, 8, wake.fd());
        fds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, 14, (short)0);
        final int ready = inlineLibc.pollNoErrno(fds, 2, timeoutMillis);
        if (ready <= 0)
        {
            return 0; // timeout, EINTR or a failed poll: the caller looks again
        }
        counters.increment(PortCounter.RECEIVE_WAKEUPS);
        return (fds.get(ValueLayout.JAVA_SHORT, 6) != 0 ? WIRE_READABLE : 0) |
            (fds.get(ValueLayout.JAVA_SHORT, 14) != 0 ? WAKE_SIGNALLED : 0);
    }

    /**
     * Whether the last {@link #pollOnce()} stopped because the wire had nothing more (its last read found no frame),
     * rather than at its budget: a caller that polls the wire's descriptor before it sleeps need not read again
     * until then.
     */
    public boolean drained()
    {
        return drained;
    }

    private int receiveBurst()
    {
        int frames = 0;
        long bytes = 0;
        boolean empty = false;
        while (frames < RECEIVE_BUDGET)
        {
            final int length = device.receiveFrom(source);
            if (length == 0)
            {
                empty = true;
                break;
            }
            frames++;
            bytes += length;
        }
        drained = empty;
        if (frames > 0)
        {
            counters.add(PortCounter.FRAMES_RECEIVED, frames);
            counters.add(PortCounter.BYTES_RECEIVED, bytes);
        }
        return frames;
    }

    private int readAndRecord(final long address, final int capacity)
    {
        final int length = readFrame(address, capacity);
        if (length > 0 && receiveLoss.drop())
        {
            counters.increment(PortCounter.FAULT_DROPPED_RECEIVED);
            return 0; // read from the wire, never handed to the device: lost on the way in
        }
        capture.received(address, length, capacity);
        return length;
    }

    /** The device transmits a frame (the driver's thread). */
    @Override
    public final void accept(final DirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new IndexOutOfBoundsException("frame of " + length + " B at offset " + offset +
                " is not inside its buffer of " + buffer.capacity() + " B");
        }
        if (!gate.enter())
        {
            counters.increment(PortCounter.TRANSMIT_AFTER_CLOSE);
            return;
        }
        try
        {
            if (transmitLoss.drop())
            {
                counters.increment(PortCounter.FAULT_DROPPED_TRANSMITTED);
                return;
            }
            capture.transmitted(buffer, offset, length);
            transmit(buffer, offset, length);
        }
        finally
        {
            gate.exit();
        }
    }

    public EmulatedE1000 device()
    {
        return device;
    }

    /**
     * Records every frame received and transmitted from now on into {@code pcap} (null stops); the caller closes
     * the writer. Received frames are recorded as the wire delivered them: one whose checksum a program on this host
     * left to offload still holds the pseudo-header's sum there, as tcpdump on the interface shows it; a peer's
     * segmentation-offload packet as the frames it was cut into (tcpdump shows the packet, uncut).
     */
    public void pcap(final PcapWriter pcap)
    {
        capture.writer(pcap);
    }

    /**
     * Loses frames on this real wire, to test recovery against a real peer (the kernel has no netem here): each
     * frame the device transmits is dropped with probability {@code transmitRate}, each frame read from the wire
     * with {@code receiveRate}, from a generator seeded with {@code seed} (each direction its own). Dropped frames
     * are counted ({@link PortCounter#FAULT_DROPPED_TRANSMITTED}, {@link PortCounter#FAULT_DROPPED_RECEIVED}) and
     * not captured. Set it before traffic flows.
     */
    public void dropFrames(final double transmitRate, final double receiveRate, final long seed)
    {
        transmitLoss.configure(transmitRate, seed);
        receiveLoss.configure(receiveRate, seed * 31 + 7);
    }

    public PortCounters counters()
    {
        return counters;
    }

    /** The receive thread, or null if the port was not started (for tests that measure it). */
    public Thread receiveThread()
    {
        return loop.thread();
    }

    void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("port on " + wireName + " is closed");
        }
    }

    /** Unplugs the device (link down), stops the receive thread, closes the wire's descriptor. */
    @Override
    public final void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        device.attachWire(null);
        gate.close();
        loop.stop();
        closeWire();
        if (inlineArena != null)
        {
            inlineArena.close();
        }
    }

    /** A seeded Bernoulli loss for one direction, used by one thread; xorshift64*, no allocation. */
    private static final class LossGenerator
    {
        private volatile long threshold; // drop when the next 53-bit draw is below it; 0 = never
        private long state = 0x9E37_79B9_7F4A_7C15L;

        void configure(final double rate, final long seed)
        {
            if (rate < 0 || rate > 1)
            {
                throw new IllegalArgumentException("loss rate " + rate + " is not between 0 and 1");
            }
            state = seed == 0 ? 0x9E37_79B9_7F4A_7C15L : seed;
            threshold = (long)(rate * (1L << 53));
        }

        boolean drop()
        {
            final long limit = threshold;
            if (limit == 0)
            {
                return false;
            }
            long x = state;
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            state = x;
            return ((x * 0x2545_F491_4F6C_DD1DL) >>> 11) < limit;
        }
    }
}
