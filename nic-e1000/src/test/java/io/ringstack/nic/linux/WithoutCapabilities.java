package io.ringstack.nic.linux;

/**
 * Run by {@link CapabilityMessagesTest} in a child JVM without CAP_NET_ADMIN and CAP_NET_RAW: tries to create a TAP
 * device and to open a packet socket, and prints what each said, one line each.
 */
public final class WithoutCapabilities
{
    private WithoutCapabilities()
    {
    }

    public static void main(final String[] args)
    {
        try (TapDevice tap = TapDevice.open(args[0]))
        {
            System.out.println("TAP: opened " + tap.name());
        }
        catch (final RuntimeException ex)
        {
            System.out.println("TAP: " + ex.getMessage());
        }
        try (PacketSocket socket = PacketSocket.open(args[1]))
        {
            System.out.println("PACKET: opened " + socket);
        }
        catch (final RuntimeException ex)
        {
            System.out.println("PACKET: " + ex.getMessage());
        }
    }
}
