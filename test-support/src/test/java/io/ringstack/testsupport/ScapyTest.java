package io.ringstack.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripts run by Debian's python3 inside the namespace, with their arguments, and talk on the wire. */
@RequiresRoot
@RequiresTool("scapy")
@Timeout(120)
final class ScapyTest
{
    @Test
    void scriptResolvesTheHostEndByArpAndGetsAnEchoReply()
    {
        final TestSubnet subnet = TestSubnet.next();
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final Veth veth = ns.withVeth(subnet.cidr(2));
            LinuxNetwork.addAddress(veth.hostEnd(), subnet.cidr(1));
            final CommandResult result = Scapy.run(ns, """
                import sys
                from scapy.all import ARP, Ether, ICMP, IP, conf, sr1, srp1
                conf.verb = 0
                target, iface = sys.argv[1], sys.argv[2]
                arp = srp1(Ether(dst="ff:ff:ff:ff:ff:ff")/ARP(pdst=target), iface=iface, timeout=3)
                print("arp", arp[ARP].hwsrc if arp else "none")
                echo = sr1(IP(dst=target)/ICMP(id=0x4242, seq=7), iface=iface, timeout=3)
                print("echo", echo[ICMP].type if echo else "none", echo[ICMP].seq if echo else "")
                """, subnet.address(1), veth.nsEnd());
            assertTrue(result.stdout().contains("arp " + veth.hostMac()), result.stdout() + result.stderr());
            assertTrue(result.stdout().contains("echo 0 7"), result.stdout() + result.stderr());
        }
    }

    @Test
    void backgroundScriptRunsInsideUntilClosed()
    {
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final BackgroundProcess sniffer = Scapy.start(ns, """
                import sys, time
                import scapy.all
                print("ready", sys.argv[1], flush=True)
                time.sleep(300)
                """, "with-argument");
            sniffer.awaitOutput("ready with-argument", Duration.ofSeconds(60));
            assertTrue(ns.pids().contains(sniffer.pid()));
            ns.close();
            assertEquals(false, sniffer.isAlive());
        }
    }
}
