package io.ringstack.nic.memory;

/**
 * Translates a virtual address of this process into the address a device uses for DMA (a bus address).
 * <p>
 * The emulated device shares the process's address space, so it uses {@link #IDENTITY}. A real device needs the
 * physical address, read from {@code /proc/self/pagemap} (the hardware back-end provides that translation).
 */
@FunctionalInterface
public interface DmaAddressing
{
    /** The device sees the process's virtual addresses (the emulated device). */
    DmaAddressing IDENTITY = virtualAddress -> virtualAddress;

    long deviceAddress(long virtualAddress);
}
