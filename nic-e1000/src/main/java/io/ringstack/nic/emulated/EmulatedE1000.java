package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.RegisterAccess;
import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.e1000.TxDescriptor;
import io.ringstack.nic.memory.OnesComplementSum;
import io.ringstack.nic.memory.RawMemory;
import io.ringstack.nic.wire.ChecksumPartialSink;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.FrameSource;
import io.ringstack.nic.wire.WireEnd;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.invoke.VarHandle;

import static io.ringstack.nic.e1000.E1000Registers.*;

/**
 * An in-process 82540EM: the hardware side of the register interface, written from the Intel 8254x SDM.
 * <p>
 * BAR0 is a 128 KiB off-heap block laid out like the real one. Register writes have the manual's side effects
 * (CTRL.RST resets, ICR is read-to-clear, IMS/IMC set and clear the mask, a TDT write starts transmission,
 * statistics clear on read). Receiving ({@link #accept}) takes the RX descriptor at RDH, "DMA"s the frame into the
 * descriptor's buffer, writes length and DD|EOP, moves RDH and raises RXT0; with no free descriptor it drops the
 * frame and counts MPC and RNBC (SDM §3.2.6, §13.7). {@link #receiveFrom} is the same for a wire that writes the
 * frame into the descriptor's buffer itself (a TAP device's read(2), a packet socket's ring). Transmitting walks TDH
 * up to TDT, sends each frame to the wire and writes DD back where CMD.RS asked for it (SDM §3.3), and tells the
 * wire when the burst ends ({@link FrameSink#endOfBurst}).
 * <p>
 * Threads: the driver's thread reads and writes registers and, through a TDT write, transmits. {@link #accept}
 * and {@link #receiveFrom} run on whatever thread delivers frames from the wire (the peer's, for an in-memory wire;
 * a port's receive thread, for a Linux one): like real hardware, the receive side runs concurrently with the driver,
 * and descriptors are published with release/acquire. Frames must arrive from one thread at a time.
 * <p>
 * Memory ordering, and why each is enough (x86 turns all of these but the volatile stores and CASes into plain
 * moves; the point is what the JIT and weaker CPUs may reorder):
 * <ul>
 *   <li>RDT, TDT (driver writes, release): the driver's descriptor writes come before them in program order, and
 *       the device reads RDT with acquire before it reads the descriptor at RDH, so it sees what the driver wrote.
 *       TDT is read back on the driver's own thread (transmission runs on the TDT write).</li>
 *   <li>RX write-back (device, a release store of the status word after the frame's bytes and the length) pairs
 *       with the driver's acquire of DD (a plain load of DD then an acquire fence, once per poll).</li>
 *   <li>TX write-back, once per burst: a release fence after the device's reads of all the burst's buffers, then
 *       plain stores of STA.DD; the driver loads DD, then fences with acquire before it releases the buffers.</li>
 *   <li>RDH, TDH (device, release): informational for software; nothing is published through them.</li>
 *   <li>ICR, IMS: read-modify-writes are CASes (atomic, full fences), so a cause raised by the device and a clear by
 *       the driver never lose each other's bits; every change recomputes the interrupt line, and a raise of causes
 *       already pending changes nothing.</li>
 *   <li>Other registers: volatile, off the frame path.</li>
 * </ul>
 * The hot registers are addressed directly in BAR0 (fixed offsets inside its 128 KiB, checked once here), and the
 * frame path copies with one bounds-checked copy per frame instead of re-wrapping views.
 * <p>
 * Checksum offload: legacy TX descriptors' CMD.IC with CSS/CSO (inserted, or left to the receiving emulated device
 * when the wire is a perfect in-memory one, as Linux's veth does) and RXCSUM's IPv4 and TCP/UDP checks reported
 * in the RX status ({@link ReceiveChecksumOffload}). A frame a {@link FrameSource} flags as never checksummed
 * (a packet socket's TP_STATUS_CSUMNOTREADY: sent by a program of the same host) is reported good or completed in
 * the received copy, the same as a checksum another emulated device left undone.
 * <p>
 * What it does not emulate: FCS (frames on our wires carry none), the packet checksum field (written as 0),
 * VLAN stripping (CTRL.VME), interrupt moderation timers (RDTR, RADV, ITR), extended (context and data)
 * descriptors and so TCP segmentation (counted and skipped), and the EEPROM/PHY (the MAC is in RAL0/RAH0 after reset, and the link is up while a wire
 * is attached).
 */
