package io.ringstack.nic.e1000;

/**
 * The driver's per-queue counters (software side) and the device's statistics registers accumulated into 64 bits
 * (they clear on read, SDM §13.7). Plain fields: written by the driver's thread only; {@link #toString()} prints
 * them like {@code netstat -i}.
 */
public final class DriverCounters
{
    // Software counters, RX queue 0
    public long rxFrames;
    public long rxBytes;
    public long rxPolls;
    public long rxEmptyPolls;
    public long rxDescriptorErrors;
    public long rxRefillFailures;
    // Software counters, TX queue 0
    public long txFrames;
    public long txBytes;
    public long txRingFull;
    /** Frames marked for checksum offload whose checksum the driver computed (offload off or out of reach). */
    public long txSoftwareChecksums;
    public long txReclaimed;
    public long txTailWrites;
    public long interruptWaits;
    public long interruptWakeups;

    // Device statistics registers, accumulated
    public long missedPackets;       // MPC
    public long receiveNoBuffers;    // RNBC
    public long receiveUndersize;    // RUC
    public long receiveOversize;     // ROC
    public long goodPacketsReceived; // GPRC
    public long goodOctetsReceived;  // GORC
    public long goodPacketsTransmitted; // GPTC
    public long goodOctetsTransmitted;  // GOTC
    public long totalPacketsReceived;   // TPR
    public long totalPacketsTransmitted; // TPT
    public long broadcastReceived;   // BPRC
    public long multicastReceived;   // MPRC

    public void copyTo(final DriverCounters target)
    {
        target.rxFrames = rxFrames;
        target.rxBytes = rxBytes;
        target.rxPolls = rxPolls;
        target.rxEmptyPolls = rxEmptyPolls;
        target.rxDescriptorErrors = rxDescriptorErrors;
        target.rxRefillFailures = rxRefillFailures;
        target.txFrames = txFrames;
        target.txBytes = txBytes;
        target.txRingFull = txRingFull;
        target.txSoftwareChecksums = txSoftwareChecksums;
        target.txReclaimed = txReclaimed;
        target.txTailWrites = txTailWrites;
        target.interruptWaits = interruptWaits;
        target.interruptWakeups = interruptWakeups;
        target.missedPackets = missedPackets;
        target.receiveNoBuffers = receiveNoBuffers;
        target.receiveUndersize = receiveUndersize;
        target.receiveOversize = receiveOversize;
        target.goodPacketsReceived = goodPacketsReceived;
        target.goodOctetsReceived = goodOctetsReceived;
        target.goodPacketsTransmitted = goodPacketsTransmitted;
        target.goodOctetsTransmitted = goodOctetsTransmitted;
        target.totalPacketsReceived = totalPacketsReceived;
        target.totalPacketsTransmitted = totalPacketsTransmitted;
        target.broadcastReceived = broadcastReceived;
        target.multicastReceived = multicastReceived;
    }

    @Override
    public String toString()
    {
        return String.format(
            "  driver rx: %d frames, %d bytes, %d polls (%d empty), %d descriptor errors, %d refill failures%n" +
            "  driver tx: %d frames, %d bytes, %d reclaimed, %d tail writes, %d ring-full, %d software checksums%n" +
            "  interrupts: %d waits, %d wake-ups%n" +
            "  device rx: GPRC %d, GORC %d, TPR %d, BPRC %d, MPRC %d, MPC %d, RNBC %d, RUC %d, ROC %d%n" +
            "  device tx: GPTC %d, GOTC %d, TPT %d",
            rxFrames, rxBytes, rxPolls, rxEmptyPolls, rxDescriptorErrors, rxRefillFailures,
            txFrames, txBytes, txReclaimed, txTailWrites, txRingFull, txSoftwareChecksums,
            interruptWaits, interruptWakeups,
            goodPacketsReceived, goodOctetsReceived, totalPacketsReceived, broadcastReceived, multicastReceived,
            missedPackets, receiveNoBuffers, receiveUndersize, receiveOversize,
            goodPacketsTransmitted, goodOctetsTransmitted, totalPacketsTransmitted);
    }
}
