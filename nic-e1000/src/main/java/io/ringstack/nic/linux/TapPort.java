package io.ringstack.nic.linux;

import io.ringstack.nic.emulated.EmulatedE1000;
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
 * Checksums arrive whole: the TAP is opened without IFF_VNET_HDR and never given TUNSETOFFLOAD, so the interface
 * has no TX checksum or segmentation offload ({@code ethtool -k} shows tx-checksumming off) and the kernel
 * completes every CHECKSUM_PARTIAL packet and cuts every GSO packet before the TAP's read(2) sees it
 * (validate_xmit_skb); unlike a packet socket, a TAP has nothing to flag ({@link #lastFrameFlags()} stays 0).
 * <p>
 * Close the port before the NIC: closing unplugs the cable (link down), stops the receive thread and closes the
 * TAP descriptor, which removes the interface.
 */
public final class TapPort extends DevicePort
{
    private static final int HEAP_FRAME_SCRATCH = 65536;

    private final TapDevice tap;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment heapScratch;

    private TapPort(final TapDevice tap, final EmulatedE1000 device)
    {
        super(device, new PortCounters(), "tap-rx-" + tap.name(), tap.name(), tap.readablePoll());
        this.tap = tap;
        this.heapScratch = arena.allocate(HEAP_FRAME_SCRATCH, 64);
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
        startReceiving();
        return this;
    }

    /** The device's receive DMA: one read(2) into the RX buffer. */
    @Override
    int readFrame(final long address, final int capacity)
    {
        final int length = tap.readFrame(address, capacity);
        if (length < 0)
        {
            counters.receiveError(-length);
            return 0;
        }
        return length;
    }

    /** The device transmits a frame: one write(2) from its buffer (the driver's thread, inside the gate). */
    @Override
    void transmit(final DirectBuffer buffer, final int offset, final int length)
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

    @Override
    int pendingError()
    {
        return 0;
    }

    public TapDevice tap()
    {
        return tap;
    }

    @Override
    void closeWire()
    {
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
