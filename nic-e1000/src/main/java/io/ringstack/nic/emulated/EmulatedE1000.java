package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.RegisterAccess;
import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.e1000.TxDescriptor;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.WireEnd;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;

import static io.ringstack.nic.e1000.E1000Registers.*;

/**
 * An in-process 82540EM: the hardware side of the register interface, written from the Intel 8254x SDM.
 * <p>
 * BAR0 is a 128 KiB off-heap block laid out like the real one. Register writes have the manual's side effects
 * (CTRL.RST resets, ICR is read-to-clear, IMS/IMC set and clear the mask, a TDT write starts transmission,
 * statistics clear on read). Receiving ({@link #accept}) takes the RX descriptor at RDH, "DMA"s the frame into the
 * descriptor's buffer, writes length and DD|EOP, moves RDH and raises RXT0; with no free descriptor it drops the
 * frame and counts MPC and RNBC (SDM §3.2.6, §13.7). Transmitting walks TDH up to TDT, sends each frame to the
 * wire and writes DD back where CMD.RS asked for it (SDM §3.3).
 * <p>
 * Threads: the driver's thread reads and writes registers and, through a TDT write, transmits. {@link #accept}
 * runs on whatever thread delivers frames from the wire (the peer's, for an in-memory wire): like real hardware,
 * the receive side runs concurrently with the driver, and descriptors are published with release/acquire. Frames
 * must arrive from one thread at a time.
 * <p>
 * What it does not emulate: FCS (frames on our wires carry none), checksum offload and the packet checksum field
 * (written as 0), VLAN stripping (CTRL.VME), interrupt moderation timers (RDTR, RADV, ITR), extended descriptors
 * (counted and skipped), and the EEPROM/PHY (the MAC is in RAL0/RAH0 after reset, and the link is up while a wire
 * is attached).
 */
public final class EmulatedE1000 implements RegisterAccess, WireEnd, AutoCloseable
{
    private static final int TX_FIFO_SIZE = 16384;

    private final String name;
    private final long permanentMac;
    private final Arena arena = Arena.ofShared();
    private final UnsafeBuffer bar0;
    private final EmulatedInterruptLine interrupt = new EmulatedInterruptLine();
    private final DmaWindow dmaWindow = new DmaWindow();
    private final StatisticsRegisters statistics = new StatisticsRegisters();

    private final UnsafeBuffer rxRingView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer txRingView = new UnsafeBuffer(0, 0);
    /** Transmit side's view of host memory (the driver's thread). */
    private final UnsafeBuffer dmaView = new UnsafeBuffer(0, 0);
    /** Receive side's view (the thread that delivers frames from the wire): never shared with transmit. */
    private final UnsafeBuffer rxDmaView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer txFifo;
    private final UnsafeBuffer txPad;
    private final RxDescriptor rxDescriptor = new RxDescriptor();
    private final TxDescriptor txDescriptor = new TxDescriptor();

    private volatile FrameSink wire;
    private volatile int rxCount;
    private volatile int txCount;
    private int rxHead;
    private int txHead;
    private int txFifoLength;
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

    /**
     * @param name         for messages and pcap comments.
     * @param permanentMac the address the EEPROM would hold; it is in RAL0/RAH0 after every reset.
     */
    public EmulatedE1000(final String name, final long permanentMac)
    {
        this.name = name;
        this.permanentMac = permanentMac;
        this.bar0 = new UnsafeBuffer(arena.allocate(BAR0_SIZE, 4096).address(), BAR0_SIZE);
        this.txFifo = new UnsafeBuffer(arena.allocate(TX_FIFO_SIZE, 64).address(), TX_FIFO_SIZE);
        this.txPad = new UnsafeBuffer(arena.allocate(MIN_FRAME, 64).address(), MIN_FRAME);
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
                bar0.putIntVolatile(RDT, value);
            }
            case TDT ->
            {
                if (value < 0 || value >= Math.max(txCount, 1))
                {
                    badRegisterAccesses++;
                    return;
                }
                bar0.putIntVolatile(TDT, value);
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
        int icr = bar0.getIntVolatile(ICR);
        while ((icr & cause) != cause)
        {
            if (bar0.compareAndSetInt(ICR, icr, icr | cause))
            {
                break;
            }
            icr = bar0.getIntVolatile(ICR);
        }
        updateInterruptLine();
    }

