package io.ringstack.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.ringstack.testsupport.NetworkNamespaceTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** removeStale() removes what dead runs left, and only that, also with two JVMs at it at once. */
@RequiresRoot
@Timeout(180)
final class StaleCleanupTest
{
    private static final Duration JVM_START = Duration.ofSeconds(60);

    @Test
    void leftoversOfAJvmKilledWithSigkillAreRemoved() throws Exception
    {
        try (NetworkNamespace mine = LinuxNetwork.createNamespace())
        {
            final String[] ready;
            try (BackgroundProcess child = ChildJvm.command("orphan").start())
            {
                child.awaitOutput("READY", JVM_START);
                ready = child.stdout().lines().filter(line -> line.startsWith("READY ")).findFirst().orElseThrow()
                    .split(" ");
                ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
                assertEquals(137, child.waitFor(Duration.ofSeconds(10)));
            }
            final String orphanNamespace = ready[1];
            final String orphanHostEnd = ready[2];
            final long orphanSleeper = Long.parseLong(ready[3]);
            assertTrue(LinuxNetwork.namespaceExists(orphanNamespace), "the killed JVM left its namespace");
            assertTrue(LinuxNetwork.interfaceExists(orphanHostEnd), "and its veth");
            assertTrue(ProcessHandle.of(orphanSleeper).map(ProcessHandle::isAlive).orElse(false), "and its process");

            final LinuxNetwork.StaleReport report = LinuxNetwork.removeStale();
            assertTrue(report.namespaces().contains(orphanNamespace), report.toString());
            assertTrue(report.killedPids().contains(orphanSleeper), report.toString());
            assertFalse(LinuxNetwork.namespaceExists(orphanNamespace));
            assertTrue(waitUntil(() -> !LinuxNetwork.interfaceExists(orphanHostEnd)), orphanHostEnd + " is gone");
            CommandTest.assertGone(orphanSleeper);
            assertTrue(LinuxNetwork.namespaceExists(mine.name()), "a live run's namespace stays");
        }
        NetworkNamespaceTest.assertNoLeftovers();
    }

    @Test
    void namespaceAndInterfacesNamedAfterADeadPidAreRemoved() throws Exception
    {
        final long dead = deadPid();
        final String namespace = LinuxNetwork.PREFIX + dead + "-0";
        final String first = namespace + "a";
        final String second = namespace + "b";
        LinuxNetwork.ip("netns", "add", namespace).run();
        LinuxNetwork.ip("link", "add", first, "type", "veth", "peer", "name", second).run();
        final BackgroundProcess inside = Command.of("ip", "netns", "exec", namespace, "sleep", "300").start();
        try (inside)
        {
            assertTrue(waitUntil(() -> LinuxNetwork.ip("netns", "pids", namespace).run().stdout().contains(
                Long.toString(inside.pid()))));

            final LinuxNetwork.StaleReport report = LinuxNetwork.removeStale();
            assertTrue(report.namespaces().contains(namespace), report.toString());
            assertTrue(report.interfaces().contains(first) || report.interfaces().contains(second), report.toString());
            assertTrue(report.killedPids().contains(inside.pid()), report.toString());
            assertFalse(LinuxNetwork.namespaceExists(namespace));
            assertFalse(LinuxNetwork.interfaceExists(first));
            assertFalse(LinuxNetwork.interfaceExists(second));
            assertEquals(137, inside.waitFor(Duration.ofSeconds(10)), "killed with SIGKILL");
        }
    }

    @Test
    void ownPidLeftoverOfAnEarlierRunIsRemovedButThisRunsNamespacesStay()
    {
        try (NetworkNamespace live = LinuxNetwork.createNamespace())
        {
            final String earlier = LinuxNetwork.ownPrefix() + "999999";
            LinuxNetwork.ip("netns", "add", earlier).run();

            final LinuxNetwork.StaleReport report = LinuxNetwork.removeStale();
            assertTrue(report.namespaces().contains(earlier), report.toString());
            assertFalse(report.namespaces().contains(live.name()), report.toString());
            assertFalse(LinuxNetwork.namespaceExists(earlier));
            assertTrue(LinuxNetwork.namespaceExists(live.name()));
        }
    }

