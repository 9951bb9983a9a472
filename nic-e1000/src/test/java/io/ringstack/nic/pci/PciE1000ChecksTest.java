package io.ringstack.nic.pci;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link PciE1000} checks before it touches a device, each refusal saying what to do, against a fake sysfs
 * tree (the real device is exercised in the QEMU guest test, demo's QemuE1000GuestTest).
 */
class PciE1000ChecksTest
{
    @TempDir
    Path root;
    FakeSysfs fake;

    @BeforeEach
    void setUp() throws IOException
    {
        fake = new FakeSysfs(root);
    }

    @Test
    void addressesAreParsedStrictly()
    {
        assertEquals("0000:00:10.0", PciAddress.parse("00:10.0").text());
        assertEquals("0000:3b:00.1", PciAddress.parse("0000:3B:00.1").text());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("eth0"));
        assertTrue(ex.getMessage().contains("domain:bus:device.function"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("0000:00:20.0")); // device > 0x1f
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("0000:00:10.8")); // function > 7
    }

    @Test
    void aMissingDeviceNamesTheOnesThatExist() throws IOException
    {
        fake.device("0000:00:03.0", 0x8086, 0x100e);
        fake.device("0000:00:02.0", 0x1234, 0x1111);
        final PciSetupException ex = assertThrows(PciSetupException.class, () -> fake.builder("0000:00:10.0").build());
        assertTrue(ex.getMessage().startsWith("no PCI device 0000:00:10.0"), ex.getMessage());
        assertTrue(ex.getMessage().contains("8254x devices here: [0000:00:03.0]"), ex.getMessage());
        assertEquals(List.of(PciAddress.parse("0000:00:03.0")), PciE1000.findAll(fake.sysfs));
        assertEquals(PciAddress.parse("0000:00:03.0"), PciE1000.findFirst(fake.sysfs));
    }

    @Test
    void noDeviceAtAllSaysSo()
    {
        final PciSetupException ex = assertThrows(PciSetupException.class, () -> PciE1000.findFirst(fake.sysfs));
        assertTrue(ex.getMessage().contains("no Intel 8254x"), ex.getMessage());
    }

    @Test
    void anotherKindOfDeviceIsRefused() throws IOException
    {
        fake.device("0000:00:10.0", 0x8086, 0x10d3); // 82574L: another descriptor interface
        final PciSetupException ex = assertThrows(PciSetupException.class, () -> fake.builder("0000:00:10.0").build());
        assertTrue(ex.getMessage().contains("is 8086:10d3, not an Intel 8254x"), ex.getMessage());
    }

    @Test
    void withoutCapSysAdminItAsksForRoot() throws IOException
    {
        fake.device("0000:00:10.0", 0x8086, 0x100e);
        fake.capabilities(0);
        final PciSetupException ex = assertThrows(PciSetupException.class, () -> fake.builder("0000:00:10.0").build());
        assertTrue(ex.getMessage().contains("needs root (CAP_SYS_ADMIN"), ex.getMessage());
        assertTrue(ex.getMessage().contains("/proc/self/pagemap"), ex.getMessage());
    }

    @Test
    void anActiveIommuIsRefusedNamingTheWayOut() throws IOException
    {
        fake.device("0000:00:10.0", 0x8086, 0x100e);
        fake.iommuGroup("0000:00:10.0", 7);
        final PciSetupException ex = assertThrows(PciSetupException.class, () -> fake.builder("0000:00:10.0").build());
        assertTrue(ex.getMessage().startsWith("an IOMMU is active (1 IOMMU groups, 0000:00:10.0 in group 7)"),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("uses neither the IOMMU nor VFIO"), ex.getMessage());
        assertTrue(ex.getMessage().contains("iommu=off"), ex.getMessage());
    }

    @Test
    void aBoundKernelDriverIsRefusedUnlessUnbindingWasAskedFor() throws IOException
    {
        final Path device = fake.device("0000:00:10.0", 0x8086, 0x100e);
        fake.bindDriver("0000:00:10.0", "e1000");
        final PciSetupException refused =
            assertThrows(PciSetupException.class, () -> fake.builder("0000:00:10.0").build());
        assertEquals("0000:00:10.0 is bound to the kernel driver 'e1000': unbind it first (echo 0000:00:10.0 > " +
            "/sys/bus/pci/drivers/e1000/unbind) or build with unbindKernelDriver(true)", refused.getMessage());

        // asked to unbind: the address is written to driver/unbind (a fake file here, so the link stays and the
        // check after the write reports it)
        final PciSetupException stillBound = assertThrows(PciSetupException.class,
            () -> fake.builder("0000:00:10.0").unbindKernelDriver(true).build());
        assertEquals("0000:00:10.0", Files.readString(device.resolve("driver/unbind")));
        assertTrue(stillBound.getMessage().contains("is still bound"), stillBound.getMessage());
    }

    @Test
    void busMasteringIsSetWithoutDisturbingTheOtherCommandBits() throws IOException
    {
        fake.device("0000:00:10.0", 0x8086, 0x100e);
        final PciDevice device = new PciDevice(fake.sysfs, PciAddress.parse("0000:00:10.0"));
        assertEquals(0x0403, device.command());
        device.enableBusMastering();
        assertEquals(0x0407, device.command());
        assertEquals(0x8086, device.vendorId());
        assertEquals(-1, device.iommuGroup());
        assertEquals(null, device.boundDriver());
    }

    @Test
    void capabilitiesAreReadFromProcStatus() throws IOException
    {
        fake.capabilities(1L << 21);
        assertEquals(1L << 21, PciE1000.effectiveCapabilities(fake.procStatus));
        Files.writeString(fake.procStatus, "Name:\tjava\n");
        assertThrows(PciSetupException.class, () -> PciE1000.effectiveCapabilities(fake.procStatus));
    }
}
