package io.ringstack.nic.linux;

import io.ringstack.nic.emulated.EmulatedE1000;
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
 * one copy ({@link EmulatedE1000#receiveFrom}); a frame whose checksum a program on this host left to offload (a
 * veth peer's, TP_STATUS_CSUMNOTREADY) is flagged to the device, which completes it or reports it good, as Linux
 * does for such a packet ({@link io.ringstack.nic.wire.FrameSource#CHECKSUM_PARTIAL}). A TCP packet of up to 64 KiB
 * that the peer's segmentation offload left uncut is cut into frames the device takes ({@link TcpSegmentation}),
 * each fed to the device as a frame of its own, one per {@code receiveFrom}. The receive side runs by
 * itself once {@link #start() started} (a thread per port sleeping in poll(2)), or a caller drives it with
 * {@link #pollOnce()}. Neither path allocates per frame. Failures on the frame paths are counted
 * ({@link #counters()}), never thrown.
 * <p>
 * Close the port before the NIC: closing unplugs the cable (link down), stops the receive thread, and closes the
 * socket.
 */
public final class PacketSocketPort extends DevicePort
{
    private final PacketSocket socket;

    private PacketSocketPort(final PacketSocket socket, final EmulatedE1000 device)
    {
        super(device, socket.counters(), "packet-rx-" + socket.interfaceName(), socket.interfaceName(),
            socket.readablePoll());
        this.socket = socket;
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
        startReceiving();
        return this;
    }

    /** The device's receive DMA: the copy from the RX ring into the RX buffer. */
    @Override
    int readFrame(final long address, final int capacity)
    {
        return socket.read(address, capacity);
    }

    /** The kernel's word on the frame's checksum (TP_STATUS_CSUMNOTREADY, TP_STATUS_CSUM_VALID), for the device. */
    @Override
    int lastFrameFlags()
    {
        return socket.lastFrameFlags();
    }

    /** Frames cut from a peer's segmentation-offload packet still to come (the ring may be empty meanwhile). */
    @Override
    boolean framesPending()
    {
        return socket.hasPendingFrames();
    }

    @Override
    int pendingError()
    {
        return socket.takeError();
    }

    /** The device transmits a frame: copied from its buffer into the TX ring (the driver's thread, inside the gate). */
    @Override
    void transmit(final DirectBuffer buffer, final int offset, final int length)
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

    @Override
    void closeWire()
    {
        socket.close();
    }

    @Override
    public String toString()
    {
        return "PacketSocketPort{" + socket.interfaceName() + " <-> " + device.name() + ", " + counters + '}';
    }
}
