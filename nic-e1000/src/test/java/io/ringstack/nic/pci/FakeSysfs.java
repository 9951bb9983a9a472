package io.ringstack.nic.pci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory tree shaped like the parts of /sys and /proc that {@link PciE1000} reads, for tests. */
final class FakeSysfs
{
    final Path root;
    final Path sysfs;
    final Path procStatus;
    final Path meminfo;
    final Path pagemap;

    FakeSysfs(final Path root) throws IOException
    {
        this.root = root;
        this.sysfs = Files.createDirectories(root.resolve("sys"));
        Files.createDirectories(sysfs.resolve("bus/pci/devices"));
        Files.createDirectories(sysfs.resolve("bus/pci/drivers"));
        Files.createDirectories(sysfs.resolve("kernel/iommu_groups"));
        this.procStatus = root.resolve("status");
        this.meminfo = root.resolve("meminfo");
        this.pagemap = root.resolve("pagemap");
        capabilities(0x000001ffffffffffL);
        Files.writeString(meminfo, "HugePages_Total:       0\nHugePages_Free:        0\n");
        Files.write(pagemap, new byte[0]);
    }

    FakeSysfs capabilities(final long capEff) throws IOException
    {
        Files.writeString(procStatus, "Name:\tjava\nUid:\t0\t0\t0\t0\nCapEff:\t" + String.format("%016x", capEff) + "\n");
        return this;
    }

    Path device(final String address, final int vendor, final int device) throws IOException
    {
        final Path dir = Files.createDirectories(sysfs.resolve("bus/pci/devices").resolve(address));
        Files.writeString(dir.resolve("vendor"), String.format("0x%04x\n", vendor));
        Files.writeString(dir.resolve("device"), String.format("0x%04x\n", device));
        final byte[] config = new byte[256];
        config[0] = (byte)vendor;
        config[1] = (byte)(vendor >>> 8);
        config[4] = 0x03; // I/O and memory space on, bus master off (as after unbinding)
        config[5] = 0x04; // an unrelated bit (interrupt disable) that must survive
        Files.write(dir.resolve("config"), config);
        Files.write(dir.resolve("resource0"), new byte[128 * 1024]);
        return dir;
    }

    void bindDriver(final String address, final String driver) throws IOException
    {
        final Path driverDir = Files.createDirectories(sysfs.resolve("bus/pci/drivers").resolve(driver));
        Files.writeString(driverDir.resolve("unbind"), "");
        Files.createSymbolicLink(sysfs.resolve("bus/pci/devices").resolve(address).resolve("driver"), driverDir);
    }

    void iommuGroup(final String address, final int group) throws IOException
    {
        final Path groupDir = Files.createDirectories(sysfs.resolve("kernel/iommu_groups").resolve(Integer.toString(group)));
        Files.createSymbolicLink(sysfs.resolve("bus/pci/devices").resolve(address).resolve("iommu_group"), groupDir);
    }

    PciE1000.Builder builder(final String address)
    {
        return PciE1000.builder(PciAddress.parse(address)).systemFiles(sysfs, pagemap, meminfo, procStatus);
    }
}
