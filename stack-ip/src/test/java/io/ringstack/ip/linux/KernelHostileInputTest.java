package io.ringstack.ip.linux;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.PingResult;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Scapy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input from the kernel side, made with scapy: truncated frames, bad checksums, bogus lengths and options,
 * overlapping fragments and ARP with absurd lengths. ringstack keeps answering Linux's pings throughout, and its
 * counters account for each bad frame by reason.
 */
@RequiresRoot
@RequiresTool("scapy")
class KernelHostileInputTest
{
    private static final AtomicInteger SUBNETS = new AtomicInteger(60);
    private static final int ROUNDS = 20;

    private static final String SCRIPT = String.join("\n",
        "import sys",
        "from scapy.all import Ether, IP, UDP, ICMP, ARP, Raw, sendp, conf",
        "conf.verb = 0",
        "iface, dst_ip, dst_mac, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])",
        "src_ip = sys.argv[5]",
        "e = Ether(dst=dst_mac)",
        "frames = []",
        "for i in range(rounds):",
        "    ip = IP(src=src_ip, dst=dst_ip, id=1000 + i)",
        "    good = bytes(e / ip / UDP(sport=5000, dport=7) / Raw(b'x' * 32))",
        "    frames.append(good[:14 + 12])                                             # truncated IPv4 header",
        "    frames.append(bytes(e / IP(src=src_ip, dst=dst_ip, chksum=0x1234) / UDP(dport=7) / Raw(b'y' * 8)))  # bad IP checksum",
        "    frames.append(bytes(e / IP(src=src_ip, dst=dst_ip, len=1400) / UDP(dport=7) / Raw(b'z' * 8)))  # total length beyond the frame",
        "    frames.append(bytes(e / IP(src=src_ip, dst=dst_ip, ihl=15, options=b'\\x44\\x40' + b'\\x00' * 38) / UDP(dport=7)))  # option length past the header",
        "    frames.append(bytes(e / ip / UDP(sport=5000, dport=7, chksum=0xbeef) / Raw(b'w' * 16)))  # bad UDP checksum",
        "    frames.append(bytes(e / IP(src=src_ip, dst=dst_ip, id=3000 + i, flags='MF', frag=0, proto=17) / Raw(b'A' * 64)))",
        "    frames.append(bytes(e / IP(src=src_ip, dst=dst_ip, id=3000 + i, flags='MF', frag=4, proto=17) / Raw(b'B' * 64)))  # overlaps bytes 32..64",
        "    arp = bytearray(bytes(Ether(dst='ff:ff:ff:ff:ff:ff') / ARP(op=1, psrc=src_ip, pdst=dst_ip)))",
        "    arp[14 + 4] = 200; arp[14 + 5] = 200                                      # absurd address lengths",
        "    frames.append(bytes(arp))",
        "for f in frames:",
        "    sendp(f, iface=iface)",
        "print(len(frames))");

    @ParameterizedTest
    @EnumSource(KernelPeer.Port.class)
    void badFramesAreCountedAndPingsContinue(final KernelPeer.Port port) throws Exception
    {
        try (KernelPeer peer = new KernelPeer(port, SUBNETS.incrementAndGet()))
        {
            final String iface = port == KernelPeer.Port.TAP ? peer.namespace.interfaceName("t") : "eth0";
            assertEquals(3, peer.namespace.ping(peer.ourAddress, 3, Duration.ofSeconds(2)).received());
            try (BackgroundProcess ping = peer.namespace.startInNamespace("ping", "-i", "0.05", "-c", "60", "-W", "1",
                peer.ourAddress))
            {
                final CommandResult sent = Scapy.run(peer.namespace, SCRIPT, iface, peer.ourAddress,
                    MacAddress.toString(KernelPeer.MAC), String.valueOf(ROUNDS), peer.linuxAddress);
                assertEquals(String.valueOf(8 * ROUNDS), sent.stdout().trim(), sent.stderr());
                assertEquals(0, ping.waitFor(Duration.ofSeconds(20)), "ping exits 0 when every reply came");
                assertTrue(ping.stdout().contains("60 received"), "pings during the attack: " + ping.stdout());
            }
            final Map<String, Long> counters = peer.onStackThread(s -> s.countersSnapshot());
            final String all = counters.toString();
            assertTrue(count(counters, "ipv4.drop." + Ipv4Drop.TRUNCATED) + count(counters, "ipv4.drop." + Ipv4Drop.BAD_TOTAL_LENGTH) >= 2L * ROUNDS, all);
            assertTrue(count(counters, "ipv4.drop." + Ipv4Drop.BAD_CHECKSUM) >= ROUNDS, all);
            assertTrue(count(counters, "ipv4.drop." + Ipv4Drop.BAD_OPTIONS) >= ROUNDS, all);
            assertTrue(count(counters, "udp.drop." + UdpDrop.BAD_CHECKSUM) >= ROUNDS, all);
            // each overlapping pair: the first fragment held, the second dropping the datagram (overlap); a dropped
            // datagram's key blocks that source's reassembly slot until the timeout, so once this source's 4 slots
            // are taken the rest are refused by the per-source memory cap; every fragment frame is accounted for
            assertTrue(count(counters, "ipv4.drop." + Ipv4Drop.REASSEMBLY_OVERLAP) >= 1, all);
            assertEquals(2L * ROUNDS, count(counters, "stack.FRAGMENT_HELD") +
                count(counters, "ipv4.drop." + Ipv4Drop.REASSEMBLY_OVERLAP) +
                count(counters, "ipv4.drop." + Ipv4Drop.REASSEMBLY_MEMORY) +
                count(counters, "ipv4.drop." + Ipv4Drop.REASSEMBLY_DISCARDED), all);
            assertTrue(count(counters, "arp.drop." + ArpDrop.BAD_ADDRESS_LENGTH) >= ROUNDS, all);
            assertEquals(0, count(counters, "ethernet.drop." + EthernetDrop.TRUNCATED), all);
            // and it still answers
            final PingResult after = peer.namespace.ping(peer.ourAddress, 3, Duration.ofSeconds(2));
            assertEquals(3, after.received(), after.output());
        }
    }

    private static long count(final Map<String, Long> counters, final String name)
    {
        return counters.getOrDefault(name, 0L);
    }
}
