package io.ringstack.nic.linux;

import io.ringstack.nic.emulated.EmulatedE1000;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.FrameSource;
import org.agrona.DirectBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A TAP device as the emulated 82540EM's wire: the NIC's frames go to the Linux kernel through the TAP interface,
 * and the kernel's frames come back to the NIC.
 * <pre>
 *   driver ──TDT──▶ EmulatedE1000 ── accept(DMA buffer) ──▶ TapPort ── write(2) ──▶ kernel (TAP interface)
 *   driver ◀─RXT0── EmulatedE1000 ◀── receiveFrom ── TapPort ◀── readv(2) into the RX buffer ── kernel
 * </pre>
 * Transmit runs on the driver's thread: the device hands over each frame in its DMA buffer and the port writes it
 * from there. Receive: the device takes its next RX descriptor and the port's read(2) writes the frame straight
 * into that descriptor's buffer, the one copy ({@link EmulatedE1000#receiveFrom}). Like the hardware it stands
 * for, the receive side runs by itself once {@link #start() started}: a thread per port sleeps in poll(2) and
 * feeds the device when frames arrive; or a caller drives it with {@link #pollOnce()} (benchmarks). Neither path
 * allocates per frame. Failures on the frame paths are counted ({@link #counters()}), never thrown.
 * <p>
 * Close the port before the NIC: closing unplugs the cable (link down), stops the receive thread and closes the
 * TAP descriptor, which removes the interface.
 */
public final class TapPort implements FrameSink, AutoCloseable
{
    /** Frames fed to the device per burst before the receive thread looks at anything else. */
    public static final int RECEIVE_BUDGET = 64;
    private static final int HEAP_FRAME_SCRATCH = 65536;

    private final TapDevice tap;
    private final EmulatedE1000 device;
    private final PortCounters counters = new PortCounters();
    private final TransmitGate gate = new TransmitGate();
    private final FrameSource source = this::readFrame;
    private final PortCapture capture = new PortCapture();
    private final ReceiveLoop loop;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment heapScratch;
    private volatile boolean closed;

    private TapPort(final TapDevice tap, final EmulatedE1000 device)
    {
        this.tap = tap;
        this.device = device;
        this.heapScratch = arena.allocate(HEAP_FRAME_SCRATCH, 64);
        this.loop = new ReceiveLoop("tap-rx-" + tap.name(), new ReceiveLoop.Work()
        {
            @Override
            public int receiveBurst()
            {
                return TapPort.this.receiveBurst();
            }

            @Override
            public void pollError(final int revents)
            {
                if (revents < 0)
                {
                    counters.receiveError(-revents);
                }
            }
        }, tap.readablePoll(), counters);
    }

    /**
     * Plugs {@code device} into {@code tap}: the device transmits into the TAP from now on (its link comes up once
     * its driver sets CTRL.SLU). The port owns the TAP device and closes it. Receiving starts with {@link #start()}
     * or {@link #pollOnce()}.
     */
    public static TapPort attach(final TapDevice tap, final EmulatedE1000 device)
    {
        if (tap.isClosed())
        {
            throw new IllegalArgumentException(tap + " is closed: open a new TapDevice");
        }
        final TapPort port = new TapPort(tap, device);
        device.attachWire(port);
        return port;
    }

    /** Starts the device's receive thread ("tap-rx-NAME"). */
    public TapPort start()
    {
        checkOpen();
        loop.start();
        return this;
    }

    /**
     * Feeds the device the frames waiting on the TAP, up to {@link #RECEIVE_BUDGET}, on the caller's thread; for a
     * caller that drives the receive side itself instead of {@link #start()} (benchmarks). One thread at a time, and
     * not while {@link #close()} runs: stop calling it first.
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

    private int receiveBurst()
    {
        int frames = 0;
        long bytes = 0;
        while (frames < RECEIVE_BUDGET)
        {
            final int length = device.receiveFrom(source);
            if (length == 0)
            {
                break;
            }
            frames++;
            bytes += length;
        }
        if (frames > 0)
        {
            counters.add(PortCounter.FRAMES_RECEIVED, frames);
            counters.add(PortCounter.BYTES_RECEIVED, bytes);
        }
        return frames;
    }

    /** The device's receive DMA: one read(2) into the RX buffer. */
    private int readFrame(final long address, final int capacity)
    {
        final int length = tap.readFrame(address, capacity);
        if (length < 0)
        {
            counters.receiveError(-length);
            return 0;
        }
        capture.received(address, length, capacity);
        return length;
    }

    /** The device transmits a frame: one write(2) from its buffer (the driver's thread). */
    @Override
    public void accept(final DirectBuffer buffer, final int offset, final int length)
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
        capture.transmitted(buffer, offset, length);
        try
        {
            final long address;
            final byte[] array = buffer.byteArray();
            if (array == null)
            {
                address = buffer.addressOffset() + offset;
            }
            else if (length <= HEAP_FRAME_SCRATCH)
            {
                MemorySegment.copy(array, buffer.wrapAdjustment() + offset, heapScratch, JAVA_BYTE, 0, length);
                address = heapScratch.address();
            }
            else
            {
                counters.transmitError(Errno.EMSGSIZE);
                return;
            }
            final int result = tap.writeFrame(address, length);
            if (result < 0)
            {
                counters.transmitError(-result);
            }
            else
            {
                counters.increment(PortCounter.FRAMES_SENT);
                counters.add(PortCounter.BYTES_SENT, length);
            }
        }
        finally
        {
            gate.exit();
        }
    }

    public TapDevice tap()
    {
        return tap;
    }

    public EmulatedE1000 device()
    {
        return device;
    }

    /**
     * Records every frame received and transmitted from now on into {@code pcap} (null stops); the caller closes
     * the writer.
     */
    public void pcap(final io.ringstack.nic.wire.PcapWriter pcap)
    {
        capture.writer(pcap);
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

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("port on " + tap.name() + " is closed");
        }
    }

    /** Unplugs the device (link down), stops the receive thread, closes the TAP (the interface goes away). */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        device.attachWire(null);
        gate.close();
        loop.stop();
        try
        {
            tap.close();
        }
        finally
        {
            arena.close();
        }
    }

    @Override
    public String toString()
    {
        return "TapPort{" + tap.name() + " <-> " + device.name() + ", " + counters + '}';
    }
}
