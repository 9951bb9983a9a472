package io.ringstack.nic.e1000;

/**
 * How the driver sets the device up.
 *
 * @param rxDescriptors       RX ring size, a multiple of 8.
 * @param txDescriptors       TX ring size, a multiple of 8.
 * @param macAddress          address to program into RAL0/RAH0, or {@link MacAddress#NONE} to use the device's own.
 * @param promiscuous         receive every frame (RCTL.UPE and MPE).
 * @param linkTimeoutNanos    how long {@link E1000Driver#start()} waits for STATUS.LU.
 * @param checksumOffload     let the device insert TCP checksums on transmit (legacy descriptor CMD.IC) and verify
 *                            IPv4/TCP/UDP checksums on receive (RXCSUM.IPOFL, TUOFL); off, software does both.
 */
public record DriverConfig(
    int rxDescriptors,
    int txDescriptors,
    long macAddress,
    boolean promiscuous,
    long linkTimeoutNanos,
    boolean checksumOffload)
{
    public static final DriverConfig DEFAULT =
        new DriverConfig(256, 256, MacAddress.NONE, false, 2_000_000_000L, true);

    public DriverConfig withRings(final int rx, final int tx)
    {
        return new DriverConfig(rx, tx, macAddress, promiscuous, linkTimeoutNanos, checksumOffload);
    }

    public DriverConfig withMacAddress(final long mac)
    {
        return new DriverConfig(rxDescriptors, txDescriptors, mac, promiscuous, linkTimeoutNanos, checksumOffload);
    }

    public DriverConfig withPromiscuous(final boolean on)
    {
        return new DriverConfig(rxDescriptors, txDescriptors, macAddress, on, linkTimeoutNanos, checksumOffload);
    }

    public DriverConfig withLinkTimeoutNanos(final long nanos)
    {
        return new DriverConfig(rxDescriptors, txDescriptors, macAddress, promiscuous, nanos, checksumOffload);
    }

    public DriverConfig withChecksumOffload(final boolean on)
    {
        return new DriverConfig(rxDescriptors, txDescriptors, macAddress, promiscuous, linkTimeoutNanos, on);
    }
}
