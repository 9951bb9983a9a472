package io.ringstack.demo;

import io.ringstack.socket.NetStack;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.RequiresRoot;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --pcap}: what a frame costs, and what a file that cannot be written does to the run (nothing). */
class CaptureFileTest
{
    @Test
    void recordingAFrameAllocatesNothing(@TempDir final Path directory)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1514));
        frame.setMemory(0, 1514, (byte)0x5A);
        final CaptureFile capture = CaptureFile.open(directory.resolve("frames.pcap"));
        // this thread plays the stack thread: the driver calls the sink so, once per frame
        for (int i = 0; i < 20_000; i++)
        {
            capture.accept(frame, 0, 60 + (i % 1454));
        }
        // A per-frame allocation would show in every round, at least 16 B x 10,000; the JVM's own odd bytes (a
        // few hundred, now and then) in one at most: so at least one round allocates nothing, none a byte a frame.
        final long[] rounds = new long[5];
        for (int round = 0; round < rounds.length; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++)
            {
                capture.accept(frame, 0, 60 + (i % 1454));
            }
            rounds[round] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        final String seen = Arrays.toString(rounds);
        assertEquals(0, Arrays.stream(rounds).min().orElseThrow(), "bytes allocated in rounds of 10,000 frames: " +
            seen);
        assertTrue(Arrays.stream(rounds).allMatch(r -> r < 10_000), seen);
        try (NetStack.Pair hosts = DemoHosts.inProcessPair())
        {
            assertEquals("pcap: 70000 frames in " + directory.resolve("frames.pcap"), capture.close(hosts.b()),
                "detaching from a host it was not attached to is harmless");
        }
    }

    @Test
    void aFileThatCannotBeCreatedIsRefusedBeforeServing()
    {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, RingstackCommand.run(new String[] {"echo", "--inproc", "--messages", "10", "--pcap",
            "/dev/full"}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("ringstack echo: cannot write pcap file /dev/full: No space left on device\n",
            err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @RequiresRoot
    void aDiskThatFillsUpStopsTheCaptureNotTheServer(@TempDir final Path directory)
    {
        final Path small = directory.resolve("small");
        final CommandResult mount = Command.of("sh", "-c", "mkdir -p '" + small + "' && mount -t tmpfs -o size=64k " +
            "tmpfs '" + small + "'").runAllowingFailure();
        Assumptions.assumeTrue(mount.succeeded(), "cannot mount a small tmpfs: " + mount.stderr());
        try
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final Path pcap = small.resolve("full.pcap");
            assertEquals(0, RingstackCommand.run(new String[] {"echo", "--inproc", "--connections", "2", "--messages",
                "500", "--size", "200", "--pcap", pcap.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
            final List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("echoed 200,000 bytes")),
                String.join("\n", lines));
            final String last = lines.getLast();
            assertTrue(last.startsWith("pcap: ") && last.contains(" frames in " + pcap + "; the capture stopped " +
                "early: writing pcap record failed: No space left on device"), last);
            final long frames = Long.parseLong(last.split(" ")[1]);
            assertTrue(frames > 100 && frames < 1000, frames + " frames fit in 64 KiB");
        }
        finally
        {
            Command.of("umount", small.toString()).runAllowingFailure();
        }
    }
}
