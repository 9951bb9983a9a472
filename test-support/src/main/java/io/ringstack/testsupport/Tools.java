package io.ringstack.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the programs the kernel-peer tests run, names the Debian package each comes from, and tells whether this
 * process may create network namespaces (root with CAP_NET_ADMIN and CAP_SYS_ADMIN).
 * <p>
 * Programs are searched on {@code PATH} and then in the standard system directories, because a JVM started by a
 * build tool may run with a {@code PATH} that lacks {@code /usr/sbin}, where {@code ip}, {@code ethtool} and
 * {@code tcpdump} live.
 */
public final class Tools
{
    /** Searched after {@code PATH}, in this order. */
    public static final List<String> SYSTEM_DIRECTORIES =
        List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    public static final String NEEDS_ROOT = "needs root for network namespaces, veth and TAP (CI runs as root)";
    public static final String NEEDS_IPROUTE2 = "needs iproute2 (apt-get install iproute2)";
    public static final String NEEDS_CAPABILITIES =
        "needs CAP_NET_ADMIN and CAP_SYS_ADMIN for network namespaces, veth and TAP: this root lacks them " +
        "(a container started without --cap-add NET_ADMIN --cap-add SYS_ADMIN?)";

    /** linux/capability.h */
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;

    private static final Map<String, String> DEBIAN_PACKAGES = Map.ofEntries(
        Map.entry("ip", "iproute2"),
        Map.entry("tc", "iproute2"),
        Map.entry("ss", "iproute2"),
        Map.entry("bridge", "iproute2"),
        Map.entry("ping", "iputils-ping"),
        Map.entry("arping", "arping"),
        Map.entry("socat", "socat"),
        Map.entry("nc", "netcat-openbsd"),
        Map.entry("tcpdump", "tcpdump"),
        Map.entry("tshark", "tshark"),
        Map.entry("ethtool", "ethtool"),
        Map.entry("python3", "python3"),
        Map.entry("scapy", "python3-scapy"),
        Map.entry("sysctl", "procps"),
        Map.entry("mount", "mount"),
        Map.entry("sh", "dash"),
        Map.entry("sleep", "coreutils"),
        Map.entry("tee", "coreutils"),
        Map.entry("qemu-system-x86_64", "qemu-system-x86"),
        Map.entry("busybox", "busybox-static"),
        Map.entry("cpio", "cpio"),
        Map.entry("hping3", "hping3"),
        Map.entry("curl", "curl"),
        Map.entry("wrk", "wrk"));

    private Tools()
    {
    }

    /** The absolute path of {@code program}, searched on {@code PATH} and then {@link #SYSTEM_DIRECTORIES}. */
    public static Optional<Path> which(final String program)
    {
        if (program.indexOf('/') >= 0)
        {
            final Path path = Path.of(program);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (final String directory : searchPath())
        {
            final Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean has(final String program)
    {
        return which(program).isPresent();
    }

    /** The Debian package that ships {@code program} (the program's own name when we don't know better). */
    public static String debianPackage(final String program)
    {
        return DEBIAN_PACKAGES.getOrDefault(program, program);
    }

    /** {@code "needs socat (apt-get install socat)"}: the reason a test gives when a program is missing. */
    public static String missingReason(final String program, final String debianPackage)
    {
        final String pkg = debianPackage == null || debianPackage.isEmpty() ? debianPackage(program) : debianPackage;
        return "needs " + program + " (apt-get install " + pkg + ")";
    }

    /** {@code PATH}'s directories followed by the system directories it lacks, without duplicates. */
    static List<String> searchPath()
    {
        final Set<String> directories = new LinkedHashSet<>();
        final String path = System.getenv("PATH");
        if (path != null)
        {
            for (final String directory : path.split(":"))
            {
                if (!directory.isEmpty())
                {
                    directories.add(directory);
                }
            }
        }
        directories.addAll(SYSTEM_DIRECTORIES);
        return new ArrayList<>(directories);
    }

    /** The effective user id of this process, from {@code /proc/self/status} ({@code -1} when unreadable). */
    public static int effectiveUid()
    {
        final String uid = statusField("Uid:");
        if (uid == null)
        {
            return -1;
        }
        // "Uid:\treal\teffective\tsaved\tfilesystem"
        final String[] ids = uid.trim().split("\\s+");
        return ids.length >= 2 ? Integer.parseInt(ids[1]) : -1;
    }

    /** The effective capability set, from {@code /proc/self/status} ({@code -1}, all bits, when unreadable). */
    static long effectiveCapabilities()
    {
        final String capEff = statusField("CapEff:");
        return capEff == null ? -1L : Long.parseUnsignedLong(capEff.trim(), 16);
    }

    /**
     * Why this process cannot build network namespaces, veth pairs and TAP devices, or empty when it can.
     * The reasons are the ones {@link RequiresRoot} reports.
     */
    public static Optional<String> rootMissingReason()
    {
        return rootMissingReason(effectiveUid(), effectiveCapabilities(), has("ip"));
    }

    static Optional<String> rootMissingReason(final int euid, final long capabilities, final boolean ipPresent)
    {
        if (euid != 0)
        {
            return Optional.of(NEEDS_ROOT);
        }
        final long needed = (1L << CAP_NET_ADMIN) | (1L << CAP_SYS_ADMIN);
        if ((capabilities & needed) != needed)
        {
            return Optional.of(NEEDS_CAPABILITIES);
        }
        if (!ipPresent)
        {
            return Optional.of(NEEDS_IPROUTE2);
        }
        return Optional.empty();
    }

    /** Throws with the reason when {@link #rootMissingReason()} has one: for code paths outside JUnit conditions. */
    static void requireRoot()
    {
        final Optional<String> reason = rootMissingReason();
        if (reason.isPresent())
        {
            throw new IllegalStateException(reason.get() + "; annotate the test with @RequiresRoot so that it is " +
                "skipped instead of failing");
        }
    }

    private static String statusField(final String name)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith(name))
                {
                    return line.substring(name.length());
                }
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // not Linux, or /proc not mounted: the callers treat null as unknown
        }
        return null;
    }
}