public final class EmulatedE1000 implements RegisterAccess, WireEnd, ChecksumPartialSink, AutoCloseable
{
    private static final int TX_FIFO_SIZE = 16384;
    /** The receive FIFO that {@link #receiveFrom} drops frames into: as large as the largest RX buffer (BSEX). */
    private static final int RX_FIFO_SIZE = 16384;

    private final String name;
    private final long permanentMac;
    private final Arena arena = Arena.ofShared();
    private final UnsafeBuffer bar0;
    /** BAR0's address, for the frame path's loads and stores of fixed, in-range register offsets. */
    private final long bar0Address;
    private final EmulatedInterruptLine interrupt = new EmulatedInterruptLine();
    private final DmaWindow dmaWindow = new DmaWindow();
    private final StatisticsRegisters statistics = new StatisticsRegisters();

    private final UnsafeBuffer rxRingView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer txRingView = new UnsafeBuffer(0, 0);
    /** Transmit side's view of host memory (the driver's thread). */
    private final UnsafeBuffer dmaView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer txFifo;
    private final UnsafeBuffer txPad;
    private final long rxFifoAddress;
    private final RxDescriptor rxDescriptor = new RxDescriptor();
    private final TxDescriptor txDescriptor = new TxDescriptor();

    private volatile FrameSink wire;
    private volatile int rxCount;
    private volatile int txCount;
    private int rxHead;
    private int txHead;
    private int txFifoLength;
    /** The packet being gathered: whether to insert a checksum (CMD.IC), and where (CSS, CSO). */
    private boolean txInsertChecksum;
    private int txChecksumStart;
    private int txChecksumOffset;
    private final long[] unicastFilter = new long[RA_ENTRIES];
    private volatile int unicastFilterCount;

    // Counters for what the manual leaves undefined; a real device would hang or corrupt memory.
    private volatile long dmaFaults;
    private volatile long badRegisterAccesses;
    private volatile long ringConfigErrors;
    private volatile long unsupportedDescriptors;
    private volatile long filteredFrames;
    private volatile long framesWhileDisabled;
    private volatile long oversizeTransmits;
    private volatile long partialChecksumsReported;
    private volatile long partialChecksumsInserted;
    private volatile long partialChecksumsUnresolved;
    private volatile long sourceVerifiedChecksums;

    /**
     * @param name         for messages and pcap comments.
     * @param permanentMac the address the EEPROM would hold; it is in RAL0/RAH0 after every reset.
     */
    public EmulatedE1000(final String name, final long permanentMac)
    {
        this.name = name;
        this.permanentMac = permanentMac;
        this.bar0 = new UnsafeBuffer(arena.allocate(BAR0_SIZE, 4096).address(), BAR0_SIZE);
        this.bar0Address = bar0.addressOffset();
        this.txFifo = new UnsafeBuffer(arena.allocate(TX_FIFO_SIZE, 64).address(), TX_FIFO_SIZE);
        this.txPad = new UnsafeBuffer(arena.allocate(MIN_FRAME, 64).address(), MIN_FRAME);
        this.rxFifoAddress = arena.allocate(RX_FIFO_SIZE, 64).address();
        reset();
    }

    public String name()
    {
        return name;
    }

    public EmulatedInterruptLine interruptLine()
    {
        return interrupt;
    }

    /** The memory this device may reach by DMA; its driver maps the rings and the buffer pool here. */
    public DmaWindow dmaWindow()
    {
        return dmaWindow;
    }

    /** Plugs in the cable: transmitted frames go to {@code wire}, and the link comes up (LSC) once CTRL.SLU is set. */
    @Override
    public void attachWire(final FrameSink wire)
    {
        this.wire = wire;
        updateLink();
    }

    // ---------------------------------------------------------------- registers

    @Override
    public int read(final int offset)
    {
        if (!validOffset(offset))
        {
            badRegisterAccesses++;
            return 0;
        }
        if (offset == ICR)
        {
            // SDM §13.4.17: reading ICR clears it, and the interrupt is deasserted.
            final int value = bar0.getAndSetInt(ICR, 0);
            updateInterruptLine();
            return value;
        }
        if (offset >= STATISTICS_START && offset < STATISTICS_END)
        {
            return statistics.readAndClear(offset);
        }
        return bar0.getIntVolatile(offset);
    }

