package io.ringstack.nic.e1000;

/**
 * 32-bit access to a device's BAR0 registers. The driver talks to the device only through this and the
 * descriptors in DMA memory, so the same driver drives the emulated device and a real 82540EM's mapped BAR0.
 */
public interface RegisterAccess
{
    int read(int offset);

    void write(int offset, int value);
}
