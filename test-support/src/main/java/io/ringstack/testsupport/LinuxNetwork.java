package io.ringstack.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The root network namespace's side of the kernel-peer tests: makes {@link NetworkNamespace}s, configures
 * interfaces that stay in the root namespace, and removes what crashed runs left behind.
 * <p>
 * Names: a namespace is {@code rs-PID-N} (PID of the JVM that made it, N a counter), and interface names handed
 * out by {@link NetworkNamespace#interfaceName(String)} extend it with a lower-case suffix
 * ({@code rs-4711-0h}), so they fit Linux's 15-character limit and tell which process owns them. Two JVMs
 * (e.g. surefire forks) never pick the same name, and {@link #removeStale()} only removes names whose owner is
 * gone:
 * <ul>
 * <li>no process with that PID exists, or</li>
 * <li>the process with that PID is not the one that made the name: before making its first name, a JVM records
 *     its start time (clock ticks since boot, {@code /proc/PID/stat}) in {@code /run/ringstack-testsupport/PID};
 *     a different start time now means the PID was reused, or</li>
 * <li>the PID is this JVM's own but this JVM did not make the name (a leftover of an earlier run that had the
 *     same PID).</li>
 * </ul>
 * A PID with a live process but no record (names made by other means) counts as alive: when in doubt, keep.
 * Every operation runs {@code ip} with a timeout; failures throw {@link CommandFailedException} with ip's stderr.
 */
public final class LinuxNetwork
{
    public static final String PREFIX = "rs-";
    /** IFNAMSIZ (16) less the terminating NUL. */
    public static final int MAX_INTERFACE_NAME = 15;

    static final Duration IP_TIMEOUT = Duration.ofSeconds(10);
    static final Path NETNS_RUN_DIR = Path.of("/run/netns");
    /** Who made our names: one file per JVM, named by PID, holding that process's start time in ticks. */
    static final Path OWNERS_DIR = Path.of("/run/ringstack-testsupport");

    private static final Pattern OURS = Pattern.compile("rs-(\\d+)-(\\d+)([a-z][a-z0-9]*)?");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern ETHER = Pattern.compile("link/ether ([0-9a-fA-F:]{17})");
    private static final Duration VANISH_TIMEOUT = Duration.ofSeconds(5);
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final AtomicBoolean STALE_REMOVED = new AtomicBoolean();
    private static final AtomicBoolean OWNER_RECORDED = new AtomicBoolean();
    /** Names this JVM made or handed out and has not removed yet: never stale while listed here. */
    private static final Set<String> OWN_NAMES = ConcurrentHashMap.newKeySet();
    private static final String ETHTOOL_FEATURES_OFF =
        "rx off tx off sg off tso off gso off gro off lro off rxvlan off txvlan off";

    private LinuxNetwork()
    {
    }

    /** What {@link #removeStale()} removed: namespace names, root-namespace interface names, killed PIDs. */
    public record StaleReport(List<String> namespaces, List<String> interfaces, List<Long> killedPids)
    {
        public StaleReport
        {
            namespaces = List.copyOf(namespaces);
            interfaces = List.copyOf(interfaces);
            killedPids = List.copyOf(killedPids);
        }
    }

    /**
     * Makes a new, empty namespace {@code rs-PID-N} with its loopback up. The first call in a JVM removes stale
     * leftovers first. Throws {@link IllegalStateException} when not root (use {@link RequiresRoot} on the test).
     */
    public static NetworkNamespace createNamespace()
    {
        Tools.requireRoot();
        if (STALE_REMOVED.compareAndSet(false, true))
        {
            try
            {
                removeStale();
            }
            catch (final RuntimeException ex)
            {
                System.err.println("ringstack test-support: could not remove every stale leftover: " + ex);
            }
        }
        recordOwner();
        final String name = PREFIX + PID + "-" + COUNTER.getAndIncrement();
        claim(name);
        return NetworkNamespace.create(name);
    }

    /** The prefix of every name this JVM makes: {@code rs-PID-}. */
    public static String ownPrefix()
    {
        return PREFIX + PID + "-";
    }

    /**
     * Removes namespaces and root-namespace interfaces named {@code rs-PID-N...} whose owner is gone (see the
     * class comment), killing the processes still running inside such namespaces first. Safe to call from several
     * JVMs at once: a name another caller removed first is not an error.
     */
    public static synchronized StaleReport removeStale()
    {
        Tools.requireRoot();
        final List<String> namespaces = new ArrayList<>();
        final List<String> interfaces = new ArrayList<>();
        final List<Long> killed = new ArrayList<>();
        final List<RuntimeException> failures = new ArrayList<>();
        for (final String namespace : namespaces())
        {
            final Matcher ours = OURS.matcher(namespace);
            if (!ours.matches() || ours.group(3) != null)
            {
                continue;
            }
            if (ownerAlive(Long.parseLong(ours.group(1)), namespace))
            {
                continue;
            }
            try
            {
                killed.addAll(killProcessesIn(namespace));
                if (deleteNamespace(namespace))
                {
                    namespaces.add(namespace);
                }
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
            }
        }
        for (final String name : interfaces())
        {
            final Matcher ours = OURS.matcher(name);
            if (!ours.matches() || ownerAlive(Long.parseLong(ours.group(1)), name))
            {
                continue;
            }
            try
            {
                if (deleteInterface(name))
                {
                    interfaces.add(name);
                }
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
            }
        }
        forgetDeadOwners();
        if (!failures.isEmpty())
        {
            final IllegalStateException problem = new IllegalStateException("could not remove every stale leftover " +
                "(removed namespaces " + namespaces + ", interfaces " + interfaces + "): " +
                failures.get(0).getMessage());
            failures.forEach(problem::addSuppressed);
            throw problem;
        }
        return new StaleReport(namespaces, interfaces, killed);
    }

    /** Every named network namespace, as {@code ip netns list} shows them. */
    public static List<String> namespaces()
    {
        final List<String> names = new ArrayList<>();
        for (final String line : ip("netns", "list").run().stdoutLines())
        {
            // "rs-4711-0 (id: 3)" or just "rs-4711-0"
            final String trimmed = line.trim();
            if (!trimmed.isEmpty())
            {
                names.add(trimmed.split("\\s+")[0]);
            }
        }
        return names;
    }

    /** Every interface of the root namespace, as {@code ip -o link show} names them (without "@peer"). */
    public static List<String> interfaces()
    {
        return parseLinkNames(ip("-o", "link", "show").run().stdout());
    }

    public static boolean namespaceExists(final String name)
    {
        return namespaces().contains(name);
    }

    public static boolean interfaceExists(final String name)
    {
        validateInterfaceName(name);
        return ip("link", "show", "dev", name).runAllowingFailure().succeeded();
    }

    /** The interface's MAC address in lower case, e.g. {@code 52:54:00:12:34:56}. */
    public static String macAddress(final String iface)
    {
        return parseMac(iface, ip("-o", "link", "show", "dev", iface).run().stdout());
    }

    /**
     * Adds an IPv4 address to a root-namespace interface and lets the root kernel answer ARP on it again. For the
     * harness's self-test; ringstack's tests keep the root kernel off the wire (no address on the host end).
     */
    public static void addAddress(final String iface, final String cidr)
    {
        validateCidr(cidr);
        ip("addr", "add", cidr, "dev", iface).run();
        ip("link", "set", "dev", iface, "arp", "on").run();
    }

    public static void setMtu(final String iface, final int mtu)
    {
        ip("link", "set", "dev", iface, "mtu", Integer.toString(mtu)).run();
    }

    /** Writes {@code /proc/sys/<key>} in the root namespace, e.g. {@code sysctl("net/ipv4/conf/x/arp_ignore", "1")}. */
    public static void sysctl(final String key, final String value)
    {
        final Path file = Path.of("/proc/sys", key);
        try
        {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot write '" + value + "' to " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** {@code net.ipv6.conf.IFACE.disable_ipv6=1}; nothing to do on a kernel without IPv6. */
    public static void disableIpv6(final String iface)
    {
        if (Files.isDirectory(Path.of("/proc/sys/net/ipv6/conf", iface)))
        {
            sysctl("net/ipv6/conf/" + iface + "/disable_ipv6", "1");
        }
    }

    /**
     * Turns off checksum, segmentation, receive and VLAN offloads with ethtool, so frames on the wire carry full
     * checksums, fit the MTU, and keep their VLAN tags inline. Returns false (and changes nothing) when ethtool is
     * not installed; throws when ethtool refuses.
     */
    public static boolean disableOffloads(final String iface)
    {
        if (!Tools.has("ethtool"))
        {
            return false;
        }
        ethtoolOffloadsOff(iface).run();
        return true;
    }

    static Command ethtoolOffloadsOff(final String iface)
    {
        final List<String> argv = new ArrayList<>(List.of("ethtool", "-K", iface));
        argv.addAll(Arrays.asList(ETHTOOL_FEATURES_OFF.split(" ")));
        return Command.of(argv).timeout(IP_TIMEOUT);
    }

    static Command ip(final String... args)
    {
        final List<String> argv = new ArrayList<>(args.length + 1);
        argv.add("ip");
        argv.addAll(Arrays.asList(args));
        return Command.of(argv).timeout(IP_TIMEOUT);
    }

    static void claim(final String name)
    {
        OWN_NAMES.add(name);
    }

    static void release(final String name)
    {
        OWN_NAMES.remove(name);
    }

    /** Kills every process inside the namespace (SIGKILL) and returns their PIDs. */
    static List<Long> killProcessesIn(final String namespace)
    {
        final CommandResult pids = ip("netns", "pids", namespace).runAllowingFailure();
        if (!pids.succeeded())
        {
            return List.of(); // gone already, or never made
        }
        final List<Long> found = new ArrayList<>();
        for (final String line : pids.stdoutLines())
        {
            final String trimmed = line.trim();
            if (!trimmed.isEmpty())
            {
                found.add(Long.parseLong(trimmed));
            }
        }
        ProcessTree.killNow(found);
        return found;
    }

    /** Deletes a namespace; returns false when it was gone already. */
    static boolean deleteNamespace(final String namespace)
    {
        final CommandResult result = ip("netns", "delete", namespace).runAllowingFailure();
        if (result.succeeded())
        {
            return true;
        }
        if (!namespaceExists(namespace))
        {
            return false; // someone else removed it first
        }
        throw new CommandFailedException(result, false, IP_TIMEOUT);
    }

    /** Deletes a root-namespace interface; returns false when it was gone already. */
    static boolean deleteInterface(final String name)
    {
        final CommandResult result = ip("link", "delete", "dev", name).runAllowingFailure();
        if (result.succeeded())
        {
            return true;
        }
        if (!interfaceExists(name))
        {
            return false;
        }
        throw new CommandFailedException(result, false, IP_TIMEOUT);
    }

    /** Waits until none of {@code names} is an interface of the root namespace; throws after a few seconds. */
    static void awaitInterfacesGone(final List<String> names)
    {
        if (names.isEmpty())
        {
            return;
        }
        final long deadline = System.nanoTime() + VANISH_TIMEOUT.toNanos();
        List<String> left = names;
        while (true)
        {
            final List<String> present = interfaces();
            left = left.stream().filter(present::contains).toList();
            if (left.isEmpty())
            {
                return;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new IllegalStateException("interfaces " + left + " still exist " +
                    CommandFailedException.seconds(VANISH_TIMEOUT) + " after their namespace was deleted");
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + left + " to go", ex);
            }
        }
    }

    static boolean ownerAlive(final long pid, final String name)
    {
        if (pid == PID)
        {
            return OWN_NAMES.contains(name);
        }
        final Optional<String> started = startTicks(pid);
        if (started.isEmpty())
        {
            return false; // no such process
        }
        final Optional<String> recorded = recordedOwner(pid);
        return recorded.isEmpty() || recorded.equals(started);
    }

    /**
     * Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. Unlike a wall-clock time it
     * never moves, so equal values mean the same process. Empty when there is no such process.
     */
    static Optional<String> startTicks(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                StandardCharsets.US_ASCII);
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return fields.length > 19 ? Optional.of(fields[19]) : Optional.empty();
        }
        catch (final IOException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    static Optional<String> recordedOwner(final long pid)
    {
        try
        {
            return Optional.of(Files.readString(OWNERS_DIR.resolve(Long.toString(pid)), StandardCharsets.US_ASCII)
                .trim());
        }
        catch (final IOException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    /** Writes this JVM's start time under its PID, before it makes its first name. */
    static void recordOwner()
    {
        synchronized (OWNER_RECORDED)
        {
            if (OWNER_RECORDED.get())
            {
                return;
            }
            final String ticks = startTicks(PID).orElseThrow(() -> new IllegalStateException(
                "cannot read this JVM's start time from /proc/" + PID + "/stat"));
            try
            {
                Files.createDirectories(OWNERS_DIR);
                final Path temporary = Files.createTempFile(OWNERS_DIR, PID + "-", ".tmp");
                Files.writeString(temporary, ticks + "\n", StandardCharsets.US_ASCII);
                Files.move(temporary, OWNERS_DIR.resolve(Long.toString(PID)), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot record this JVM as the owner of its namespaces in " +
                    OWNERS_DIR + ": " + ex.getMessage(), ex);
            }
            OWNER_RECORDED.set(true);
        }
    }

    /**
     * At exit, when everything this JVM made is gone: its record is no longer needed. (Were something left, the
     * record would let a later run tell a reused PID from this JVM, so it stays.)
     */
    static void forgetOwnRecord()
    {
        synchronized (OWNER_RECORDED)
        {
            if (OWNER_RECORDED.get() && OWN_NAMES.isEmpty())
            {
                try
                {
                    Files.deleteIfExists(OWNERS_DIR.resolve(Long.toString(PID)));
                }
                catch (final IOException ignored)
                {
                    // a later removeStale() forgets it
                }
            }
        }
    }

    /**
     * Deletes the records of owners that are gone. A JVM that reuses such a PID and writes its own record between
     * the check and the delete loses it, and its names then count as alive by PID alone: safe.
     */
    private static void forgetDeadOwners()
    {
        final List<Path> records;
        try (Stream<Path> listing = Files.list(OWNERS_DIR))
        {
            records = listing.toList();
        }
        catch (final IOException | RuntimeException ex)
        {
            return; // no records yet
        }
        for (final Path record : records)
        {
            final String file = record.getFileName().toString();
            if (file.isEmpty() || !file.chars().allMatch(Character::isDigit))
            {
                continue; // a record being written
            }
            final long pid = Long.parseLong(file);
            final Optional<String> started = startTicks(pid);
            if (pid != PID && (started.isEmpty() || !started.equals(recordedOwner(pid))))
            {
                try
                {
                    Files.deleteIfExists(record);
                }
                catch (final IOException ignored)
                {
                    // another JVM tidied it first
                }
            }
        }
    }

    static List<String> parseLinkNames(final String ipOneLineLinkOutput)
    {
        final List<String> names = new ArrayList<>();
        for (final String line : ipOneLineLinkOutput.lines().toList())
        {
            // "9: rs-4711-0h@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ..."
            final String[] fields = line.split(": ", 3);
            if (fields.length < 3)
            {
                continue;
            }
            final int at = fields[1].indexOf('@');
            names.add(at < 0 ? fields[1] : fields[1].substring(0, at));
        }
        return names;
    }

    static String parseMac(final String iface, final String ipOneLineLinkOutput)
    {
        final Matcher ether = ETHER.matcher(ipOneLineLinkOutput);
        if (!ether.find())
        {
            throw new IllegalStateException("'" + iface + "' has no Ethernet address (a TUN instead of a TAP?): " +
                ipOneLineLinkOutput.strip());
        }
        return ether.group(1).toLowerCase(java.util.Locale.ROOT);
    }

    static String validateInterfaceName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_INTERFACE_NAME || ".".equals(name) ||
            "..".equals(name) || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':'))
        {
            throw new IllegalArgumentException("'" + name + "' is not a Linux interface name: 1 to " +
                MAX_INTERFACE_NAME + " printable characters without '/', ':' or spaces");
        }
        return name;
    }

    static String validateCidr(final String cidr)
    {
        final Matcher matcher = cidr == null ? null : CIDR.matcher(cidr);
        boolean valid = matcher != null && matcher.matches() && Integer.parseInt(matcher.group(5)) <= 32;
        for (int i = 1; valid && i <= 4; i++)
        {
            valid = Integer.parseInt(matcher.group(i)) <= 255;
        }
        if (!valid)
        {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 address with a prefix length: write " +
                "e.g. 198.18.0.2/24");
        }
        return cidr;
    }
}
