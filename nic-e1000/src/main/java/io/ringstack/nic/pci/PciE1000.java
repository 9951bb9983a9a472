package io.ringstack.nic.pci;

import io.ringstack.nic.e1000.DescriptorRing;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.E1000Registers;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.NicBuilder;
import io.ringstack.nic.memory.DmaRegion;
import io.ringstack.nic.memory.PacketBufferPool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Intel 8254x driven from user space by ringstack's own {@link E1000Driver} (the same code that drives
 * the emulated device): its BAR0 mapped from sysfs ({@link Bar0Registers}), its descriptor rings and packet
 * buffers in huge pages addressed by physical address ({@link HugepageMemory}), bus mastering enabled in its PCI
 * command register, and no interrupts (the driver polls; {@link PollingInterruptLine}).
 * <p>
 * What it needs, checked in this order before anything is touched, each refusal saying what to do: the device
 * exists and is an 8254x with the legacy descriptor interface; the process has CAP_SYS_ADMIN (root); no IOMMU
 * (the descriptors carry physical addresses, so this mode needs neither an IOMMU nor VFIO: boot with
 * {@code iommu=off}, or use {@code iommu=pt}); no kernel driver bound (or {@link Builder#unbindKernelDriver});
 * enough free 2 MiB huge pages.
 */
public final class PciE1000 implements AutoCloseable
{
    /** Device IDs of the 8254x parts with the 82540EM's register interface that QEMU also emulates. */
    static final int[] SUPPORTED_DEVICES = {
        E1000Registers.PCI_DEVICE_82540EM, // 82540EM (QEMU's "e1000")
        0x100C, // 82544GC copper (QEMU's "e1000-82544gc")
        0x100F, // 82545EM copper (QEMU's "e1000-82545em")
    };
    private static final int CAP_SYS_ADMIN = 21;

    private final PciDevice device;
    private final Bar0Registers registers;
    private final DmaRegion descriptorMemory;
    private final PacketBufferPool pool;
    private final E1000Driver driver;
    private final String unboundDriver;

    private PciE1000(final Builder builder)
    {
        device = new PciDevice(builder.sysfs, builder.address);
        checkDevice(device, builder.sysfs);
        checkPrivilege(builder.procStatus);
        checkNoIommu(device);
        final String bound = device.boundDriver();
        if (bound != null)
        {
            if (!builder.unbindKernelDriver)
            {
                throw new PciSetupException(device.address() + " is bound to the kernel driver '" + bound + "': " +
                    "unbind it first (echo " + device.address() + " > /sys/bus/pci/drivers/" + bound + "/unbind) " +
                    "or build with unbindKernelDriver(true)");
            }
            device.unbindDriver();
        }
        unboundDriver = bound;

        DmaRegion rings = null;
        DmaRegion buffers = null;
        PacketBufferPool createdPool = null;
        Bar0Registers bar0 = null;
        try
        {
            final int txOffset = builder.txRingOffset();
            if (builder.descriptorRegionSize() > HugepageMemory.HUGEPAGE_SIZE)
            {
                throw new IllegalArgumentException("rings of " + builder.rxDescriptors() + " + " +
                    builder.txDescriptors() + " descriptors do not fit in one 2 MiB huge page");
            }
            rings = HugepageMemory.allocate(device.address() + "-descriptors", builder.descriptorRegionSize(),
                builder.pagemap, builder.meminfo);
            final DescriptorRing rxRing = DescriptorRing.place("RX", rings, 0, builder.rxDescriptors());
            final DescriptorRing txRing = DescriptorRing.place("TX", rings, txOffset, builder.txDescriptors());
            // A buffer never straddles two huge pages: the buffer size (a power of two up to 16 KiB) divides 2 MiB.
            buffers = HugepageMemory.allocate(device.address() + "-buffers", (long)builder.bufferSize() * builder.buffers(),
                builder.pagemap, builder.meminfo);
            createdPool = PacketBufferPool.owning(buffers, builder.bufferSize(), builder.buffers(), builder.strict());
            buffers = null; // the pool owns it now
            device.enableBusMastering();
            bar0 = Bar0Registers.map(device.bar0File(), E1000Registers.BAR0_SIZE);
            driver = new E1000Driver(bar0, new PollingInterruptLine(builder.pollIntervalNanos), createdPool, rxRing,
                txRing, builder.driverConfig(builder.macAddress));
        }
        catch (final RuntimeException ex)
        {
            if (bar0 != null)
            {
                bar0.close();
            }
            if (createdPool != null)
            {
                createdPool.close();
            }
            if (buffers != null)
            {
                buffers.close();
            }
            if (rings != null)
            {
                rings.close();
            }
            throw ex;
        }
        registers = bar0;
        descriptorMemory = rings;
        pool = createdPool;
    }

    public static Builder builder(final PciAddress address)
    {
        return new Builder(address);
    }

    /** The first 8254x of a supported kind under {@code /sys}, for a machine with one. */
    public static PciAddress findFirst(final Path sysfs)
    {
        final List<PciAddress> found = findAll(sysfs);
        if (found.isEmpty())
        {
            throw new PciSetupException("no Intel 8254x (8086:100e, 8086:100c or 8086:100f) in " +
                sysfs.resolve("bus/pci/devices") + ": lspci -nn shows the machine's network devices");
        }
        return found.getFirst();
    }

    static List<PciAddress> findAll(final Path sysfs)
    {
        final List<PciAddress> found = new ArrayList<>();
        for (final int id : SUPPORTED_DEVICES)
        {
            found.addAll(PciDevice.find(sysfs, E1000Registers.PCI_VENDOR_INTEL, id));
        }
        found.sort(java.util.Comparator.comparing(PciAddress::text));
        return found;
    }

    private static void checkDevice(final PciDevice device, final Path sysfs)
    {
        if (!device.exists())
        {
            final List<PciAddress> found = findAll(sysfs);
            throw new PciSetupException("no PCI device " + device.address() + " (" + device.directory() + "): " +
                (found.isEmpty() ? "this machine has no Intel 8254x" : "8254x devices here: " + found));
        }
        final int vendor = device.vendorId();
        final int id = device.deviceId();
        boolean supported = false;
        for (final int candidate : SUPPORTED_DEVICES)
        {
            supported |= candidate == id;
        }
        if (vendor != E1000Registers.PCI_VENDOR_INTEL || !supported)
        {
            throw new PciSetupException(String.format("%s is %04x:%04x, not an Intel 8254x with the 82540EM's " +
                "interface (8086:100e, 8086:100c or 8086:100f)", device.address(), vendor, id));
        }
    }

    private static void checkPrivilege(final Path procStatus)
    {
        final long capabilities = effectiveCapabilities(procStatus);
        if ((capabilities & (1L << CAP_SYS_ADMIN)) == 0)
        {
            throw new PciSetupException("driving a PCI device from user space needs root (CAP_SYS_ADMIN, to map " +
                "its BAR0 and to read physical addresses from /proc/self/pagemap); this process has CapEff " +
                String.format("%016x", capabilities) + ": run it as root");
        }
    }

    static long effectiveCapabilities(final Path procStatus)
    {
        try
        {
            for (final String line : Files.readAllLines(procStatus))
            {
                if (line.startsWith("CapEff:"))
                {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new PciSetupException("cannot read this process's capabilities from " + procStatus + ": " + ex, ex);
        }
        throw new PciSetupException(procStatus + " has no CapEff line");
    }

    private static void checkNoIommu(final PciDevice device)
    {
        final int group = device.iommuGroup();
        final int groups = device.iommuGroupCount();
        if (group >= 0 || groups > 0)
        {
            throw new PciSetupException("an IOMMU is active (" + groups + " IOMMU groups" +
                (group >= 0 ? ", " + device.address() + " in group " + group : "") + "): this mode writes physical " +
                "addresses from /proc/self/pagemap into the descriptors, so it needs the device's DMA untranslated " +
                "and uses neither the IOMMU nor VFIO; boot with iommu=off (intel_iommu=off / amd_iommu=off) or " +
                "iommu=pt");
        }
    }

    public E1000Driver driver()
    {
        return driver;
    }

    public PacketBufferPool pool()
    {
        return pool;
    }

    public PciAddress address()
    {
        return device.address();
    }

    /** The kernel driver this instance unbound from the device, or null. */
    public String unboundKernelDriver()
    {
        return unboundDriver;
    }

    /** Resets the device and starts the driver (waits for link up). */
    public PciE1000 start()
    {
        driver.start();
        return this;
    }

    /** Stops the device (receive and transmit off, interrupts masked), then frees the rings, buffers and BAR0. */
    @Override
    public void close()
    {
        driver.stop();
        registers.close();
        pool.close();
        descriptorMemory.close();
    }

    public static final class Builder extends NicBuilder<Builder>
    {
        private final PciAddress address;
        private Path sysfs = Path.of("/sys");
        private Path pagemap = Path.of("/proc/self/pagemap");
        private Path meminfo = Path.of("/proc/meminfo");
        private Path procStatus = Path.of("/proc/self/status");
        private boolean unbindKernelDriver;
        private long macAddress = MacAddress.NONE;
        private long pollIntervalNanos = 50_000L;

        private Builder(final PciAddress address)
        {
            super(false); // not checked against a real device's (or QEMU's) offload yet: software checksums
            this.address = address;
            linkTimeoutNanos(5_000_000_000L); // a real link may take seconds to negotiate
        }

        /** Unbind the kernel's driver from the device if one is bound (otherwise that is refused). */
        public Builder unbindKernelDriver(final boolean unbind)
        {
            this.unbindKernelDriver = unbind;
            return this;
        }

        /** The MAC address to program into RAL0/RAH0; by default the device's own (from its EEPROM). */
        public Builder macAddress(final long mac)
        {
            this.macAddress = mac;
            return this;
        }

        /** The longest sleep between two polls of the RX ring while idle (default 50 µs). */
        public Builder pollIntervalNanos(final long nanos)
        {
            this.pollIntervalNanos = nanos;
            return this;
        }

        /** Where sysfs, pagemap, meminfo and the process status are (tests give their own). */
        public Builder systemFiles(final Path sysfs, final Path pagemap, final Path meminfo, final Path procStatus)
        {
            this.sysfs = sysfs;
            this.pagemap = pagemap;
            this.meminfo = meminfo;
            this.procStatus = procStatus;
            return this;
        }

        /** Checks what the device needs, unbinds the kernel driver if asked, and sets up memory and BAR0. */
        public PciE1000 build()
        {
            return new PciE1000(this);
        }
    }
}