    @Override
    public void write(final int offset, final int value)
    {
        if (!validOffset(offset))
        {
            badRegisterAccesses++;
            return;
        }
        switch (offset)
        {
            case CTRL ->
            {
                if ((value & CTRL_RST) != 0)
                {
                    reset(); // SDM §13.4.1: RST is self-clearing
                    return;
                }
                bar0.putIntVolatile(CTRL, value);
                updateLink();
            }
            case STATUS ->
            {
                // read-only
            }
            case ICR ->
            {
                // SDM §13.4.17: writing 1b to a bit of ICR clears it
                int current;
                do
                {
                    current = bar0.getIntVolatile(ICR);
                }
                while (!bar0.compareAndSetInt(ICR, current, current & ~value));
                updateInterruptLine();
            }
            case ICS -> raise(value);
            case IMS ->
            {
                int current;
                do
                {
                    current = bar0.getIntVolatile(IMS);
                }
                while (!bar0.compareAndSetInt(IMS, current, current | value));
                updateInterruptLine();
            }
            case IMC ->
            {
                int current;
                do
                {
                    current = bar0.getIntVolatile(IMS);
                }
                while (!bar0.compareAndSetInt(IMS, current, current & ~value));
                updateInterruptLine();
            }
            case RDBAL, RDBAH, RDLEN ->
            {
                bar0.putIntVolatile(offset, value);
                mapReceiveRing();
            }
            case TDBAL, TDBAH, TDLEN ->
            {
                bar0.putIntVolatile(offset, value);
                mapTransmitRing();
            }
            case RDH ->
            {
                if (value < 0 || value >= Math.max(rxCount, 1))
                {
                    badRegisterAccesses++;
                    return;
                }
                rxHead = value;
                bar0.putIntVolatile(RDH, value);
            }
            case TDH ->
            {
                if (value < 0 || value >= Math.max(txCount, 1))
                {
                    badRegisterAccesses++;
                    return;
                }
                txHead = value;
                bar0.putIntVolatile(TDH, value);
            }
            case RDT ->
            {
                if (value < 0 || value >= Math.max(rxCount, 1))
                {
                    badRegisterAccesses++; // a tail beyond the ring: ignored, the old tail stays
                    return;
                }
                // Release: publishes the descriptors the driver wrote before (the device reads RDT with acquire).
                UnsafeApi.putIntRelease(null, bar0Address + RDT, value);
            }
            case TDT ->
            {
                if (value < 0 || value >= Math.max(txCount, 1))
                {
                    badRegisterAccesses++;
                    return;
                }
                // Release, like RDT; the device reads it back on this same thread in transmit().
                UnsafeApi.putIntRelease(null, bar0Address + TDT, value);
                transmit();
            }
            case TCTL ->
            {
                bar0.putIntVolatile(TCTL, value);
                transmit();
            }
            default ->
            {
                bar0.putIntVolatile(offset, value);
                if (offset >= RA && offset < RA + 8 * RA_ENTRIES)
                {
                    rebuildUnicastFilter();
                }
            }
        }
    }

    private static boolean validOffset(final int offset)
    {
        return offset >= 0 && offset < BAR0_SIZE && (offset & 3) == 0;
    }

    private void reset()
    {
        bar0.setMemory(0, BAR0_SIZE, (byte)0);
        statistics.clear();
        rxHead = 0;
        txHead = 0;
        txFifoLength = 0;
        rxCount = 0;
        txCount = 0;
        bar0.putIntVolatile(RA, receiveAddressLowValue(permanentMac));
        bar0.putIntVolatile(RA + 4, receiveAddressHighValue(permanentMac));
        rebuildUnicastFilter();
        bar0.putIntVolatile(STATUS, STATUS_FD | STATUS_SPEED_1000);
        updateInterruptLine();
    }

    /** The link is up when software asked for it (CTRL.SLU) and a wire is attached; a change raises LSC. */
    private void updateLink()
    {
        final boolean up = wire != null && (bar0.getIntVolatile(CTRL) & CTRL_SLU) != 0;
        final int status = bar0.getIntVolatile(STATUS);
        final boolean wasUp = (status & STATUS_LU) != 0;
        if (up != wasUp)
        {
            bar0.putIntVolatile(STATUS, up ? status | STATUS_LU : status & ~STATUS_LU);
            raise(ICR_LSC);
        }
    }

