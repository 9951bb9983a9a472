package io.ringstack.nic.linux;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Error names and messages, and the checks made before any system call (no root needed). */
class LinuxMessagesTest
{
    @Test
    void errnoNamesFollowTheLinuxTable()
    {
        assertEquals("EPERM (1)", Errno.describe(1));
        assertEquals("ENODEV (19)", Errno.describe(Errno.ENODEV));
        assertEquals("EAGAIN (11)", Errno.describe(Errno.EAGAIN));
        assertEquals("EBUSY (16)", Errno.describe(16));
        assertEquals("EINVAL (22)", Errno.describe(22));
        assertEquals("ENOPROTOOPT (92)", Errno.describe(92));
        assertEquals("ENOBUFS (105)", Errno.describe(105));
        assertEquals("ENETDOWN", Errno.name(100));
        assertEquals("EBADFD", Errno.name(77));
        assertEquals("errno 200", Errno.describe(200), "a value outside the table is shown as a number");
        assertEquals("errno 0", Errno.name(0));
        assertEquals("errno -3", Errno.name(-3));
    }

    @Test
    void aFailedCallSaysWhatFailedAndTheErrno()
    {
        final LinuxCallException ex = new LinuxCallException("ioctl(TUNSETIFF)", Errno.EPERM,
            "creating TAP device rs0 needs CAP_NET_ADMIN");
        assertEquals("creating TAP device rs0 needs CAP_NET_ADMIN: EPERM (1)", ex.getMessage());
        assertEquals("ioctl(TUNSETIFF)", ex.call());
        assertEquals(1, ex.errno());
        assertEquals("EPERM", ex.errnoName());
    }

    @Test
    void interfaceNamesFollowTheKernelsRules()
    {
        assertArrayEquals("rsf0".getBytes(), InterfaceName.check("rsf0", "TAP device"));
        assertEquals(15, InterfaceName.check("a23456789012345", "TAP device").length);
        assertEquals("interface name 'a234567890123456' is 16 bytes long: Linux interface names have at most 15 " +
            "(IFNAMSIZ 16 with the NUL)", assertThrows(IllegalArgumentException.class,
            () -> InterfaceName.check("a234567890123456", "interface")).getMessage());
        assertEquals("TAP device needs a name: give 1 to 15 characters",
            assertThrows(IllegalArgumentException.class, () -> InterfaceName.check("", "TAP device")).getMessage());
        for (final String bad : new String[] {".", "..", "a/b", "a:b", "a b", "tab\tx", "é"})
        {
            assertThrows(IllegalArgumentException.class, () -> InterfaceName.check(bad, "interface"), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InterfaceName.check("a:b", "interface"))
            .getMessage().contains("has the character ':'"));
    }

    @Test
    void packetSocketNamesAreCheckedBeforeTheKernelIsAsked()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> PacketSocket.open("veth-name-too-long"));
        assertTrue(ex.getMessage().startsWith("interface name 'veth-name-too-long' is 18 bytes long"), ex.getMessage());
    }
}