    private void updateInterruptLine()
    {
        interrupt.level((bar0.getIntVolatile(ICR) & bar0.getIntVolatile(IMS)) != 0);
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
        final int rctl = bar0.getIntVolatile(RCTL);
        if ((rctl & RCTL_EN) == 0)
        {
            framesWhileDisabled++;
            return;
        }
        statistics.totalReceived(length);
        if (length < 14)
        {
            statistics.undersize();
            return;
        }
        final long destination = MacAddress.read(frame, offset);
        if (!addressFilterAccepts(destination, rctl))
        {
            filteredFrames++;
            return;
        }
        final int bufferSize = rctlBufferSize(rctl);
        final int longest = (rctl & RCTL_LPE) != 0 ? bufferSize : Math.min(MAX_STANDARD_FRAME, bufferSize);
        if (length > longest)
        {
            statistics.oversize(); // SDM §13.7.31 ROC; never written past the buffer
            return;
        }
        final int count = rxCount;
        final int head = rxHead;
        if (count == 0 || head == bar0.getIntVolatile(RDT))
        {
            statistics.missed(); // SDM §3.2.6: no free descriptor: MPC and RNBC
            raise(ICR_RXO);
            return;
        }
        final RxDescriptor descriptor = rxDescriptor.wrap(rxRingView, head);
        final long address = dmaWindow.translate(descriptor.bufferAddress(), length);
        if (address == 0)
        {
            dmaFaults++;
            descriptor.writeBack(0, 0, RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP, RxDescriptor.ERROR_RXE, 0);
        }
        else
        {
            rxDmaView.wrap(address, length);
            rxDmaView.putBytes(0, frame, offset, length);
            descriptor.writeBack(length, 0, RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP, 0, 0);
            statistics.goodReceived(length, destination);
        }
        final int next = head + 1 == count ? 0 : head + 1;
        rxHead = next;
        bar0.putIntRelease(RDH, next);
        int cause = ICR_RXT0;
        if (belowMinimumThreshold(rctl, next, count))
        {
            cause |= ICR_RXDMT0;
        }
        raise(cause);
    }

    private boolean belowMinimumThreshold(final int rctl, final int head, final int count)
    {
        // SDM §13.4.22 RDMTS: 1/2, 1/4 or 1/8 of the ring still free
        final int tail = bar0.getIntVolatile(RDT);
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
        if ((bar0.getIntVolatile(TCTL) & TCTL_EN) == 0)
        {
            return;
        }
        final int count = txCount;
        if (count == 0)
        {
            return;
        }
        final int tail = bar0.getIntVolatile(TDT);
        int head = txHead;
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
                gather(descriptor.bufferAddress(), length, (command & TxDescriptor.CMD_EOP) != 0);
            }
            if ((command & TxDescriptor.CMD_RS) != 0)
            {
                descriptor.writeBackStatus(TxDescriptor.STA_DD);
                cause |= ICR_TXDW;
            }
            head = head + 1 == count ? 0 : head + 1;
        }
        txHead = head;
        bar0.putIntRelease(TDH, head);
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
        UnsafeBuffer out = frame;
        int outLength = length;
        if (length < MIN_FRAME && (bar0.getIntVolatile(TCTL) & TCTL_PSP) != 0)
        {
            // SDM §13.4.33 PSP: pad short packets to the minimum frame
            txPad.setMemory(0, MIN_FRAME, (byte)0);
            txPad.putBytes(0, frame, 0, length);
            out = txPad;
            outLength = MIN_FRAME;
        }
        statistics.goodTransmitted(outLength, outLength >= 6 ? MacAddress.read(out, 0) : 0);
        final FrameSink sink = wire;
        if (sink != null)
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
