package io.ringstack.nic.pci;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One PCI function as Linux's sysfs shows it ({@code /sys/bus/pci/devices/ADDR}): its IDs, the kernel driver
 * bound to it, its IOMMU group, its configuration space (the command register) and its BAR0 file. The sysfs root
 * is a parameter so that tests can give a directory tree of their own.
 */
public final class PciDevice
{
    /** PCI configuration space: the 16-bit command register (PCI Local Bus Specification 3.0, §6.2.2). */
    static final int CONFIG_COMMAND = 0x04;
    static final int COMMAND_MEMORY_SPACE = 0x2;
    static final int COMMAND_BUS_MASTER = 0x4;

    private final Path sysfs;
    private final PciAddress address;
    private final Path directory;

    public PciDevice(final Path sysfs, final PciAddress address)
    {
        this.sysfs = sysfs;
        this.address = address;
        this.directory = sysfs.resolve("bus/pci/devices").resolve(address.text());
    }

    /** The device at {@code address} under the real {@code /sys}. */
    public static PciDevice of(final PciAddress address)
    {
        return new PciDevice(Path.of("/sys"), address);
    }

    /** Every PCI function with this vendor and device ID, in address order. */
    public static List<PciAddress> find(final Path sysfs, final int vendor, final int device)
    {
        final List<PciAddress> found = new ArrayList<>();
        final Path devices = sysfs.resolve("bus/pci/devices");
        if (!Files.isDirectory(devices))
        {
            return found;
        }
        try (Stream<Path> entries = Files.list(devices))
        {
            for (final Path entry : entries.sorted().toList())
            {
                final PciDevice candidate = new PciDevice(sysfs, PciAddress.parse(entry.getFileName().toString()));
                if (candidate.vendorId() == vendor && candidate.deviceId() == device)
                {
                    found.add(candidate.address());
                }
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new PciSetupException("cannot list PCI devices in " + devices + ": " + ex.getMessage(), ex);
        }
        return found;
    }

    public PciAddress address()
    {
        return address;
    }

    public Path directory()
    {
        return directory;
    }

    public boolean exists()
    {
        return Files.isDirectory(directory);
    }

    public int vendorId()
    {
        return readHexFile("vendor");
    }

    public int deviceId()
    {
        return readHexFile("device");
    }

    /** The name of the kernel driver bound to the device, or null if none is. */
    public String boundDriver()
    {
        final Path link = directory.resolve("driver");
        if (!Files.exists(link))
        {
            return null;
        }
        try
        {
            return Files.readSymbolicLink(link).getFileName().toString();
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return "(unknown: " + ex.getMessage() + ")";
        }
    }

    /**
     * Unbinds the kernel driver, if one is bound (writes the address to {@code driver/unbind}). The device
     * disappears from the kernel's network interfaces.
     */
    public void unbindDriver()
    {
        final String driver = boundDriver();
        if (driver == null)
        {
            return;
        }
        final Path unbind = directory.resolve("driver/unbind");
        try
        {
            Files.writeString(unbind, address.text(), StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new PciSetupException("cannot unbind kernel driver " + driver + " from " + address + " (writing " +
                unbind + " needs root): " + ex, ex);
        }
        if (boundDriver() != null)
        {
            throw new PciSetupException("kernel driver " + driver + " is still bound to " + address + " after " +
                "writing " + unbind);
        }
    }

    /** The device's IOMMU group number, or -1 if it has none (no IOMMU translates its DMA). */
    public int iommuGroup()
    {
        final Path link = directory.resolve("iommu_group");
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        {
            return -1;
        }
        try
        {
            return Integer.parseInt(Files.readSymbolicLink(link).getFileName().toString());
        }
        catch (final IOException | NumberFormatException | UnsupportedOperationException ex)
        {
            return 0;
        }
    }

    /** How many IOMMU groups the kernel has: more than zero means an IOMMU is active. */
    public int iommuGroupCount()
    {
        final Path groups = sysfs.resolve("kernel/iommu_groups");
        if (!Files.isDirectory(groups))
        {
            return 0;
        }
        try (Stream<Path> entries = Files.list(groups))
        {
            return (int)entries.count();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /** The PCI command register (configuration space offset 4). */
    public int command()
    {
        try (FileChannel config = FileChannel.open(directory.resolve("config"), StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            if (config.read(word, CONFIG_COMMAND) != 2)
            {
                throw new PciSetupException("short read of the command register in " + directory.resolve("config"));
            }
            return word.getShort(0) & 0xFFFF;
        }
        catch (final IOException ex)
        {
            throw new PciSetupException("cannot read the PCI configuration of " + address + ": " + ex, ex);
        }
    }

    /**
     * Sets memory-space decoding and bus mastering in the command register, so that BAR0 answers and the device
     * may DMA; unbinding the kernel driver clears bus mastering.
     */
    public void enableBusMastering()
    {
        final int command = command();
        final int wanted = command | COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER;
        if (wanted == command)
        {
            return;
        }
        try (FileChannel config = FileChannel.open(directory.resolve("config"), StandardOpenOption.WRITE))
        {
            final ByteBuffer word = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            word.putShort(0, (short)wanted);
            config.write(word, CONFIG_COMMAND);
        }
        catch (final IOException ex)
        {
            throw new PciSetupException("cannot enable bus mastering for " + address + " (writing " +
                directory.resolve("config") + " needs root): " + ex, ex);
        }
        if ((command() & COMMAND_BUS_MASTER) == 0)
        {
            throw new PciSetupException("bus mastering for " + address + " did not stay set in its command register");
        }
    }

    /** The file that maps BAR0. */
    public Path bar0File()
    {
        return directory.resolve("resource0");
    }

    private int readHexFile(final String name)
    {
        final Path file = directory.resolve(name);
        try
        {
            final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return Integer.parseInt(text.startsWith("0x") ? text.substring(2) : text, 16);
        }
        catch (final NoSuchFileException ex)
        {
            return -1;
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new PciSetupException("cannot read " + file + ": " + ex, ex);
        }
    }

    @Override
    public String toString()
    {
        return "PciDevice{" + address + '}';
    }
}
