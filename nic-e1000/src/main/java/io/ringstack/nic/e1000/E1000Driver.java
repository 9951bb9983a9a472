package io.ringstack.nic.e1000;

import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.OnesComplementSum;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.FrameSink;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.ringstack.nic.e1000.E1000Registers.*;

/**
 * Driver for the 8254x (82540EM) with one RX and one TX queue of legacy descriptors. It talks to the device only
 * through {@link RegisterAccess} and the descriptor rings, so the same code drives the emulated device and a
 * real one.
 * <p>
 * Receive ({@link #receive}) is the NAPI-style poll: up to a budget of frames whose descriptors have DD set are
 * handed up in place, in their pool buffers; the emptied slots are refilled with free buffers and RDT moves once
 * per poll. Only free buffers are posted, so a buffer still held above is never given back to the device. When
 * the pool is empty the ring runs dry, the device counts RNBC, and a later poll refills it (the seeds' "receiver
 * no resources" restart, without a restart). Transmit ({@link #transmit}) fills descriptors, {@link #flush()}
 * writes TDT once per batch, and finished descriptors (DD) give their buffers back. When there is no work,
 * {@link #awaitWork(long)} unmasks the interrupt and sleeps on it.
 * <p>
 * Ring protocol (SDM §3.2.6): the device owns RX slots [RDH, RDT); the slot at RDT is always empty, so a full ring
 * holds count - 1 buffers. Not thread-safe: one thread owns a driver.
 */
public final class E1000Driver implements AutoCloseable
{
    private static final int IDLE_INTERRUPT_CAUSES = ICR_RXT0 | ICR_RXO | ICR_RXDMT0 | ICR_LSC;
    private static final int NO_HANDLE = -1;

    private final RegisterAccess registers;
    private final InterruptLine interrupt;
    private final PacketBufferPool pool;
    private final DescriptorRing rxRing;
    private final DescriptorRing txRing;
    private final DriverConfig config;
    private final UnsafeBuffer rxDescriptors;
    private final UnsafeBuffer txDescriptors;
    private final int rxCount;
    private final int txCount;
    private final int[] rxHandle;
    private final int[] txHandle;
    private final RxDescriptor rxDescriptor = new RxDescriptor();
    private final TxDescriptor txDescriptor = new TxDescriptor();
    private final DriverCounters counters = new DriverCounters();
    private final int maxTransmitLength;

    private int rxNextToClean;
    private int rxNextToUse;
    private int txNextToUse;
    private int txNextToClean;
    private int txUnflushed;
    private long macAddress;
    private boolean started;
    /** RX descriptor errors that only report a failed checksum (SDM §3.2.3.2): the frame itself is whole. */
    private static final int CHECKSUM_ERRORS = RxDescriptor.ERROR_TCPE | RxDescriptor.ERROR_IPE;

    private FrameSink capture;
    private UnsafeBuffer captureScratch;

    public E1000Driver(
        final RegisterAccess registers,
        final InterruptLine interrupt,
        final PacketBufferPool pool,
        final DescriptorRing rxRing,
        final DescriptorRing txRing,
        final DriverConfig config)
    {
        if (rctlBufferSizeBits(pool.bufferSize()) < 0)
        {
            throw new IllegalArgumentException("pool buffer size " + pool.bufferSize() +
                " is not an 8254x RX buffer size (256, 512, 1024, 2048, 4096, 8192, 16384)");
        }
        if (pool.capacity() < rxRing.count())
        {
            throw new IllegalArgumentException("pool of " + pool.capacity() + " buffers cannot fill an RX ring of " +
                rxRing.count() + " descriptors: give the pool more buffers than the ring has slots");
        }
        this.registers = registers;
        this.interrupt = interrupt;
        this.pool = pool;
        this.rxRing = rxRing;
        this.txRing = txRing;
        this.config = config;
        this.rxDescriptors = rxRing.descriptors();
        this.txDescriptors = txRing.descriptors();
        this.rxCount = rxRing.count();
        this.txCount = txRing.count();
        this.rxHandle = new int[rxCount];
        this.txHandle = new int[txCount];
        java.util.Arrays.fill(rxHandle, NO_HANDLE);
        java.util.Arrays.fill(txHandle, NO_HANDLE);
        this.maxTransmitLength = pool.bufferSize();
    }

