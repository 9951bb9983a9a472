package io.ringstack.demo;

import io.ringstack.ip.stack.StackConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options {@code ringstack http} and {@code ringstack echo} share: the wire the server's host sits on, and what
 * it records and reports.
 * <pre>
 *   --inproc                       two hosts in this process on an in-memory wire (the default)
 *   --tap NAME --ip A/P --linux-ip A/P   a new TAP device; Linux's side gets --linux-ip (CAP_NET_ADMIN)
 *   --af-packet IF --ip A/P        an AF_PACKET socket on existing interface IF (CAP_NET_RAW)
 *   --pcap FILE                    every frame the server's NIC receives or sends, for tshark and Wireshark
 *   --stats N                      the server's counters, like netstat -s, every N seconds (always once at exit)
 *   --mtu N                        the host's MTU (68..16110; jumbo frames up to the 8254x's 16,128 B), and the
 *                                  TAP's Linux side too (an AF_PACKET interface keeps its own: set it with ip link)
 * </pre>
 * A command feeds each option to {@link #flag} or {@link #option}, then calls {@link #check()}.
 */
final class WireOptions
{
    /** The wires, in the words of the options. */
    enum Wire
    {
        INPROC, TAP, AF_PACKET
    }

    /** The options that go with every wire, for each command's usage line. */
    static final String SHARED_OPTIONS = "[--pcap FILE] [--stats N] [--mtu N]";

    private boolean inproc;
    private String tap;
    private String afPacket;
    private String ip;
    private String linuxIp;
    private Path pcap;
    private int statsSeconds;
    private int mtu = StackConfig.ETHERNET_MTU;

    /** Takes {@code option} if it is a flag of these; false if not. */
    boolean flag(final String option)
    {
        if (option.equals("--inproc"))
        {
            inproc = true;
            return true;
        }
        return false;
    }

    /** Takes {@code option value} if the option is one of these; false if not. */
    boolean option(final String option, final String value)
    {
        switch (option)
        {
            case "--tap" -> tap = value;
            case "--af-packet" -> afPacket = value;
            case "--ip" -> ip = value;
            case "--linux-ip" -> linuxIp = value;
            case "--pcap" -> pcap = Path.of(value);
            case "--mtu" ->
            {
                mtu = Integer.parseInt(value);
                if (mtu < 68 || mtu > StackConfig.MAX_MTU)
                {
                    throw new IllegalArgumentException("--mtu " + mtu + " must be 68.." + StackConfig.MAX_MTU +
                        " (RFC 791's minimum to the 8254x's largest jumbo frame)");
                }
            }
            case "--stats" ->
            {
                statsSeconds = Integer.parseInt(value);
                if (statsSeconds < 1)
                {
                    throw new IllegalArgumentException("--stats takes the seconds between reports, at least 1 " +
                        "(without --stats the counters print once, at exit)");
                }
            }
            default ->
            {
                return false;
            }
        }
        return true;
    }

    /** Whether the wire was left to the command ({@code --auto} may then choose a TAP). */
    boolean wireChosen()
    {
        return inproc || tap != null || afPacket != null;
    }

    /** Chooses a TAP device (for {@code --auto}). */
    void useTap(final String name, final String ours, final String linuxSide)
    {
        tap = name;
        ip = ours;
        linuxIp = linuxSide;
    }

    /**
     * Refuses contradictory or incomplete options with what to write instead.
     *
     * @throws IllegalArgumentException saying what is wrong (the command prints it and exits with usage).
     */
    void check()
    {
        final int wires = (inproc ? 1 : 0) + (tap != null ? 1 : 0) + (afPacket != null ? 1 : 0);
        if (wires > 1)
        {
            throw new IllegalArgumentException("choose one wire: --inproc, --tap NAME or --af-packet IF");
        }
        if (tap != null && (ip == null || linuxIp == null))
        {
            throw new IllegalArgumentException("--tap needs --ip A/P (ours) and --linux-ip A/P (Linux's side)");
        }
        if (afPacket != null && ip == null)
        {
            throw new IllegalArgumentException("--af-packet needs --ip A/P: ringstack's own address on that link, " +
                "e.g. --ip 10.0.0.2/24");
        }
        if (linuxIp != null && tap == null)
        {
            throw new IllegalArgumentException("--linux-ip goes with --tap (on --af-packet the peers on the link " +
                "have their addresses already)");
        }
        if (ip != null && tap == null && afPacket == null)
        {
            throw new IllegalArgumentException("--ip goes with --tap or --af-packet (--inproc uses 10.0.0.1 and " +
                "10.0.0.2)");
        }
        if (ip != null)
        {
            checkCidr("--ip", ip); // a bad CIDR is refused here, before any device is made
        }
        if (linuxIp != null)
        {
            checkCidr("--linux-ip", linuxIp);
        }
        if (pcap != null)
        {
            final Path parent = pcap.toAbsolutePath().getParent();
            if (Files.isDirectory(pcap) || parent == null || !Files.isDirectory(parent))
            {
                throw new IllegalArgumentException("--pcap " + pcap + ": " + (Files.isDirectory(pcap) ?
                    "is a directory: name a file" : "no directory " + parent + " to write it in"));
            }
        }
    }

    private static void checkCidr(final String option, final String cidr)
    {
        try
        {
            StackConfig.of(cidr);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(option + " " + cidr + ": " + ex.getMessage(), ex);
        }
    }

    Wire wire()
    {
        return tap != null ? Wire.TAP : afPacket != null ? Wire.AF_PACKET : Wire.INPROC;
    }

    String tap()
    {
        return tap;
    }

    String afPacket()
    {
        return afPacket;
    }

    /** Our address and prefix ({@code --ip}), or null in process. */
    /** The host's MTU (1500 unless --mtu). */
    int mtu()
    {
        return mtu;
    }

    String ip()
    {
        return ip;
    }

    /** Our address without the prefix. */
    String address()
    {
        return ip.substring(0, ip.indexOf('/'));
    }

    String linuxIp()
    {
        return linuxIp;
    }

    /** The capture file, or null. */
    Path pcap()
    {
        return pcap;
    }

    /** Seconds between counter reports, 0 for only the one at exit. */
    int statsSeconds()
    {
        return statsSeconds;
    }
}