    private void raise(final int cause)
    {
        int icr = register(ICR);
        if ((icr & cause) == cause)
        {
            return; // already pending (every frame after the first until the driver reads ICR): nothing changes
        }
        while (!UnsafeApi.compareAndSetInt(null, bar0Address + ICR, icr, icr | cause))
        {
            icr = register(ICR);
            if ((icr & cause) == cause)
            {
                return;
            }
        }
        updateInterruptLine();
    }

    /**
     * Sets the interrupt line to (ICR &amp; IMS) != 0. Whoever changes ICR or IMS calls this afterwards; the driver's
     * thread and the receiving thread may do so at once, and one may compute its level from values the other then
     * changes. So each checks after setting the line that the level still matches the registers and goes again if
     * not: the last one to set the line always leaves it matching them, and an unchanged ICR needs no call.
     */
    private void updateInterruptLine()
    {
        boolean level;
        do
        {
            level = (register(ICR) & register(IMS)) != 0;
            interrupt.level(level);
        }
        while (level != ((register(ICR) & register(IMS)) != 0));
    }

    /** A volatile load of a register at a fixed offset (a constant inside BAR0: no bounds check needed). */
    private int register(final int offset)
    {
        return UnsafeApi.getIntVolatile(null, bar0Address + offset);
    }

    private void rebuildUnicastFilter()
    {
        int count = 0;
        for (int i = 0; i < RA_ENTRIES; i++)
        {
            final int high = bar0.getIntVolatile(receiveAddressHigh(i));
            if ((high & RAH_AV) != 0)
            {
                unicastFilter[count++] = macFromReceiveAddress(bar0.getIntVolatile(receiveAddressLow(i)), high);
            }
        }
        unicastFilterCount = count;
    }

    private void mapReceiveRing()
    {
        rxCount = mapRing(RDBAL, RDBAH, RDLEN, rxRingView);
    }

    private void mapTransmitRing()
    {
        txCount = mapRing(TDBAL, TDBAH, TDLEN, txRingView);
    }

    /** Points a ring view at the descriptors; returns the descriptor count, 0 if the ring is not usable. */
    private int mapRing(final int lowRegister, final int highRegister, final int lengthRegister, final UnsafeBuffer view)
    {
        final long base = (bar0.getIntVolatile(lowRegister) & 0xFFFF_FFFFL) |
            ((long)bar0.getIntVolatile(highRegister) << 32);
        final int length = bar0.getIntVolatile(lengthRegister);
        if (length == 0)
        {
            return 0;
        }
        if ((base & 0xF) != 0 || (length & 0x7F) != 0 || length < 0)
        {
            ringConfigErrors++; // SDM §3.2.6: base 16-byte aligned, length a multiple of 128
            return 0;
        }
        final long address = dmaWindow.translate(base, length);
        if (address == 0)
        {
            dmaFaults++;
            return 0;
        }
        view.wrap(address, length);
        return length / RxDescriptor.LENGTH;
    }

    // ---------------------------------------------------------------- receive (wire -> host memory)

    /** A frame arrives from the wire (SDM §3.2: filter, take the descriptor at RDH, DMA, write back, raise RXT0). */
    @Override
    public void accept(final DirectBuffer frame, final int offset, final int length)
    {
        receive(frame, offset, length, -1, 0);
    }

    /** Frames from another emulated device may come with their checksum still to do. */
    @Override
    public void acceptChecksumPartial(
        final DirectBuffer frame, final int offset, final int length, final int checksumStart,
        final int checksumOffset)
    {
        if (checksumStart < 0 || checksumOffset < checksumStart || checksumOffset + 2 > length)
        {
            throw new IllegalArgumentException("checksum start " + checksumStart + " and offset " + checksumOffset +
                " are not inside the frame of " + length + " B");
        }
        receive(frame, offset, length, checksumStart, checksumOffset);
    }