    /**
     * Resets the device and brings it up (SDM §14.3 - §14.5): mask interrupts, CTRL.RST, set link up and wait for
     * STATUS.LU, program the receive address and clear the multicast table, post the RX buffers, enable receive
     * and transmit. Interrupts stay masked: the driver polls, and unmasks only in {@link #awaitWork(long)}.
     *
     * @throws IllegalStateException if the device does not come out of reset or the link does not come up in
     *                               time, with the register values.
     */
    public void start()
    {
        if (started)
        {
            throw new IllegalStateException("driver already started: stop() it before starting again");
        }
        registers.write(IMC, 0xFFFF_FFFF);
        registers.write(CTRL, registers.read(CTRL) | CTRL_RST);
        waitFor(CTRL, CTRL_RST, 0, 10_000_000L, "the device to leave reset (CTRL.RST to clear)");
        registers.write(IMC, 0xFFFF_FFFF);
        registers.read(ICR);

        registers.write(CTRL, (registers.read(CTRL) | CTRL_SLU | CTRL_ASDE) & ~(CTRL_LRST | CTRL_VME));
        waitFor(STATUS, STATUS_LU, STATUS_LU, config.linkTimeoutNanos(), "link up (STATUS.LU)");

        if (config.macAddress() != MacAddress.NONE)
        {
            registers.write(receiveAddressLow(0), receiveAddressLowValue(config.macAddress()));
            registers.write(receiveAddressHigh(0), receiveAddressHighValue(config.macAddress()));
        }
        final int rah = registers.read(receiveAddressHigh(0));
        if ((rah & RAH_AV) == 0)
        {
            throw new IllegalStateException("the device has no valid MAC address in RAL0/RAH0 (RAH.AV clear): " +
                "configure one with DriverConfig.withMacAddress");
        }
        macAddress = macFromReceiveAddress(registers.read(receiveAddressLow(0)), rah);
        for (int i = 1; i < RA_ENTRIES; i++)
        {
            registers.write(receiveAddressLow(i), 0);
            registers.write(receiveAddressHigh(i), 0);
        }
        for (int i = 0; i < MTA_ENTRIES; i++)
        {
            registers.write(MTA + 4 * i, 0);
        }
        readStatistics(); // clear what the device counted before us

        startReceive();
        startTransmit();
        registers.read(ICR); // clear LSC and TXQE from bring-up
        started = true;
    }

    private void startReceive()
    {
        // SDM §14.4: fill count - 1 slots, RDH = 0, RDT = count - 1
        for (int i = 0; i < rxCount - 1; i++)
        {
            final int handle = pool.claim(BufferHolder.RX_RING);
            if (handle == PacketBufferPool.NO_BUFFER)
            {
                throw new IllegalStateException("buffer pool ran out while filling the RX ring: " + pool);
            }
            post(i, handle);
        }
        rxNextToClean = 0;
        rxNextToUse = rxCount - 1;
        rxDescriptor.wrap(rxDescriptors, rxNextToUse).bufferAddress(0).clearWriteBack();
        final long base = rxRing.deviceAddress();
        registers.write(RDBAL, (int)base);
        registers.write(RDBAH, (int)(base >>> 32));
        registers.write(RDLEN, rxRing.lengthBytes());
        registers.write(RDH, 0);
        registers.write(RDT, rxRing.tailValue(rxNextToUse));
        int rctl = RCTL_EN | RCTL_BAM | RCTL_SECRC | rctlBufferSizeBits(pool.bufferSize());
        if (pool.bufferSize() > MAX_STANDARD_FRAME)
        {
            rctl |= RCTL_LPE;
        }
        if (config.promiscuous())
        {
            rctl |= RCTL_UPE | RCTL_MPE;
        }
        // RXCSUM: the device verifies IPv4 header and TCP/UDP checksums and reports them in the RX status (IPCS,
        // TCPCS; IPE, TCPE in errors); off, it sets IXSM ("ignore checksum indication") and software checks all
        registers.write(RXCSUM, config.checksumOffload() ? RXCSUM_IPOFL | RXCSUM_TUOFL : 0);
        registers.write(RCTL, rctl);
    }

