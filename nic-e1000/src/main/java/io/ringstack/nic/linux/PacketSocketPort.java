package io.ringstack.nic.linux;

import io.ringstack.nic.emulated.EmulatedE1000;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.FrameSource;
import org.agrona.DirectBuffer;

/**
 * A Linux network interface (a veth end, a NIC) as the emulated 82540EM's wire, through an AF_PACKET socket with
 * memory-mapped rings: the NIC's frames leave through the interface, and every frame arriving on the interface
 * reaches the NIC (promiscuous by default: the NIC has its own MAC address).
 * <pre>
 *   driver ──TDT──▶ EmulatedE1000 ── accept(DMA buffer) ──▶ copy into a TX ring slot ─┐
 *                                 ── endOfBurst ──▶ one send(2) ───────────────────────┴──▶ interface
 *   driver ◀─RXT0── EmulatedE1000 ◀── receiveFrom ── copy from the RX ring slot into the RX buffer ◀── interface
 * </pre>
 * Transmit runs on the driver's thread: each frame is copied from its DMA buffer into the TX ring (the device's
 * DMA read), and one send(2) per burst (the device's TDT write) sends them all. Receive: the device takes its next
 * RX descriptor and the port copies the next frame of the RX ring straight into that descriptor's buffer, the
 * one copy ({@link EmulatedE1000#receiveFrom}). The receive side runs by itself once {@link #start() started} (a
 * thread per port sleeping in poll(2)), or a caller drives it with {@link #pollOnce()}. Neither path allocates per
 * frame. Failures on the frame paths are counted ({@link #counters()}), never thrown.
 * <p>
 * Close the port before the NIC: closing unplugs the cable (link down), stops the receive thread, and closes the
 * socket.
 */
public final class PacketSocketPort implements FrameSink, AutoCloseable
{
    /** Frames fed to the device per burst before the receive thread looks at anything else. */
    public static final int RECEIVE_BUDGET = 64;

    private final PacketSocket socket;
    private final EmulatedE1000 device;
    private final PortCounters counters;
    private final TransmitGate gate = new TransmitGate();
    private final FrameSource source = this::readFrame;
    private final PortCapture capture = new PortCapture();
    private final ReceiveLoop loop;
    private volatile boolean closed;

    private PacketSocketPort(final PacketSocket socket, final EmulatedE1000 device)
    {
        this.socket = socket;
        this.device = device;
        this.counters = socket.counters();
        this.loop = new ReceiveLoop("packet-rx-" + socket.interfaceName(), new ReceiveLoop.Work()
        {
            @Override
            public int receiveBurst()
            {
                return PacketSocketPort.this.receiveBurst();
            }

            @Override
            public void pollError(final int revents)
            {
                // a failed poll, or POLLERR: take the socket's pending error (e.g. ENETDOWN), reported once
                final int errno = revents < 0 ? -revents : socket.takeError();
                if (errno != 0)
                {
                    counters.receiveError(errno);
                }
            }
        }, socket.readablePoll(), counters);
    }

    /**
     * Plugs {@code device} into {@code socket}'s interface: the device transmits through it from now on (its link
     * comes up once its driver sets CTRL.SLU). The port owns the socket and closes it. Receiving starts with
     * {@link #start()} or {@link #pollOnce()}.
     */
    public static PacketSocketPort attach(final PacketSocket socket, final EmulatedE1000 device)
    {
        if (socket.isClosed())
        {
            throw new IllegalArgumentException(socket + " is closed: open a new PacketSocket");
        }
        final PacketSocketPort port = new PacketSocketPort(socket, device);
        device.attachWire(port);
        return port;
    }

    /** Starts the device's receive thread ("packet-rx-INTERFACE"). */
    public PacketSocketPort start()
    {
        checkOpen();
        loop.start();
        return this;
    }

    /**
     * Feeds the device the frames waiting in the RX ring, up to {@link #RECEIVE_BUDGET}, on the caller's thread;
     * for a caller that drives the receive side itself instead of {@link #start()}. One thread at a time, and not while
     * {@link #close()} runs: stop calling it first.
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

    /** The device's receive DMA: the copy from the RX ring into the RX buffer. */
    private int readFrame(final long address, final int capacity)
    {
        final int length = socket.read(address, capacity);
        capture.received(address, length, capacity);
        return length;
    }

    /** The device transmits a frame: copied from its buffer into the TX ring (the driver's thread). */
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
            final byte[] array = buffer.byteArray();
            if (array == null)
            {
                socket.queue(buffer.addressOffset() + offset, length); // counts, or counts the loss
            }
            else
            {
                socket.queue(array, buffer.wrapAdjustment() + offset, length);
            }
        }
        finally
        {
            gate.exit();
        }
    }

    /** The end of the device's burst: one send(2) for the frames queued in the TX ring. */
    @Override
    public void endOfBurst()
    {
        if (!gate.enter())
        {
            return;
        }
        try
        {
            socket.flush();
        }
        finally
        {
            gate.exit();
        }
    }

    public PacketSocket socket()
    {
        return socket;
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
            throw new IllegalStateException("port on " + socket.interfaceName() + " is closed");
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
        socket.close();
    }

    @Override
    public String toString()
    {
        return "PacketSocketPort{" + socket.interfaceName() + " <-> " + device.name() + ", " + counters + '}';
    }
}