    /** {@code checksumStart} -1: a whole frame; else the checksum its sender left to the device. */
    private void receive(
        final DirectBuffer frame, final int offset, final int length, final int checksumStart,
        final int checksumOffset)
    {
        final int rctl = register(RCTL);
        if ((rctl & RCTL_EN) == 0)
        {
            framesWhileDisabled++;
            return;
        }
        if (length < 14)
        {
            statistics.undersize(length);
            return;
        }
        // One bounds check of the frame for the destination read and the copy below.
        if (offset < 0 || offset > frame.capacity() - length)
        {
            throw frameOutsideBuffer(frame, offset, length);
        }
        final Object source = frame.byteArray();
        final long sourceAddress = frame.addressOffset() + offset;
        final long destination = readMac(source, sourceAddress);
        if (!admits(destination, length, rctl))
        {
            return;
        }
        final int count = rxCount; // volatile: the ring view mapped before it was set is visible
        final int head = rxHead;
        final int tail = register(RDT); // acquire: the descriptors the driver posted before moving RDT are visible
        if (count == 0 || head == tail)
        {
            missed(length);
            return;
        }
        final RxDescriptor descriptor = rxDescriptor.wrap(rxRingView, head);
        final long address = dmaWindow.translate(descriptor.bufferAddress(), length);
        if (address == 0)
        {
            dmaFault(descriptor, length);
        }
        else
        {
            // The one "DMA": translate() checked [address, address + length) lies in a mapped region.
            RawMemory.copyToNative(source, sourceAddress, address, length);
            final int rxcsum = register(RXCSUM);
            final int checks = checksumStart < 0 ? ReceiveChecksumOffload.check(address, length, rxcsum) :
                ReceiveChecksumOffload.checkPartial(address, length, rxcsum, checksumStart, checksumOffset);
            writeBackReceived(descriptor, length, checks);
            statistics.goodReceived(length, destination);
        }
        advanceReceiveHead(rctl, head, tail, count);
    }

    /**
     * A frame arrives from a wire that writes it into memory itself (a TAP's read(2), a packet ring's copy): the
     * device takes the RX descriptor at RDH and lets {@code source} fill that descriptor's buffer in place, so the
     * source's write is the one "DMA". Then the same checks, statistics, write-back and interrupt as {@link #accept}:
     * a frame that is undersize, filtered or oversize leaves the descriptor unused (its buffer holds garbage the
     * driver never sees, DD stays clear). With receive disabled or no free descriptor, the frame still leaves the
     * wire, into the device's receive FIFO, and is counted like {@link #accept} counts it (framesWhileDisabled, or
     * filtered/oversize/MPC+RNBC in the same order). A frame the source flags ({@link FrameSource#frameFlags()})
     * as never checksummed, or as verified, gets its transport checksum completed or reported good
     * ({@link ReceiveChecksumOffload#checkFlagged}).
     * <p>
     * The length is known only after the source wrote the frame, so the whole buffer (RCTL.BSIZE bytes) must lie in
     * DMA-mapped memory; if it does not, the frame goes to the FIFO and the descriptor is written back with RXE, a
     * counted DMA fault, as in {@link #accept}. Same thread rule as {@link #accept}: one receiving thread at a time.
     *
     * @return the length the source reported (the frame's length, possibly more than the buffer held), 0 if it had
     *         no frame.
     */
    public int receiveFrom(final FrameSource source)
    {
        final int rctl = register(RCTL);
        final int capacity = rctlBufferSize(rctl);
        final int count = rxCount; // volatile: the ring view mapped before it was set is visible
        final int head = rxHead;
        final int tail = register(RDT); // acquire: the descriptors the driver posted before moving RDT are visible
        if ((rctl & RCTL_EN) == 0 || count == 0 || head == tail)
        {
            return receiveIntoFifo(source, rctl, capacity);
        }
        final RxDescriptor descriptor = rxDescriptor.wrap(rxRingView, head);
        final long address = dmaWindow.translate(descriptor.bufferAddress(), capacity);
        final long target = address == 0 ? rxFifoAddress : address;
        final int length = source.read(target, capacity); // the "DMA": the source writes at most capacity bytes
        if (length <= 0)
        {
            return 0;
        }
        if (length < 14)
        {
            statistics.undersize(length);
            return length;
        }
        final long destination = readMac(null, target);
        if (!admits(destination, length, rctl))
        {
            return length;
        }
        if (address == 0)
        {
            dmaFault(descriptor, length);
        }
        else
        {
            final int rxcsum = register(RXCSUM);
            final int flags = source.frameFlags(); // what the wire knows of the frame's checksum, e.g. never computed
            final int checks = flags == 0 ? ReceiveChecksumOffload.check(address, length, rxcsum) :
                ReceiveChecksumOffload.checkFlagged(address, length, rxcsum, flags);
            writeBackReceived(descriptor, length, checks);
            statistics.goodReceived(length, destination);
        }
        advanceReceiveHead(rctl, head, tail, count);
        return length;
    }