    private void startTransmit()
    {
        // SDM §14.5
        for (int i = 0; i < txCount; i++)
        {
            txDescriptor.wrap(txDescriptors, i).set(0, 0, 0);
        }
        txNextToUse = 0;
        txNextToClean = 0;
        txUnflushed = 0;
        final long base = txRing.deviceAddress();
        registers.write(TDBAL, (int)base);
        registers.write(TDBAH, (int)(base >>> 32));
        registers.write(TDLEN, txRing.lengthBytes());
        registers.write(TDH, 0);
        registers.write(TDT, 0);
        registers.write(TIPG, TIPG_82540EM_COPPER);
        registers.write(TCTL, TCTL_EN | TCTL_PSP | (0x10 << TCTL_CT_SHIFT) | (0x40 << TCTL_COLD_SHIFT));
    }

    private void post(final int slot, final int handle)
    {
        rxHandle[slot] = handle;
        rxDescriptor.wrap(rxDescriptors, slot).bufferAddress(pool.deviceAddress(handle)).clearWriteBack();
    }

    private void waitFor(final int register, final int mask, final int expected, final long timeoutNanos, final String what)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        int spins = 0;
        while ((registers.read(register) & mask) != expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException(String.format(
                    "timed out after %d ms waiting for %s: CTRL=0x%08x STATUS=0x%08x RCTL=0x%08x TCTL=0x%08x",
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos), what, registers.read(CTRL), registers.read(STATUS),
                    registers.read(RCTL), registers.read(TCTL)));
            }
            if (++spins > 100)
            {
                LockSupport.parkNanos(100_000L);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }

    // ---------------------------------------------------------------- receive

    /**
     * Hands up to {@code budget} received frames to {@code receiver} in place, then refills the ring.
     *
     * @return the number of descriptors completed (frames handed up plus frames dropped for descriptor errors).
     */
    public int receive(final FrameReceiver receiver, final int budget)
    {
        counters.rxPolls++;
        // First count the completed descriptors with plain loads of DD, then one acquire fence for all of them
        // instead of an acquire load each: the loads before the fence are not reordered with the reads of lengths
        // and frames after it, and the device wrote those before its release store of the status word. A byte load
        // cannot tear, and each reads another address, so none is hoisted or merged; a DD not yet visible is found
        // by the next poll.
        final int first = rxNextToClean;
        int ready = 0;
        int slot = first;
        while (ready < budget && slot != rxNextToUse &&
            (rxDescriptor.wrap(rxDescriptors, slot).status() & RxDescriptor.STATUS_DD) != 0)
        {
            slot = rxRing.next(slot);
            ready++;
        }
        if (ready > 0)
        {
            VarHandle.acquireFence();
        }
        final UnsafeBuffer memory = pool.memory();
        int done = 0;
        int frames = 0;
        long bytes = 0;
        slot = first;
        while (done < ready)
        {
            final RxDescriptor descriptor = rxDescriptor.wrap(rxDescriptors, slot);
            final int status = descriptor.status();
            final int handle = rxHandle[slot];
            final int length = descriptor.length();
            final int errors = descriptor.errors();
            rxHandle[slot] = NO_HANDLE;
            slot = rxRing.next(slot);
            done++;
            // TCPE and IPE only say a checksum failed: the frame goes up unverified and software counts the drop
            if ((errors & ~CHECKSUM_ERRORS) != 0 || (status & RxDescriptor.STATUS_EOP) == 0 || length == 0)
            {
                counters.rxDescriptorErrors++;
                pool.release(handle);
                continue;
            }
            frames++;
            bytes += length;
            pool.handOver(handle, BufferHolder.DRIVER);
            if ((status & (RxDescriptor.STATUS_IXSM | RxDescriptor.STATUS_TCPCS | RxDescriptor.STATUS_IPCS)) >
                RxDescriptor.STATUS_IXSM)
            {
                pool.markReceivedChecksums(handle, checksumVerdicts(status, errors));
            }
            if (capture != null)
            {
                capture.accept(memory, pool.offset(handle), length);
            }
            receiver.onFrame(handle, memory, pool.offset(handle), length);
        }
        rxNextToClean = slot;
        counters.rxFrames += frames; // once per poll: the counters are this thread's plain fields
        counters.rxBytes += bytes;
        if (done == 0)
        {
            counters.rxEmptyPolls++;
        }
        refill();
        return done;
    }

    /** The pool's checksum bits for a descriptor whose IXSM is clear (SDM §3.2.3.1, §3.2.3.2). */
    private static int checksumVerdicts(final int status, final int errors)
    {
        int verified = 0;
        if ((status & RxDescriptor.STATUS_IPCS) != 0 && (errors & RxDescriptor.ERROR_IPE) == 0)
        {
            verified |= PacketBufferPool.IP_CHECKSUM_VERIFIED;
        }
        if ((status & RxDescriptor.STATUS_TCPCS) != 0 && (errors & RxDescriptor.ERROR_TCPE) == 0)
        {
            verified |= PacketBufferPool.TRANSPORT_CHECKSUM_VERIFIED;
        }
        return verified;
    }

    /** Whether a frame is waiting at the next RX descriptor. */
    public boolean receivePending()
    {
        return rxNextToClean != rxNextToUse &&
            (rxDescriptor.wrap(rxDescriptors, rxNextToClean).statusAcquire() & RxDescriptor.STATUS_DD) != 0;
    }

    /** Posts free buffers into the empty slots [next-to-use, next-to-clean - 1) and moves RDT once. */
    private void refill()
    {
        int slot = rxNextToUse;
        int next = rxRing.next(slot);
        if (next == rxNextToClean)
        {
            return;
        }
        do
        {
            final int handle = pool.claim(BufferHolder.RX_RING);
            if (handle == PacketBufferPool.NO_BUFFER)
            {
                counters.rxRefillFailures++;
                break;
            }
            post(slot, handle);
            slot = next;
            next = rxRing.next(slot);
        }
        while (next != rxNextToClean);
        if (slot != rxNextToUse)
        {
            rxNextToUse = slot;
            registers.write(RDT, rxRing.tailValue(slot)); // the write publishes the descriptors (a release store)
        }
    }

    // ---------------------------------------------------------------- transmit

    /**
     * Queues one frame of {@code length} bytes at {@code offset} in the pool's memory, inside buffer {@code handle}
     * (the same coordinates {@link FrameReceiver} uses; headroom before the frame is fine). On success the TX ring
     * owns the caller's reference and releases it when the device reports the descriptor done; keep the buffer
     * (TCP) by {@link PacketBufferPool#retain retaining} it first. Nothing is sent until {@link #flush()}.
     *
     * @return false if the ring is full (counted); the caller still owns the buffer.
     * @throws IllegalArgumentException if the frame is not inside the buffer.
     */
    public boolean transmit(final int handle, final int offset, final int length)
    {
        final int start = offset - pool.offset(handle);
        if (length <= 0 || start < 0 || start + length > maxTransmitLength)
        {
            throw new IllegalArgumentException("frame of " + length + " B at offset " + offset +
                " is not inside buffer " + handle + " (" + pool.offset(handle) + ".." +
                (pool.offset(handle) + maxTransmitLength) + ")");
        }
        final int slot = txNextToUse;
        final int next = txRing.next(slot);
        if (next == txNextToClean && reclaim() == 0)
        {
            counters.txRingFull++;
            return false;
        }
        final int checksumState = pool.checksumState(handle);
        final TxDescriptor descriptor = txDescriptor.wrap(txDescriptors, slot);
        final long address = pool.deviceAddress(handle) + start;
        final int command = TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS;
        boolean captured = false;
        if ((checksumState & PacketBufferPool.CHECKSUM_PARTIAL) == 0)
        {
            descriptor.set(address, length, command);
        }
        else
        {
            // SDM §3.3.3: CSS and CSO count from the frame's first byte, 8-bit fields
            final int checksumStart = PacketBufferPool.checksumStart(checksumState) - start;
            final int checksumOffset = checksumStart + PacketBufferPool.checksumField(checksumState);
            if (config.checksumOffload() && checksumStart >= 0 && checksumOffset <= 0xFF &&
                checksumOffset + 2 <= length)
            {
                descriptor.set(address, length, command | TxDescriptor.CMD_IC, checksumOffset, checksumStart);
                if (capture != null)
                {
                    captureWithChecksum(offset, length, checksumStart, checksumOffset);
                    captured = true;
                }
            }
            else
            {
                // the device will not insert it (offload off, or out of its fields' reach): software does
                final UnsafeBuffer memory = pool.memory();
                OnesComplementSum.insert(memory.byteArray(), memory.addressOffset() + offset, length, checksumStart,
                    checksumOffset);
                counters.txSoftwareChecksums++;
                descriptor.set(address, length, command);
            }
        }
        txHandle[slot] = handle;
        pool.handOver(handle, BufferHolder.TX_RING);
        if (capture != null && !captured)
        {
            capture.accept(pool.memory(), offset, length);
        }
        txNextToUse = next;
        txUnflushed++;
        counters.txFrames++;
        counters.txBytes += length;
        return true;
    }

    /**
     * The capture sees a frame whose checksum the device will insert as it will leave: a copy with the checksum
     * completed (the buffer itself is the device's to read; software does not write it after posting).
     */
    private void captureWithChecksum(final int offset, final int length, final int checksumStart,
        final int checksumOffset)
    {
        UnsafeBuffer scratch = captureScratch;
        if (scratch == null || scratch.capacity() < length)
        {
            scratch = new UnsafeBuffer(new byte[Math.max(length, maxTransmitLength)]); // once, while capturing
            captureScratch = scratch;
        }
        scratch.putBytes(0, pool.memory(), offset, length);
        OnesComplementSum.insert(scratch.byteArray(), scratch.addressOffset(), length, checksumStart, checksumOffset);
        capture.accept(scratch, 0, length);
    }

    /** Tells the device about queued frames: one TDT write for the whole batch. */
    public void flush()
    {
        if (txUnflushed > 0)
        {
            txUnflushed = 0;
            counters.txTailWrites++;
            registers.write(TDT, txRing.tailValue(txNextToUse));
        }
    }

    /** Releases the buffers of descriptors the device has finished (STA.DD). */
    public int reclaim()
    {
        // As in receive: plain loads of DD to find the finished descriptors, then one acquire fence before their
        // buffers are released (and so may be written again); the device stored DD after a release fence that
        // follows its reads of the buffers.
        final int first = txNextToClean;
        int slot = first;
        int reclaimed = 0;
        while (slot != txNextToUse && (txDescriptor.wrap(txDescriptors, slot).status() & TxDescriptor.STA_DD) != 0)
        {
            slot = txRing.next(slot);
            reclaimed++;
        }
        if (reclaimed == 0)
        {
            return 0;
        }
        VarHandle.acquireFence();
        slot = first;
        for (int i = 0; i < reclaimed; i++)
        {
            pool.release(txHandle[slot]);
            txHandle[slot] = NO_HANDLE;
            slot = txRing.next(slot);
        }
        txNextToClean = slot;
        counters.txReclaimed += reclaimed;
        return reclaimed;
    }

    /** Descriptors queued and not yet reclaimed. */
    public int transmitInFlight()
    {
        final int used = txNextToUse - txNextToClean;
        return used >= 0 ? used : used + txCount;
    }

    // ---------------------------------------------------------------- idle

    /**
     * The NAPI hand-over from polling to interrupts: clears stale causes, unmasks the receive and link
     * interrupts, checks once more for a frame that arrived in between, sleeps on the interrupt line, then reads
     * ICR (clearing it) and masks the device again.
     *
     * @return the interrupt causes seen (ICR), 0 on timeout.
     */
    public int awaitWork(final long timeoutNanos)
    {
        counters.interruptWaits++;
        if (!interrupt.deliversDeviceInterrupts())
        {
            return pollForWork(timeoutNanos);
        }
        registers.read(ICR); // drop causes left over from polling, then unmask: a frame from now on asserts the line
        registers.write(IMS, IDLE_INTERRUPT_CAUSES);
        if (!receivePending())
        {
            interrupt.await(timeoutNanos);
        }
        registers.write(IMC, 0xFFFF_FFFF);
        final int causes = registers.read(ICR);
        if (causes != 0)
        {
            counters.interruptWakeups++;
        }
        return causes;
    }

    /**
     * Idle without interrupts (a device driven from user space without UIO or VFIO: its interrupt reaches no one):
     * the device stays masked, and the ring is checked between the line's short sleeps until a frame is waiting
     * or the timeout passes.
     *
     * @return {@link E1000Registers#ICR_RXT0} if a frame is waiting, 0 on timeout.
     */
    private int pollForWork(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!receivePending())
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0 || interrupt.await(left)) // true: rung by wakeup(), back to the caller to poll
            {
                return 0;
            }
        }
        counters.interruptWakeups++;
        return ICR_RXT0;
    }

    /**
     * Wakes the driver's thread from {@link #awaitWork} (any thread may call it): for work queued to the owner by
     * another thread. The polling idle checks the ring again at once.
     */
    public void wakeup()
    {
        interrupt.wakeup();
    }

    /**
     * Shows every frame this driver hands up and every frame it queues for transmit to {@code sink}, on the
     * driver's thread, while the frame is in its buffer (a pcap writer copies it). For {@code --pcap} and for
     * checking a device against a capture taken on its wire; {@code null} stops it. The sink's cost is the
     * caller's: a pcap writer copies each frame.
     */
    public void capture(final FrameSink sink)
    {
        this.capture = sink;
    }

    // ---------------------------------------------------------------- statistics, stop

    /** Reads (and so clears) the device's statistics registers into the 64-bit counters. */
    public DriverCounters readStatistics()
    {
        final DriverCounters c = counters;
        c.missedPackets += registers.read(MPC) & 0xFFFF_FFFFL;
        c.receiveNoBuffers += registers.read(RNBC) & 0xFFFF_FFFFL;
        c.receiveUndersize += registers.read(RUC) & 0xFFFF_FFFFL;
        c.receiveOversize += registers.read(ROC) & 0xFFFF_FFFFL;
        c.goodPacketsReceived += registers.read(GPRC) & 0xFFFF_FFFFL;
        c.goodOctetsReceived += (registers.read(GORCL) & 0xFFFF_FFFFL) | ((long)registers.read(GORCH) << 32);
        c.goodPacketsTransmitted += registers.read(GPTC) & 0xFFFF_FFFFL;
        c.goodOctetsTransmitted += (registers.read(GOTCL) & 0xFFFF_FFFFL) | ((long)registers.read(GOTCH) << 32);
        c.totalPacketsReceived += registers.read(TPR) & 0xFFFF_FFFFL;
        c.totalPacketsTransmitted += registers.read(TPT) & 0xFFFF_FFFFL;
        c.broadcastReceived += registers.read(BPRC) & 0xFFFF_FFFFL;
        c.multicastReceived += registers.read(MPRC) & 0xFFFF_FFFFL;
        return c;
    }

    /** The live counters (software side; call {@link #readStatistics()} to bring in the device's). */
    public DriverCounters counters()
    {
        return counters;
    }

    public long macAddress()
    {
        return macAddress;
    }

    /** Whether the device inserts TCP checksums of frames marked {@link PacketBufferPool#CHECKSUM_PARTIAL}. */
    public boolean checksumOffload()
    {
        return config.checksumOffload();
    }

    public PacketBufferPool pool()
    {
        return pool;
    }

    public int rxDescriptorCount()
    {
        return rxCount;
    }

    public int txDescriptorCount()
    {
        return txCount;
    }

    /**
     * Disables receive and transmit, and gives every buffer the rings hold back to the pool (frames not yet sent are
     * dropped). Buffers already handed up stay with their holders.
     */
    public void stop()
    {
        if (!started)
        {
            return;
        }
        started = false;
        registers.write(RCTL, 0);
        registers.write(TCTL, 0);
        registers.write(IMC, 0xFFFF_FFFF);
        for (int i = 0; i < rxCount; i++)
        {
            if (rxHandle[i] != NO_HANDLE)
            {
                pool.release(rxHandle[i]);
                rxHandle[i] = NO_HANDLE;
            }
        }
        for (int i = 0; i < txCount; i++)
        {
            if (txHandle[i] != NO_HANDLE)
            {
                pool.release(txHandle[i]);
                txHandle[i] = NO_HANDLE;
            }
        }
        registers.write(CTRL, CTRL_RST);
    }

    @Override
    public void close()
    {
        stop();
    }
}
