package io.ringstack.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A Linux network namespace holding the kernel peer of a ringstack test, made by
 * {@link LinuxNetwork#createNamespace()}. Two layouts connect it to ringstack:
 * <pre>
 *  AF_PACKET on a veth pair: withVeth(...)       TAP: adoptInterface(tap, cidr)
 *
 *   root namespace      |  rs-PID-N              root namespace       |  rs-PID-N
 *   ringstack           |  Linux peer            ringstack            |  Linux peer
 *   AF_PACKET socket    |                        TAP fd (/dev/net/tun)|
 *        |              |                              |              |
 *     hostEnd ====== veth ====== nsEnd                 +---------- tap interface
 *   (up, no IP)         |  (nsCidr, up)                 (moved here) |  (cidr, up)
 * </pre>
 * Commands run inside with {@link #exec(String...)} ({@code ip netns exec NAME ...}); background programs with
 * {@link #startInNamespace(String...)}. {@link #close()} kills every process in the namespace, deletes the veth
 * pairs it made, the interfaces it adopted and the namespace, and waits until they are gone.
 * A shutdown hook closes namespaces a test forgot; {@link LinuxNetwork#removeStale()} those of killed JVMs.
 */
public final class NetworkNamespace implements AutoCloseable
{
    private static final Pattern SUFFIX = Pattern.compile("[a-z][a-z0-9]*");
    private static final double PING_INTERVAL_SECONDS = 0.2;

    private final String name;
    private final List<String> hostEnds = Collections.synchronizedList(new ArrayList<>());
    private final List<String> adopted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> handedOut = Collections.synchronizedList(new ArrayList<>());
    private final List<BackgroundProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean closed = new AtomicBoolean();
    private int veths;

    private NetworkNamespace(final String name)
    {
        this.name = name;
    }

    static NetworkNamespace create(final String name)
    {
        final NetworkNamespace namespace = new NetworkNamespace(name);
        Cleanup.register(namespace);
        try
        {
            LinuxNetwork.ip("netns", "add", name).run();
            LinuxNetwork.ip("-n", name, "link", "set", "dev", "lo", "up").run();
            return namespace;
        }
        catch (final RuntimeException ex)
        {
            try
            {
                namespace.close();
            }
            catch (final RuntimeException again)
            {
                ex.addSuppressed(again);
            }
            throw ex;
        }
    }

    /** The namespace's name, {@code rs-PID-N}: what {@code ip netns} and {@code ip -n} take. */
    public String name()
    {
        return name;
    }

    /**
     * An interface name this run owns: the namespace's name and {@code suffix} (a lower-case letter, then letters
     * or digits), e.g. {@code rs-4711-0t}. Name the TAP device you create with it, so that
     * {@link LinuxNetwork#removeStale()} recognises it if the JVM dies. Throws when the result exceeds 15
     * characters.
     */
    public String interfaceName(final String suffix)
    {
        if (!SUFFIX.matcher(suffix).matches())
        {
            throw new IllegalArgumentException("interface suffix '" + suffix + "' must be a lower-case letter " +
                "followed by lower-case letters or digits");
        }
        final String interfaceName = name + suffix;
        if (interfaceName.length() > LinuxNetwork.MAX_INTERFACE_NAME)
        {
            throw new IllegalArgumentException("'" + interfaceName + "' has " + interfaceName.length() +
                " characters; Linux allows " + LinuxNetwork.MAX_INTERFACE_NAME + ": use a shorter suffix than '" +
                suffix + "'");
        }
        LinuxNetwork.claim(interfaceName);
        handedOut.add(interfaceName);
        return interfaceName;
    }

    /**
     * A veth pair for an AF_PACKET socket: the host end gets {@link #interfaceName(String)} ("h", "h1", ...), the
     * namespace end is {@code eth0} ({@code eth1}, ...). See {@link #withVeth(String, String, String)}.
     */
    public Veth withVeth(final String nsCidr)
    {
        final int index;
        synchronized (this)
        {
            index = veths;
        }
        final String suffix = index == 0 ? "" : Integer.toString(index);
        return withVeth(interfaceName("h" + suffix), "eth" + index, nsCidr);
    }

    /**
     * Makes a veth pair: {@code hostEndName} stays in the root namespace, up, without an address, for ringstack's
     * AF_PACKET socket; {@code nsEndName} is made inside this namespace with {@code nsCidr} (e.g.
     * {@code 198.18.0.2/24}), up. IPv6 is disabled on both ends (no router solicitations or MLD in the capture),
     * offloads are turned off on both when ethtool is there ({@link Veth#offloadsDisabled()}), and the root kernel
     * is kept off the host end: ARP off and IPv4 forwarding off on it, so it neither answers the peer's ARP for
     * the root's own addresses nor routes the peer's packets anywhere.
     */
    public Veth withVeth(final String hostEndName, final String nsEndName, final String nsCidr)
    {
        checkOpen();
        LinuxNetwork.validateInterfaceName(hostEndName);
        LinuxNetwork.validateInterfaceName(nsEndName);
        LinuxNetwork.validateCidr(nsCidr);
        if (LinuxNetwork.interfaceExists(hostEndName))
        {
            throw new IllegalStateException("an interface named '" + hostEndName + "' exists already in the root " +
                "namespace: pick another name (interfaceName(suffix) gives one this run owns)");
        }
        synchronized (this)
        {
            veths++;
        }
        LinuxNetwork.claim(hostEndName);
        hostEnds.add(hostEndName);
        LinuxNetwork.ip("link", "add", hostEndName, "type", "veth", "peer", "name", nsEndName, "netns", name).run();

        LinuxNetwork.disableIpv6(hostEndName);
        disableIpv6(nsEndName);
        LinuxNetwork.sysctl("net/ipv4/conf/" + hostEndName + "/forwarding", "0");
        LinuxNetwork.ip("link", "set", "dev", hostEndName, "arp", "off").run();
        final boolean hostOffloads = LinuxNetwork.disableOffloads(hostEndName);
        final boolean nsOffloads = disableOffloads(nsEndName);

        LinuxNetwork.ip("-n", name, "addr", "add", nsCidr, "dev", nsEndName).run();
        LinuxNetwork.ip("-n", name, "link", "set", "dev", nsEndName, "up").run();
        LinuxNetwork.ip("link", "set", "dev", hostEndName, "up").run();
        return new Veth(hostEndName, nsEndName, nsCidr, LinuxNetwork.macAddress(hostEndName), macAddress(nsEndName),
            hostOffloads && nsOffloads);
    }

    /**
     * Moves an interface of the root namespace (the TAP device ringstack created and holds open) into this
     * namespace, with IPv6 disabled, {@code cidr} assigned and the link up: the kernel peer then talks to
     * ringstack through it. Returns the interface's MAC address, which is the kernel peer's. Deleting the
     * namespace destroys the interface; ringstack's descriptor then reads nothing more.
     */
    public String adoptInterface(final String interfaceName, final String cidr)
    {
        checkOpen();
        LinuxNetwork.validateInterfaceName(interfaceName);
        LinuxNetwork.validateCidr(cidr);
        if (!LinuxNetwork.interfaceExists(interfaceName))
        {
            throw new IllegalStateException("no interface '" + interfaceName + "' in the root namespace to move " +
                "into " + name + ": create the TAP device first (TUNSETIFF on /dev/net/tun, keeping the descriptor " +
                "open), then adopt it");
        }
        LinuxNetwork.claim(interfaceName);
        adopted.add(interfaceName);
        LinuxNetwork.ip("link", "set", "dev", interfaceName, "netns", name).run();
        disableIpv6(interfaceName);
        LinuxNetwork.ip("-n", name, "addr", "add", cidr, "dev", interfaceName).run();
        LinuxNetwork.ip("-n", name, "link", "set", "dev", interfaceName, "up").run();
        return macAddress(interfaceName);
    }

    /** {@code ip netns exec NAME argv...}, run to completion; throws {@link CommandFailedException} on failure. */
    public CommandResult exec(final String... argv)
    {
        return command(argv).run();
    }

    /**
     * The command {@code ip netns exec NAME argv...}, for a custom timeout, standard input or
     * {@link Command#runAllowingFailure()}. Throws at once, naming the Debian package, when the program is not
     * installed.
     */
    public Command command(final String... argv)
    {
        checkOpen();
        if (argv.length == 0)
        {
            throw new IllegalArgumentException("a command needs at least the program to run");
        }
        final String program = argv[0];
        final Optional<Path> resolved = Tools.which(program);
        if (resolved.isEmpty())
        {
            final String tool = Path.of(program).getFileName().toString();
            throw new CommandFailedException(Arrays.asList(argv), "'" + program + "' is not installed: " +
                Tools.missingReason(tool, null), null);
        }
        final String[] copy = argv.clone();
        copy[0] = resolved.get().toString();
        return Command.of(copy).prefixedWith(Tools.which("ip").map(Path::toString).orElse("ip"), "netns", "exec", name);
    }

    /** Starts {@code argv} inside the namespace in the background; {@link #close()} kills it if nobody did. */
    public BackgroundProcess startInNamespace(final String... argv)
    {
        return track(command(argv).start());
    }

    /** Starts a prepared {@link #command(String...)} in the background, tracked like {@link #startInNamespace}. */
    public BackgroundProcess start(final Command command)
    {
        checkOpen();
        return track(command.start());
    }

    /** The namespace's neighbour (ARP) cache, {@code ip neigh show}, keyed by address. */
    public Map<String, Neighbour> neighbours()
    {
        return Neighbour.parse(LinuxNetwork.ip("-n", name, "neigh", "show").run().stdout());
    }

    /**
     * Pings {@code address} from inside the namespace: {@code count} echo requests 0.2 s apart, waiting up to
     * {@code replyTimeout} for a reply after the last one. Unanswered pings are a result (received 0), not an
     * exception; a ping that cannot send at all (no route) throws with ping's message.
     */
    public PingResult ping(final String address, final int count, final Duration replyTimeout)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        final double waitSeconds = Math.max(0.001, replyTimeout.toNanos() / 1e9);
        final Duration processTimeout = Duration.ofMillis((long)(1000 * (count * PING_INTERVAL_SECONDS + waitSeconds)))
            .plusSeconds(10);
        final CommandResult result = command("ping", "-n", "-c", Integer.toString(count),
            "-i", String.format(Locale.ROOT, "%.1f", PING_INTERVAL_SECONDS),
            "-W", String.format(Locale.ROOT, "%.3f", waitSeconds), address)
            .timeout(processTimeout)
            .runAllowingFailure();
        // iputils: 0 = replies, 1 = no reply, 2 = other error
        if (result.exitCode() != 0 && result.exitCode() != 1)
        {
            throw new CommandFailedException(result, false, processTimeout);
        }
        return PingResult.parse(result.stdout());
    }

    public void setMtu(final String iface, final int mtu)
    {
        LinuxNetwork.ip("-n", name, "link", "set", "dev", iface, "mtu", Integer.toString(mtu)).run();
    }

    /** {@link LinuxNetwork#disableOffloads(String)} for an interface inside this namespace. */
    public boolean disableOffloads(final String iface)
    {
        if (!Tools.has("ethtool"))
        {
            return false;
        }
        command(LinuxNetwork.ethtoolOffloadsOff(iface).argv().toArray(new String[0])).run();
        return true;
    }

    /**
     * Writes {@code /proc/sys/<key>} inside this namespace, e.g.
     * {@code sysctl("net/ipv4/conf/eth0/arp_ignore", "1")}.
     */
    public void sysctl(final String key, final String value)
    {
        command("tee", "/proc/sys/" + key).input(value).timeout(LinuxNetwork.IP_TIMEOUT).run();
    }

    /** {@code net.ipv6.conf.IFACE.disable_ipv6=1} inside this namespace; nothing on a kernel without IPv6. */
    public void disableIpv6(final String iface)
    {
        if (java.nio.file.Files.isDirectory(Path.of("/proc/sys/net/ipv6")))
        {
            sysctl("net/ipv6/conf/" + iface + "/disable_ipv6", "1");
        }
    }

    public boolean interfaceExists(final String iface)
    {
        LinuxNetwork.validateInterfaceName(iface);
        return LinuxNetwork.ip("-n", name, "link", "show", "dev", iface).runAllowingFailure().succeeded();
    }

    /** The MAC address of an interface inside this namespace, lower case. */
    public String macAddress(final String iface)
    {
        return LinuxNetwork.parseMac(iface, LinuxNetwork.ip("-n", name, "-o", "link", "show", "dev", iface).run()
            .stdout());
    }

    /** PIDs of the processes running inside this namespace ({@code ip netns pids}). */
    public List<Long> pids()
    {
        final List<Long> pids = new ArrayList<>();
        for (final String line : LinuxNetwork.ip("netns", "pids", name).run().stdoutLines())
        {
            if (!line.isBlank())
            {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Ends the background processes started here (SIGTERM, then SIGKILL), kills any other process left inside,
     * deletes the veth pairs made here and the namespace, and waits until their interfaces are gone. Idempotent;
     * throws after doing all it can when something could not be removed.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        final List<RuntimeException> failures = new ArrayList<>();
        try
        {
            final List<BackgroundProcess> started;
            synchronized (processes)
            {
                started = new ArrayList<>(processes);
            }
            Collections.reverse(started);
            for (final BackgroundProcess process : started)
            {
                attempt(failures, process::close);
            }
            attempt(failures, () -> LinuxNetwork.killProcessesIn(name));
            final List<String> ends;
            synchronized (hostEnds)
            {
                ends = new ArrayList<>(hostEnds);
            }
            for (final String end : ends)
            {
                attempt(failures, () -> LinuxNetwork.deleteInterface(end));
            }
            final List<String> moved;
            synchronized (adopted)
            {
                moved = new ArrayList<>(adopted);
            }
            for (final String iface : moved)
            {
                // now rather than in the kernel's deferred namespace cleanup, so the name is free when close returns
                attempt(failures, () -> deleteAdopted(iface));
            }
            attempt(failures, () -> LinuxNetwork.deleteNamespace(name));
            attempt(failures, () -> LinuxNetwork.awaitInterfacesGone(ends));
        }
        finally
        {
            Cleanup.unregister(this);
            LinuxNetwork.release(name);
            synchronized (hostEnds)
            {
                hostEnds.forEach(LinuxNetwork::release);
            }
            synchronized (handedOut)
            {
                handedOut.forEach(LinuxNetwork::release);
            }
            synchronized (adopted)
            {
                adopted.forEach(LinuxNetwork::release);
            }
        }
        if (!failures.isEmpty())
        {
            final IllegalStateException problem = new IllegalStateException("closing namespace " + name +
                " left something behind: " + failures.get(0).getMessage());
            failures.forEach(problem::addSuppressed);
            throw problem;
        }
    }

    private void deleteAdopted(final String iface)
    {
        final CommandResult result = LinuxNetwork.ip("-n", name, "link", "delete", "dev", iface).runAllowingFailure();
        if (!result.succeeded() && interfaceExists(iface))
        {
            throw new CommandFailedException(result, false, LinuxNetwork.IP_TIMEOUT);
        }
    }

    private BackgroundProcess track(final BackgroundProcess process)
    {
        processes.add(process);
        return process;
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException("namespace " + name + " is closed");
        }
    }

    private static void attempt(final List<RuntimeException> failures, final Runnable step)
    {
        try
        {
            step.run();
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
        }
    }

    @Override
    public String toString()
    {
        return "NetworkNamespace[" + name + "]";
    }
}
