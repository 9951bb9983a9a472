package io.ringstack.socket;

import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.RequiresRoot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a {@link NetStack} gives back everything it took, with connections open and application threads blocked
 * in it: its threads end, the threads blocked in its sockets are woken with an exception, the file descriptors
 * (the TAP device's) are closed, the TAP interface is gone, the native memory of its pools is freed, and closing
 * its sockets afterwards is harmless. Twenty starts and closes in a row show no growth.
 */
class NetStackCloseTest
{
    private static final int ROUNDS = 20;
    private static final long MIB = 1 << 20;

    /** Blocking peers need threads of their own (the common pool may have one worker on two cores). */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private static int openFileDescriptors()
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return (int)fds.count() - 1; // less the directory stream's own descriptor
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot list /proc/self/fd", ex);
        }
    }

    /** What the open descriptors point to, for a failure message. */
    private static String describeFileDescriptors()
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.map(fd ->
            {
                try
                {
                    return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
                }
                catch (final IOException ex)
                {
                    return fd.getFileName() + "->?";
                }
            }).sorted().toList().toString();
        }
        catch (final IOException ex)
        {
            return "cannot list /proc/self/fd: " + ex;
        }
    }

    /** VmRSS of this process, in bytes. */
    private static long residentBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS in /proc/self/status");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Waits up to 5 s for {@code value} to equal {@code expected} (a pipe of a finished process closes late). */
    private static int awaitValue(final IntSupplier value, final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int now = value.getAsInt();
        while (now != expected && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
            now = value.getAsInt();
        }
        return now;
    }

    private static List<String> threadsNamed(final String... names)
    {
        final List<String> alive = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            for (final String name : names)
            {
                if (thread.isAlive() && thread.getName().equals(name))
                {
                    alive.add(thread.getName() + " (" + thread.getState() + ")");
                }
            }
        }
        return alive;
    }

    /** What blocks in a host's sockets when it closes: an accept, a read, a UDP receive. */
    private List<CompletableFuture<Object>> blockIn(final TcpServerSocket server, final TcpSocket reader,
        final UdpSocket udp)
    {
        return List.of(
            CompletableFuture.supplyAsync(() -> call(() -> server.accept()), threads),
            CompletableFuture.supplyAsync(() -> call(() -> reader.getInputStream().read()), threads),
            CompletableFuture.supplyAsync(() -> call(() ->
            {
                udp.receive(new DatagramPacket(new byte[100], 100));
                return null;
            }), threads));
    }

    private interface Blocking
    {
        Object run() throws IOException;
    }

    /** The exception the blocked call ended with (the test wants one), or what it returned. */
    private static Object call(final Blocking blocking)
    {
        try
        {
            return blocking.run();
        }
        catch (final IOException ex)
        {
            return ex;
        }
    }

    private static void assertWokenWithIOException(final List<CompletableFuture<Object>> blocked, final String round)
        throws InterruptedException, ExecutionException
    {
        for (final CompletableFuture<Object> call : blocked)
        {
            try
            {
                final Object outcome = call.get(5, TimeUnit.SECONDS);
                assertInstanceOf(IOException.class, outcome, round + ": a call blocked in the closed host returned " +
                    outcome);
            }
            catch (final java.util.concurrent.TimeoutException ex)
            {
                throw new AssertionError(round + ": a thread is still blocked in a socket of the closed host", ex);
            }
        }
    }

    private static void assertReleased(final NetStack host, final String round)
    {
        assertTrue(host.isMemoryReleased(), round + ": the pools' native memory of " + host.name());
        assertEquals(0, host.outstandingBuffers(), round + ": buffers held in " + host.name());
    }

    /** Two in-memory hosts with connections open and threads blocked in them, closed and started again 20 times. */
    @Test
    void closingAnInMemoryPairReleasesThreadsMemoryAndBlockedCallers() throws Exception
    {
        // pipes of processes other tests ran close a little after those processes end
        final int fdsBefore = awaitStable(NetStackCloseTest::openFileDescriptors);
        long residentAfterWarmUp = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final String label = "round " + round;
            final NetStack.Pair pair = NetStack.inMemoryPair(
                NetStack.builder("close-a").mac(0x5254_0000_0E01L).address("10.0.0.1/24"),
                NetStack.builder("close-b").mac(0x5254_0000_0E02L).address("10.0.0.2/24"));
            final TcpServerSocket server = pair.b().listen(7, 16);
            final List<TcpSocket> clients = new ArrayList<>();
            final List<TcpSocket> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final TcpSocket client = pair.a().connect("10.0.0.2", 7, 5, TimeUnit.SECONDS);
                client.getOutputStream().write(new byte[10_000 * (i + 1)]); // some of it left unread
                clients.add(client);
                accepted.add(server.accept(5, TimeUnit.SECONDS));
            }
            assertEquals(10_000, accepted.get(0).getInputStream().readNBytes(10_000).length);
            final UdpSocket udp = pair.a().openUdp(5000);
            final List<CompletableFuture<Object>> blocked = blockIn(server, clients.get(0), udp);
            Thread.sleep(50); // let them block

            pair.close();

            assertWokenWithIOException(blocked, label);
            assertEquals(List.of(), threadsNamed("ringstack-close-a", "ringstack-close-b"), label);
            assertReleased(pair.a(), label);
            assertReleased(pair.b(), label);
            // closing sockets after their host is harmless
            clients.forEach(TcpSocket::close);
            accepted.forEach(TcpSocket::close);
            server.close();
            udp.close();
            if (round == 1)
            {
                System.gc();
                residentAfterWarmUp = residentBytes();
            }
        }
        System.gc();
        final long grown = residentBytes() - residentAfterWarmUp;
        System.out.printf("in-memory pair: resident memory grew %,d B over %d rounds after the second%n", grown,
            ROUNDS - 2);
        // each round's pools take 2 x 8 MiB and more: leaked, 18 rounds would add over 288 MiB
        assertTrue(grown < 128 * MIB, "resident memory grew by " + grown / MIB + " MiB over " + (ROUNDS - 2) +
            " rounds");
        assertEquals(fdsBefore, awaitValue(NetStackCloseTest::openFileDescriptors, fdsBefore),
            "file descriptors after " + ROUNDS + " rounds");
        threads.shutdownNow();
    }

    /**
     * A host on a TAP device with Linux's side in the root namespace (198.18.83.1): connections open both ways,
     * Linux's sockets still open, threads blocked in ringstack's sockets; closed and started again 20 times.
     */
    @Test
    @RequiresRoot
    void closingATapHostReleasesTheInterfaceDescriptorsThreadsAndMemory() throws Exception
    {
        try (NetworkNamespace naming = LinuxNetwork.createNamespace())
        {
            final String tap = naming.interfaceName("c"); // the same name each round: it must be free again
            final int fdsBefore = awaitStable(NetStackCloseTest::openFileDescriptors);
            String before = describeFileDescriptors();
            int baseline = fdsBefore;
            long residentAfterWarmUp = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                final String label = "round " + round;
                final NetStack host = NetStack.builder("close-tap").mac(0x0252_5300_0083L).address("198.18.83.2/24")
                    .tap(tap, "198.18.83.1/24").start();
                // (the pipes of the ip commands that gave Linux's side its address close as those end)
                final int hostFds = awaitStable(NetStackCloseTest::openFileDescriptors) - baseline;
                assertTrue(hostFds >= 1, label + ": the TAP's descriptor at least: " + hostFds);
                assertTrue(Files.exists(Path.of("/sys/class/net", tap)), label);

                final TcpServerSocket server = host.listen(7, 16);
                final List<Socket> linuxSockets = new ArrayList<>();
                final List<TcpSocket> accepted = new ArrayList<>();
                for (int i = 0; i < 3; i++)
                {
                    final Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("198.18.83.2", 7), 5000);
                    socket.getOutputStream().write(new byte[5000]);
                    linuxSockets.add(socket);
                    accepted.add(server.accept(5, TimeUnit.SECONDS));
                }
                final ServerSocket linuxServer = new ServerSocket();
                linuxServer.bind(new InetSocketAddress("198.18.83.1", 0));
                final TcpSocket outgoing = host.connect("198.18.83.1", linuxServer.getLocalPort(), 5, TimeUnit.SECONDS);
                final Socket linuxAccepted = linuxServer.accept();
                outgoing.getOutputStream().write(new byte[3000]);
                assertEquals(3000, linuxAccepted.getInputStream().readNBytes(3000).length, label);
                final UdpSocket udp = host.openUdp(5000);
                final List<CompletableFuture<Object>> blocked = blockIn(server, outgoing, udp);
                Thread.sleep(50);
                final int fdsOpen = awaitStable(NetStackCloseTest::openFileDescriptors);

                host.close();

                assertWokenWithIOException(blocked, label);
                assertEquals(List.of(), threadsNamed("ringstack-close-tap", "tap-rx-" + tap), label);
                assertReleased(host, label);
                assertEquals(fdsOpen - hostFds, awaitValue(NetStackCloseTest::openFileDescriptors, fdsOpen - hostFds),
                    label + ": the host's descriptors are closed (Linux's sockets still open): " +
                    describeFileDescriptors());
                assertFalse(Files.exists(Path.of("/sys/class/net", tap)), label + ": the TAP interface is gone");
                assertFalse(LinuxNetwork.interfaceExists(tap), label + ": ip link show " + tap);
                outgoing.close();
                accepted.forEach(TcpSocket::close);
                server.close();
                udp.close();
                for (final Socket socket : linuxSockets)
                {
                    socket.close();
                }
                linuxAccepted.close();
                linuxServer.close();
                if (round == 0)
                {
                    // the JDK opens a descriptor or two for good on its first sockets (e.g. its pre-close socket)
                    baseline = awaitStable(NetStackCloseTest::openFileDescriptors);
                    assertTrue(baseline - fdsBefore <= 2, describeFileDescriptors() + " against " + before);
                    before = describeFileDescriptors();
                }
                assertEquals(baseline, awaitValue(NetStackCloseTest::openFileDescriptors, baseline), label + ": " +
                    describeFileDescriptors() + " against " + before);
                if (round == 1)
                {
                    System.gc();
                    residentAfterWarmUp = residentBytes();
                }
            }
            System.gc();
            final long grown = residentBytes() - residentAfterWarmUp;
            System.out.printf("TAP host: resident memory grew %,d B over %d rounds after the second%n", grown,
                ROUNDS - 2);
            assertTrue(grown < 96 * MIB, "resident memory grew by " + grown / MIB + " MiB over " + (ROUNDS - 2) +
                " rounds (a leaked pool would add over 144 MiB)");
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    /** The value once it reads the same three times 20 ms apart. */
    private static int awaitStable(final IntSupplier value) throws InterruptedException
    {
        int last = value.getAsInt();
        int same = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (same < 3 && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            final int now = value.getAsInt();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }
}
