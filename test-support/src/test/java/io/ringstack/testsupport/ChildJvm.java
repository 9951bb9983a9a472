package io.ringstack.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A second JVM for {@link StaleCleanupTest}: {@code orphan} builds a namespace with a veth pair and a process inside,
 * says so, and waits to be killed with SIGKILL (no shutdown hook runs); {@code remove-stale FILE} waits for FILE to
 * appear, then calls {@link LinuxNetwork#removeStale()} and prints what it removed.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "orphan" ->
            {
                final NetworkNamespace ns = LinuxNetwork.createNamespace();
                final Veth veth = ns.withVeth("198.18.255.2/30");
                final BackgroundProcess sleeper = ns.startInNamespace("sleep", "300");
                System.out.println("READY " + ns.name() + " " + veth.hostEnd() + " " + sleeper.pid());
                System.out.flush();
                Thread.sleep(300_000);
            }
            case "remove-stale" ->
            {
                System.out.println("WAITING");
                System.out.flush();
                final Path trigger = Path.of(args[1]);
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (!Files.exists(trigger) && System.nanoTime() < deadline)
                {
                    Thread.onSpinWait();
                }
                final LinuxNetwork.StaleReport report = LinuxNetwork.removeStale();
                System.out.println("REMOVED " + String.join(",", report.namespaces()));
            }
            default -> throw new IllegalArgumentException("orphan | remove-stale FILE, not " + List.of(args));
        }
    }

    /** The command that runs this class's main in a new JVM with the same java and class path. */
    static Command command(final String... args)
    {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final List<String> argv = new java.util.ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), ChildJvm.class.getName()));
        argv.addAll(List.of(args));
        return Command.of(argv);
    }
}