    /**
     * The write-back of a received frame (a release store of the status word) with the checksum verdicts of
     * {@link ReceiveChecksumOffload}, counting what was done for a checksum left to the device.
     */
    private void writeBackReceived(final RxDescriptor descriptor, final int length, final int checks)
    {
        if (checks > 0xFFFF)
        {
            if ((checks & ReceiveChecksumOffload.PARTIAL_REPORTED) != 0)
            {
                partialChecksumsReported++;
            }
            else if ((checks & ReceiveChecksumOffload.PARTIAL_INSERTED) != 0)
            {
                partialChecksumsInserted++;
            }
            else if ((checks & ReceiveChecksumOffload.PARTIAL_UNRESOLVED) != 0)
            {
                partialChecksumsUnresolved++;
            }
            else
            {
                sourceVerifiedChecksums++;
            }
        }
        descriptor.writeBack(length, 0, RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP | (checks & 0xFF),
            (checks >>> 8) & 0xFF, 0);
    }

    /** No descriptor to fill (or receive is off): the frame is taken off the wire into the FIFO, then dropped. */
    private int receiveIntoFifo(final FrameSource source, final int rctl, final int capacity)
    {
        final int length = source.read(rxFifoAddress, capacity);
        if (length <= 0)
        {
            return 0;
        }
        if ((rctl & RCTL_EN) == 0)
        {
            framesWhileDisabled++;
        }
        else if (length < 14)
        {
            statistics.undersize(length);
        }
        else if (admits(readMac(null, rxFifoAddress), length, rctl))
        {
            missed(length);
        }
        return length;
    }

    /** The address filter and the length check; a frame refused is counted here. */
    private boolean admits(final long destination, final int length, final int rctl)
    {
        if (!addressFilterAccepts(destination, rctl))
        {
            filteredFrames++;
            statistics.rejected(length);
            return false;
        }
        final int bufferSize = rctlBufferSize(rctl);
        final int longest = (rctl & RCTL_LPE) != 0 ? bufferSize : Math.min(MAX_STANDARD_FRAME, bufferSize);
        if (length > longest)
        {
            statistics.oversize(length); // SDM §13.7.31 ROC; never written past the buffer
            return false;
        }
        return true;
    }

    private void missed(final int length)
    {
        statistics.missed(length); // SDM §3.2.6: no free descriptor: MPC and RNBC
        raise(ICR_RXO);
    }

    private void dmaFault(final RxDescriptor descriptor, final int length)
    {
        dmaFaults++;
        statistics.rejected(length);
        descriptor.writeBack(0, 0, RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP, RxDescriptor.ERROR_RXE, 0);
    }

    /** After a write-back: RDH moves on and RXT0 (with RXDMT0 when the ring runs low) is raised. */
    private void advanceReceiveHead(final int rctl, final int head, final int tail, final int count)
    {
        final int next = head + 1 == count ? 0 : head + 1;
        rxHead = next;
        UnsafeApi.putIntRelease(null, bar0Address + RDH, next);
        int cause = ICR_RXT0;
        if (belowMinimumThreshold(rctl, next, tail, count))
        {
            cause |= ICR_RXDMT0;
        }
        raise(cause);
    }

    private static IndexOutOfBoundsException frameOutsideBuffer(
        final DirectBuffer frame, final int offset, final int length)
    {
        return new IndexOutOfBoundsException("frame of " + length + " B at offset " + offset +
            " is not inside its buffer of " + frame.capacity() + " B: a wire must deliver whole frames");
    }

    /** The 48-bit address at {@code address} (network order) as a long; the caller checked the 6 bytes are there. */
    private static long readMac(final Object base, final long address)
    {
        return ((RawMemory.getShortBigEndian(base, address) & 0xFFFFL) << 32) |
            (RawMemory.getIntBigEndian(base, address + 2) & 0xFFFF_FFFFL);
    }

