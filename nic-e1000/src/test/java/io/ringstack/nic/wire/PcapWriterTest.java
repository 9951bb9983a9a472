package io.ringstack.nic.wire;

import io.ringstack.nic.NicPair;
import io.ringstack.nic.e1000.MacAddress;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapHandle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The pcap writer's files, read back by two independent readers: pcap4j (libpcap) and tshark. */
class PcapWriterTest
{
    @TempDir
    Path dir;

    private Path capture(final int framesEachWay) throws IOException
    {
        final Path file = dir.resolve("wire.pcap");
        try (NicPair pair = new NicPair(64, 64, 256, 2048, FaultPlan.NONE, 1, SystemNanoClock.INSTANCE, file))
        {
            final TwoNicExchangeTest.Receiver atB = new TwoNicExchangeTest.Receiver(pair.b, framesEachWay);
            final TwoNicExchangeTest.Receiver atA = new TwoNicExchangeTest.Receiver(pair.a, framesEachWay);
            for (int i = 0; i < framesEachWay; i++)
            {
                TwoNicExchangeTest.sendFrame(pair.a, NicPair.MAC_B, NicPair.MAC_A, i, 60 + (i * 7) % 1455);
                TwoNicExchangeTest.sendFrame(pair.b, NicPair.MAC_A, NicPair.MAC_B, i, 60 + (i * 13) % 1455);
                atB.drain();
                atA.drain();
            }
        }
        return file;
    }

    @Test
    void pcap4jReadsEveryFrameBackByteForByte() throws Exception
    {
        final Path file = capture(50);
        final PcapHandle handle = io.ringstack.nic.Libpcap.openOfflineOrSkip(file);
        try
        {
            int count = 0;
            long previousNanos = 0;
            byte[] data;
            while ((data = handle.getNextRawPacket()) != null)
            {
                final int i = count / 2;
                final boolean fromA = count % 2 == 0;
                final int expectedLength = fromA ? 60 + (i * 7) % 1455 : 60 + (i * 13) % 1455;
                assertEquals(expectedLength, data.length, "frame " + count);
                final long destination = MacAddress.read(new org.agrona.concurrent.UnsafeBuffer(data), 0);
                assertEquals(fromA ? NicPair.MAC_B : NicPair.MAC_A, destination, "frame " + count);
                final long nanos = handle.getTimestamp().getTime() * 1_000_000L + handle.getTimestamp().getNanos() % 1_000_000;
                assertTrue(nanos >= previousNanos, "timestamps do not go backwards");
                previousNanos = nanos;
                count++;
            }
            assertEquals(100, count);
        }
        finally
        {
            handle.close();
        }
    }

    @Test
    void tsharkAgreesOnEveryFramesFields() throws Exception
    {
        final Path file = capture(20);
        final List<String> lines = tshark(file, "-T", "fields", "-e", "frame.len", "-e", "eth.dst", "-e", "eth.src",
            "-e", "eth.type");
        assertEquals(40, lines.size(), String.join("\n", lines));
        for (int n = 0; n < 40; n++)
        {
            final int i = n / 2;
            final boolean fromA = n % 2 == 0;
            final int length = fromA ? 60 + (i * 7) % 1455 : 60 + (i * 13) % 1455;
            final String expected = length + "\t" + MacAddress.toString(fromA ? NicPair.MAC_B : NicPair.MAC_A) + "\t" +
                MacAddress.toString(fromA ? NicPair.MAC_A : NicPair.MAC_B) + "\t0x88b5";
            assertEquals(expected, lines.get(n), "frame " + (n + 1));
        }
    }

    @Test
    void snapLengthTruncatesButKeepsTheOriginalLength() throws Exception
    {
        final Path file = dir.resolve("snap.pcap");
        final org.agrona.concurrent.UnsafeBuffer frame = new org.agrona.concurrent.UnsafeBuffer(new byte[1514]);
        try (PcapWriter writer = PcapWriter.open(file, 64))
        {
            writer.write(1_700_000_000_123_456_789L, frame, 0, 1514);
            assertEquals(1, writer.frames());
        }
        assertEquals(24 + 16 + 64, Files.size(file));
        final List<String> lines = tshark(file, "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len",
            "-e", "frame.time_epoch");
        assertEquals(List.of("1514\t64\t1700000000.123456789"), lines);
    }

    static List<String> tshark(final Path file, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString()));
        command.addAll(List.of(args));
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(false).start();
        }
        catch (final IOException ex)
        {
            Assumptions.abort("tshark is not installed (Debian package tshark; .ci/run installs it): " + ex.getMessage());
            return List.of();
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        final String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark finished");
        assertEquals(0, process.exitValue(), "tshark failed: " + errors);
        final String text = out.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
