package io.ringstack.bench.http;

import io.ringstack.demo.http.HttpServerConfig;
import io.ringstack.demo.http.HttpService;
import io.ringstack.socket.NetStack;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.Veth;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One server under test and the namespace its clients run in; {@link #close()} removes all of it (the namespace's
 * own shutdown hook does too, if the JVM is stopped first).
 * <pre>
 *  TAP:        ringstack 198.18.90.2  TAP fd ----------------------- tap (moved in)  198.18.90.1  | wrk, curl
 *  AF_PACKET:  ringstack 198.18.91.2  AF_PACKET on veth root end ==== veth eth0       198.18.91.1  | wrk, curl
 *              (root end: no IP, ARP off: the root kernel stays off the wire)
 *  java.nio:   kernel 198.18.92.1 on the veth root end ============== veth eth0       198.18.92.2  | wrk, curl
 *              (Linux routes between the two ends as between two hosts; offloads as configured)
 *  root namespace (this JVM)                                         | namespace rs-PID-N
 * </pre>
 */
final class HttpTarget implements AutoCloseable
{
    /** Which server, over which wire. */
    enum Kind
    {
        TAP("tap", "ringstack", "TAP"),
        AF_PACKET("afpacket", "ringstack", "AF_PACKET on veth"),
        NIO("nio", "kernel, java.nio", "veth");

        final String option;
        final String server;
        final String wire;

        Kind(final String option, final String server, final String wire)
        {
            this.option = option;
            this.server = server;
            this.wire = wire;
        }
    }

    private final Kind kind;
    private final NetworkNamespace namespace;
    private final String baseUrl;
    private final List<AutoCloseable> resources;

    private HttpTarget(final Kind kind, final NetworkNamespace namespace, final String baseUrl,
        final List<AutoCloseable> resources)
    {
        this.kind = kind;
        this.namespace = namespace;
        this.baseUrl = baseUrl;
        this.resources = resources;
    }

    /**
     * Sets up {@code kind} with its server listening on {@code port}; for {@link Kind#NIO}, {@code nioOffloads}
     * false turns off the veth's checksum and segmentation offloads (as the AF_PACKET veth has them off).
     */
    static HttpTarget open(final Kind kind, final int port, final boolean nioOffloads, final int mtu)
        throws Exception
    {
        final List<AutoCloseable> resources = new ArrayList<>();
        final NetworkNamespace namespace = LinuxNetwork.createNamespace();
        try
        {
            final String address;
            switch (kind)
            {
                case TAP ->
                {
                    address = "198.18.90.2";
                    final String tap = namespace.interfaceName("t");
                    final NetStack host = NetStack.builder("http-tap").mac(0x0252_5300_0090L)
                        .address(address + "/24").mtu(mtu).tap(tap, null).start();
                    resources.add(host);
                    namespace.adoptInterface(tap, "198.18.90.1/24");
                    namespace.exec("ip", "link", "set", "dev", tap, "mtu", Integer.toString(mtu));
                    resources.add(HttpService.start(host, port, HttpServerConfig.defaults()));
                }
                case AF_PACKET ->
                {
                    address = "198.18.91.2";
                    final Veth veth = namespace.withVeth("198.18.91.1/24"); // root end: no IP, ARP off
                    Command.of("ip", "link", "set", "dev", veth.hostEnd(), "mtu", Integer.toString(mtu)).run();
                    namespace.exec("ip", "link", "set", "dev", veth.nsEnd(), "mtu", Integer.toString(mtu));
                    final NetStack host = NetStack.builder("http-afpacket").mac(0x0252_5300_0091L)
                        .address(address + "/24").mtu(mtu).afPacket(veth.hostEnd()).start();
                    resources.add(host);
                    resources.add(HttpService.start(host, port, HttpServerConfig.defaults()));
                }
                default ->
                {
                    address = "198.18.92.1";
                    final String rootEnd = kernelVeth(namespace, address, "198.18.92.2/24", nioOffloads);
                    Command.of("ip", "link", "set", "dev", rootEnd, "mtu", Integer.toString(mtu)).run();
                    namespace.exec("ip", "link", "set", "dev", "eth0", "mtu", Integer.toString(mtu));
                    resources.add(() -> Command.of("ip", "link", "delete", "dev", rootEnd).runAllowingFailure());
                    resources.add(KernelHttpServer.start(new InetSocketAddress(address, port), "kernel-http-nio"));
                }
            }
            return new HttpTarget(kind, namespace, "http://" + address + ":" + port, resources);
        }
        catch (final Exception | Error ex)
        {
            new HttpTarget(kind, namespace, null, resources).closeAll(ex);
            throw ex;
        }
    }

    /**
     * A veth pair for two kernel hosts: the root end (a name this run owns) gets {@code rootAddress}/24, the other
     * end is {@code eth0} in the namespace with {@code nsCidr}; IPv6 off on both (no router solicitations).
     */
    private static String kernelVeth(final NetworkNamespace namespace, final String rootAddress, final String nsCidr,
        final boolean offloads)
    {
        final String rootEnd = namespace.interfaceName("k");
        Command.of("ip", "link", "add", rootEnd, "type", "veth", "peer", "name", "eth0", "netns", namespace.name())
            .run();
        LinuxNetwork.disableIpv6(rootEnd);
        namespace.disableIpv6("eth0");
        if (!offloads)
        {
            LinuxNetwork.disableOffloads(rootEnd);
            namespace.disableOffloads("eth0");
        }
        LinuxNetwork.addAddress(rootEnd, rootAddress + "/24");
        Command.of("ip", "link", "set", "dev", rootEnd, "up").run();
        namespace.exec("ip", "addr", "add", nsCidr, "dev", "eth0");
        namespace.exec("ip", "link", "set", "dev", "eth0", "up");
        return rootEnd;
    }

    Kind kind()
    {
        return kind;
    }

    NetworkNamespace namespace()
    {
        return namespace;
    }

    /** {@code http://ADDRESS:PORT}, as the clients in the namespace reach the server. */
    String baseUrl()
    {
        return baseUrl;
    }

    /** Stops the server and its stack, removes the interfaces and the namespace (with every process inside). */
    @Override
    public void close()
    {
        closeAll(null);
    }

    private synchronized void closeAll(final Throwable cause)
    {
        RuntimeException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            try
            {
                resources.get(i).close();
            }
            catch (final Exception ex)
            {
                if (cause != null)
                {
                    cause.addSuppressed(ex);
                }
                else if (failure == null)
                {
                    failure = new IllegalStateException("closing " + kind + " failed: " + ex, ex);
                }
            }
        }
        resources.clear();
        try
        {
            namespace.close();
        }
        catch (final RuntimeException ex)
        {
            if (cause != null)
            {
                cause.addSuppressed(ex);
            }
            else if (failure == null)
            {
                failure = ex;
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }
}