    private static boolean belowMinimumThreshold(final int rctl, final int head, final int tail, final int count)
    {
        // SDM §13.4.22 RDMTS: 1/2, 1/4 or 1/8 of the ring still free (tail as read for this frame)
        final int free = tail >= head ? tail - head : tail + count - head;
        final int shift = 1 + ((rctl & RCTL_RDMTS_MASK) >>> RCTL_RDMTS_SHIFT);
        return free <= count >>> shift;
    }

    private boolean addressFilterAccepts(final long destination, final int rctl)
    {
        if (destination == MacAddress.BROADCAST)
        {
            return (rctl & (RCTL_BAM | RCTL_MPE)) != 0;
        }
        if (MacAddress.isGroup(destination))
        {
            if ((rctl & RCTL_MPE) != 0)
            {
                return true;
            }
            final int hash = MacAddress.multicastHash(destination, (rctl & RCTL_MO_MASK) >>> RCTL_MO_SHIFT);
            return (bar0.getIntVolatile(MTA + 4 * (hash >>> 5)) & (1 << (hash & 31))) != 0;
        }
        if ((rctl & RCTL_UPE) != 0)
        {
            return true;
        }
        for (int i = 0, n = unicastFilterCount; i < n; i++)
        {
            if (unicastFilter[i] == destination)
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- transmit (host memory -> wire)

    private void transmit()
    {
        if ((register(TCTL) & TCTL_EN) == 0)
        {
            return;
        }
        final int count = txCount;
        if (count == 0)
        {
            return;
        }
        final int tail = register(TDT);
        final int first = txHead;
        int head = first;
        int cause = 0;
        while (head != tail)
        {
            final TxDescriptor descriptor = txDescriptor.wrap(txRingView, head);
            final int command = descriptor.command();
            final int length = descriptor.length();
            if ((command & TxDescriptor.CMD_DEXT) != 0)
            {
                unsupportedDescriptors++; // context and data descriptors (SDM §3.3.5-3.3.7) are not emulated
                txFifoLength = 0;
            }
            else if (length > 0)
            {
                if (txFifoLength == 0)
                {
                    // SDM §3.3.3: IC, CSO and CSS of the packet's first descriptor apply to the packet
                    txInsertChecksum = (command & TxDescriptor.CMD_IC) != 0;
                    txChecksumStart = descriptor.checksumStart();
                    txChecksumOffset = descriptor.checksumOffset();
                }
                gather(descriptor.bufferAddress(), length, (command & TxDescriptor.CMD_EOP) != 0);
            }
            head = head + 1 == count ? 0 : head + 1;
        }
        if (head != first)
        {
            // Write-back for the burst (the 8254x also writes descriptors back in bursts, TXDCTL.WTHRESH): one
            // release fence orders every read of the burst's buffers before the DD bits, which the driver reads
            // before it reuses a buffer (and then fences with acquire).
            VarHandle.releaseFence();
            for (int slot = first; slot != head; slot = slot + 1 == count ? 0 : slot + 1)
            {
                final TxDescriptor descriptor = txDescriptor.wrap(txRingView, slot);
                if ((descriptor.command() & TxDescriptor.CMD_RS) != 0)
                {
                    descriptor.writeBackStatusAfterFence(TxDescriptor.STA_DD);
                    cause |= ICR_TXDW;
                }
            }
        }
        txHead = head;
        UnsafeApi.putIntRelease(null, bar0Address + TDH, head);
        final FrameSink sink = wire;
        if (head != first && sink != null)
        {
            sink.endOfBurst(); // the end of the burst: a wire that batches (a packet TX ring) sends now
        }
        raise(cause | ICR_TXQE);
    }

    private void gather(final long deviceAddress, final int length, final boolean endOfPacket)
    {
        final long address = dmaWindow.translate(deviceAddress, length);
        if (address == 0)
        {
            dmaFaults++;
            txFifoLength = 0;
            return;
        }
        dmaView.wrap(address, length);
        if (txFifoLength == 0 && endOfPacket)
        {
            send(dmaView, length); // one buffer, one frame: straight from host memory to the wire
            return;
        }
        if (txFifoLength + length > TX_FIFO_SIZE)
        {
            oversizeTransmits++;
            txFifoLength = endOfPacket ? 0 : TX_FIFO_SIZE + 1;
            return;
        }
        txFifo.putBytes(txFifoLength, dmaView, 0, length);
        txFifoLength += length;
        if (endOfPacket)
        {
            send(txFifo, txFifoLength);
            txFifoLength = 0;
        }
    }

    private void send(final UnsafeBuffer frame, final int length)
    {
        final FrameSink sink = wire;
        final boolean insert = txInsertChecksum && txChecksumOffset + 2 <= length &&
            txChecksumOffset >= txChecksumStart;
        final ChecksumPartialSink partialSink = sink instanceof ChecksumPartialSink p ? p : null;
        if (insert && partialSink == null)
        {
            // SDM §3.3.3: sum from CSS to the end of the packet, the complement written at CSO. The emulation
            // writes it in the buffer it reads (the driver does not touch a posted buffer; TCP rewrites its headers
            // before any retransmission), where the device would write its FIFO.
            OnesComplementSum.insert(frame.byteArray(), frame.addressOffset(), length, txChecksumStart,
                txChecksumOffset);
        }
        UnsafeBuffer out = frame;
        int outLength = length;
        if (length < MIN_FRAME && (register(TCTL) & TCTL_PSP) != 0)
        {
            // SDM §13.4.33 PSP: pad short packets to the minimum frame
            txPad.setMemory(0, MIN_FRAME, (byte)0);
            txPad.putBytes(0, frame, 0, length);
            out = txPad;
            outLength = MIN_FRAME;
        }
        // out holds outLength bytes from index 0 (a view of exactly the frame, the FIFO or the pad buffer)
        statistics.goodTransmitted(outLength, outLength >= 6 ? readMac(out.byteArray(), out.addressOffset()) : 0);
        if (sink == null)
        {
            return;
        }
        if (insert && partialSink != null)
        {
            // a wire that cannot alter the frame, to another device: the checksum is left to the far end
            partialSink.acceptChecksumPartial(out, 0, outLength, txChecksumStart, txChecksumOffset);
        }
        else
        {
            sink.accept(out, 0, outLength);
        }
    }

    // ---------------------------------------------------------------- counters outside the register file

    /** Descriptors or rings that pointed outside the memory mapped for DMA. */
    public long dmaFaults()
    {
        return dmaFaults;
    }

    /** Unaligned or out-of-range register accesses and head/tail writes beyond the ring (ignored). */
    public long badRegisterAccesses()
    {
        return badRegisterAccesses;
    }

    /** Ring base or length registers that break the SDM's alignment rules. */
    public long ringConfigErrors()
    {
        return ringConfigErrors;
    }

    public long unsupportedDescriptors()
    {
        return unsupportedDescriptors;
    }

    /** Frames the address filter did not accept (not a counter of the real device). */
    public long filteredFrames()
    {
        return filteredFrames;
    }

    public long framesWhileDisabled()
    {
        return framesWhileDisabled;
    }

    /** Multi-descriptor frames longer than the 16 KiB transmit FIFO (dropped). */
    public long oversizeTransmits()
    {
        return oversizeTransmits;
    }

    /**
     * Received frames whose transport checksum their sender left undone (a CHECKSUM_PARTIAL frame from another
     * emulated device, or one a packet socket flagged TP_STATUS_CSUMNOTREADY) that this device reported good
     * without summing (RXCSUM.TUOFL).
     */
    public long partialChecksumsReported()
    {
        return partialChecksumsReported;
    }

    /** Such frames whose checksum this device inserted into the received copy (TUOFL off). */
    public long partialChecksumsInserted()
    {
        return partialChecksumsInserted;
    }

    /** Frames flagged partial by their source that are no IPv4 TCP or UDP datagram: handed up as they came. */
    public long partialChecksumsUnresolved()
    {
        return partialChecksumsUnresolved;
    }

    /** Frames whose source had verified the transport checksum (TP_STATUS_CSUM_VALID), reported good unsummed. */
    public long sourceVerifiedChecksums()
    {
        return sourceVerifiedChecksums;
    }

    @Override
    public void close()
    {
        wire = null;
        arena.close();
    }

    @Override
    public String toString()
    {
        return "EmulatedE1000{" + name + ", " + MacAddress.toString(permanentMac) + '}';
    }
}