    @Test
    void namesOfAPidNowHeldByAnotherProcessAreRemovedAndLiveOwnersKept() throws Exception
    {
        try (BackgroundProcess reusing = Command.of("sleep", "300").start();
             BackgroundProcess owning = Command.of("sleep", "300").start())
        {
            // as if a JVM with reusing's PID had made a namespace and died: its record holds another start time
            final String reused = LinuxNetwork.PREFIX + reusing.pid() + "-0";
            // as if the live process `owning` had made one: its record matches
            final String owned = LinuxNetwork.PREFIX + owning.pid() + "-0";
            // made by other means: a live PID (init) without a record counts as alive
            final String unrecorded = LinuxNetwork.PREFIX + "1-0";
            final Path reusedRecord = LinuxNetwork.OWNERS_DIR.resolve(Long.toString(reusing.pid()));
            final Path ownedRecord = LinuxNetwork.OWNERS_DIR.resolve(Long.toString(owning.pid()));
            try
            {
                Files.createDirectories(LinuxNetwork.OWNERS_DIR);
                Files.writeString(reusedRecord, "1\n");
                Files.writeString(ownedRecord, LinuxNetwork.startTicks(owning.pid()).orElseThrow() + "\n");
                Files.deleteIfExists(LinuxNetwork.OWNERS_DIR.resolve("1"));
                for (final String name : List.of(reused, owned, unrecorded))
                {
                    LinuxNetwork.ip("netns", "add", name).run();
                }

                final LinuxNetwork.StaleReport report = LinuxNetwork.removeStale();
                assertTrue(report.namespaces().contains(reused), report.toString());
                assertFalse(report.namespaces().contains(owned), report.toString());
                assertFalse(report.namespaces().contains(unrecorded), report.toString());
                assertFalse(LinuxNetwork.namespaceExists(reused));
                assertTrue(LinuxNetwork.namespaceExists(owned));
                assertTrue(LinuxNetwork.namespaceExists(unrecorded));
                assertTrue(reusing.isAlive(), "only processes inside the namespace are killed");
                assertFalse(Files.exists(reusedRecord), "the dead owner's record is forgotten");
                assertTrue(Files.exists(ownedRecord), "a live owner's record stays");
            }
            finally
            {
                for (final String name : List.of(reused, owned, unrecorded))
                {
                    LinuxNetwork.ip("netns", "delete", name).runAllowingFailure();
                }
                Files.deleteIfExists(reusedRecord);
                Files.deleteIfExists(ownedRecord);
            }
        }
    }

    @Test
    void twoJvmsRemovingLeftoversAtOnceBothSucceedAndSpareLiveNamespaces() throws Exception
    {
        try (NetworkNamespace live = LinuxNetwork.createNamespace())
        {
            final long dead = deadPid();
            final List<String> stale = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                stale.add(LinuxNetwork.PREFIX + dead + "-" + i);
                LinuxNetwork.ip("netns", "add", stale.get(i)).run();
            }
            final Path trigger = Files.createTempDirectory("ringstack-stale-").resolve("go");
            try (BackgroundProcess other = ChildJvm.command("remove-stale", trigger.toString()).start())
            {
                other.awaitOutput("WAITING", JVM_START);
                Files.createFile(trigger);
                final LinuxNetwork.StaleReport mine = LinuxNetwork.removeStale();
                assertEquals(0, other.waitFor(JVM_START), other.stderr());
                final String line = other.stdout().lines().filter(l -> l.startsWith("REMOVED")).findFirst()
                    .orElseThrow();
                final List<String> theirs = line.length() > "REMOVED ".length() ?
                    List.of(line.substring("REMOVED ".length()).split(",")) : List.of();

                final Set<String> together = new HashSet<>(mine.namespaces());
                together.retainAll(stale);
                final Set<String> theirsStale = new HashSet<>(theirs);
                theirsStale.retainAll(stale);
                final Set<String> both = new HashSet<>(together);
                both.retainAll(theirsStale);
                assertTrue(both.isEmpty(), "each namespace removed once, not " + both);
                together.addAll(theirsStale);
                assertEquals(new HashSet<>(stale), together, "mine " + mine.namespaces() + ", theirs " + theirs);
                assertFalse(theirs.contains(live.name()), "the other JVM spares a live JVM's namespace");
                assertTrue(LinuxNetwork.namespaceExists(live.name()));
                for (final String name : stale)
                {
                    assertFalse(LinuxNetwork.namespaceExists(name), name);
                }
            }
            finally
            {
                Files.deleteIfExists(trigger);
                Files.deleteIfExists(trigger.getParent());
            }
        }
    }

    /** The PID of a process that has exited and been reaped. */
    private static long deadPid() throws InterruptedException
    {
        final BackgroundProcess process = Command.of("true").start();
        assertEquals(0, process.waitFor(Duration.ofSeconds(10)));
        process.close();
        assertTrue(waitUntil(() -> ProcessHandle.of(process.pid()).isEmpty()), "pid " + process.pid() + " reaped");
        return process.pid();
    }
}
