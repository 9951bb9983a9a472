package io.ringstack.ip.linux;

import io.ringstack.nic.wire.CaptureReader;
import io.ringstack.nic.wire.PcapWriter;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * tcpdump on the kernel's side of the wire and ringstack's own pcap writer on its port record the same IPv4 frames
 * (pings and a UDP echo), byte for byte.
 */
@RequiresRoot
@RequiresTool("tcpdump")
@RequiresTool("socat")
class CaptureAgreementTest
{
    private static final AtomicInteger SUBNETS = new AtomicInteger(120);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    void tcpdumpAndRingstackSeeTheSameFrames(final KernelPeer.Port port) throws Exception
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            assertEquals(1, peer.namespace.ping(peer.ourAddress, 1, Duration.ofSeconds(2)).received()); // ARP settled
            final Path theirs = dir.resolve("tcpdump.pcap");
            final Path ours = dir.resolve("ringstack.pcap");
            final List<String> ourFrames;
            final List<String> theirFrames;
            try (PcapWriter writer = PcapWriter.open(ours))
            {
                try (BackgroundProcess tcpdump = peer.namespace.startInNamespace("tcpdump", "-i", peer.linuxInterface(),
                    "-U", "-n", "-s", "0", "-w", theirs.toString(), "ip"))
                {
                    tcpdump.awaitOutput("listening on", Duration.ofSeconds(10));
                    peer.pcap(writer);
                    assertEquals(5, peer.namespace.ping(peer.ourAddress, 5, Duration.ofSeconds(2)).received());
                    peer.namespace.command("socat", "-T", "2", "-", "UDP4:" + peer.ourAddress + ":" + KernelPeer.ECHO_PORT)
                        .input("hello ringstack\n").timeout(Duration.ofSeconds(10)).run();
                    // the last echo reply has reached socat, so ringstack has recorded it: both directions are in
                    assertTrue(writer.frames() >= 12, "ringstack recorded " + writer.frames() + " frames");
                    peer.pcap(null);
                    tcpdump.stop(Duration.ofSeconds(3));
                }
            }
            ourFrames = ipv4Frames(ours);
            theirFrames = ipv4Frames(theirs);
            assertEquals(12, ourFrames.size(), "5 echo requests, 5 replies, one UDP datagram each way");
            assertEquals(sorted(theirFrames), sorted(ourFrames), "the same frames on both sides of the wire");
        }
    }

    private static List<String> sorted(final List<String> frames)
    {
        final List<String> copy = new ArrayList<>(frames);
        copy.sort(null);
        return copy;
    }

    /** The IPv4 frames of a capture as hex, without Ethernet padding (cut at the IPv4 total length). */
    private static List<String> ipv4Frames(final Path file) throws IOException
    {
        final List<String> frames = new ArrayList<>();
        final CaptureReader reader = CaptureReader.open(file);
        while (reader.next())
        {
            final var frame = reader.frame();
            final int length = reader.capturedLength();
            if (length >= 34 && (frame.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) == 0x0800)
            {
                final int ipLength = frame.getShort(16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                final byte[] bytes = new byte[Math.min(length, 14 + ipLength)];
                frame.getBytes(0, bytes);
                frames.add(HexFormat.of().formatHex(bytes));
            }
        }
        return frames;
    }
}
