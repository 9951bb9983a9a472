#!/usr/bin/python3
"""The host-side peer on the guest's QEMU wire (-netdev dgram: one UDP datagram per Ethernet frame).

Built with scapy, independently of ringstack: waits for the guest's first frame, then checks that ringstack on
the guest's 82540EM answers ARP, answers pings (payloads intact), and echoes UDP datagrams of several sizes
(one of them fragmented), and finally sends a datagram to the guest's stop port. Answers ARP for its own
address on the way. Prints one JSON object with what it saw; exits 0 if every check passed.

    host_peer.py --listen PORT --send PORT [--guest-ip 10.0.2.15] [--peer-ip 10.0.2.50] [--wait 240]
"""
import argparse
import json
import os
import socket
import sys
import time

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, fragment, defragment  # noqa: E402

PEER_MAC = "52:54:00:aa:00:50"


class Wire:
    def __init__(self, listen, send):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", listen))
        self.dest = ("127.0.0.1", send)
        self.peer_ip = None
        self.sent = 0
        self.received = 0

    def send(self, frame):
        self.sock.sendto(bytes(frame), self.dest)
        self.sent += 1

    def receive(self, timeout):
        """The next frame for us (or broadcast), answering ARP requests for our address on the way."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            self.received += 1
            frame = Ether(data)
            if frame.dst not in (PEER_MAC, "ff:ff:ff:ff:ff:ff"):
                continue
            if ARP in frame and frame[ARP].op == 1 and frame[ARP].pdst == self.peer_ip:
                self.send(Ether(dst=frame.src, src=PEER_MAC) /
                          ARP(op=2, hwsrc=PEER_MAC, psrc=self.peer_ip, hwdst=frame[ARP].hwsrc, pdst=frame[ARP].psrc))
                continue
            return frame


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--send", type=int, required=True)
    parser.add_argument("--guest-ip", default="10.0.2.15")
    parser.add_argument("--peer-ip", default="10.0.2.50")
    parser.add_argument("--echo-port", type=int, default=7)
    parser.add_argument("--stop-port", type=int, default=9)
    parser.add_argument("--wait", type=float, default=240)
    args = parser.parse_args()
    wire = Wire(args.listen, args.send)
    wire.peer_ip = args.peer_ip
    result = {"checks": {}, "guest_mac": None}
    checks = result["checks"]

    # 1. the guest's first frame (its ARP announcement when its address comes up), to know it is running
    guest_mac = None
    deadline = time.monotonic() + args.wait
    while guest_mac is None and time.monotonic() < deadline:
        wire.sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data, _ = wire.sock.recvfrom(65536)
        except socket.timeout:
            break
        frame = Ether(data)
        if ARP in frame and frame[ARP].psrc == args.guest_ip:
            guest_mac = frame.src
    result["guest_mac"] = guest_mac
    checks["guest_announced"] = guest_mac is not None
    if guest_mac is None:
        print(json.dumps(result))
        return 1

    # 2. ARP: who has the guest's address?
    arp_ok = False
    for _ in range(5):
        wire.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) /
                  ARP(op=1, hwsrc=PEER_MAC, psrc=args.peer_ip, pdst=args.guest_ip))
        end = time.monotonic() + 5
        while time.monotonic() < end:
            frame = wire.receive(end - time.monotonic())
            if frame is not None and ARP in frame and frame[ARP].op == 2 and frame[ARP].psrc == args.guest_ip:
                arp_ok = frame[ARP].hwsrc == guest_mac and frame[ARP].pdst == args.peer_ip
                break
        if arp_ok:
            break
    checks["arp_reply"] = arp_ok

    # 3. ping: five echo requests with random payloads, each answered with the same payload
    answered = 0
    for seq in range(1, 6):
        payload = os.urandom(56)
        wire.send(Ether(dst=guest_mac, src=PEER_MAC) / IP(src=args.peer_ip, dst=args.guest_ip) /
                  ICMP(type=8, id=0x4242, seq=seq) / Raw(payload))
        end = time.monotonic() + 10
        while time.monotonic() < end:
            frame = wire.receive(end - time.monotonic())
            if frame is not None and ICMP in frame and frame[ICMP].type == 0 and frame[ICMP].seq == seq:
                if frame[ICMP].id == 0x4242 and bytes(frame[ICMP].payload) == payload:
                    answered += 1
                break
    checks["pings_answered"] = answered
    checks["ping"] = answered == 5

    # 4. UDP echo: several sizes, then one datagram of 3000 bytes sent as fragments (reassembled and answered)
    echoed = 0
    sizes = [1, 18, 100, 512, 1000, 1472, 3000]
    for index, size in enumerate(sizes):
        payload = os.urandom(size)
        sport = 40000 + index
        packet = IP(src=args.peer_ip, dst=args.guest_ip, id=1000 + index) / UDP(sport=sport, dport=args.echo_port) / Raw(payload)
        for piece in (fragment(packet, fragsize=1480) if size > 1472 else [packet]):
            wire.send(Ether(dst=guest_mac, src=PEER_MAC) / piece)
        pieces = []
        end = time.monotonic() + 10
        answer = None
        while time.monotonic() < end and answer is None:
            frame = wire.receive(end - time.monotonic())
            if frame is None or IP not in frame or frame[IP].src != args.guest_ip or frame[IP].proto != 17:
                continue
            if frame[IP].flags.MF or frame[IP].frag > 0:
                pieces.append(frame[IP])
                whole = defragment(pieces)
                complete = [p for p in whole if not p.flags.MF and p.frag == 0 and UDP in p]
                if complete:
                    answer = complete[0]
            else:
                answer = frame[IP]
        if answer is not None and answer[UDP].dport == sport and bytes(answer[UDP].payload) == payload:
            echoed += 1
    checks["udp_echoed"] = echoed
    checks["udp_echo"] = echoed == len(sizes)

    # 5. tell the guest to stop
    wire.send(Ether(dst=guest_mac, src=PEER_MAC) / IP(src=args.peer_ip, dst=args.guest_ip) /
              UDP(sport=40999, dport=args.stop_port) / Raw(b"stop"))
    result["frames_sent"] = wire.sent
    result["frames_received"] = wire.received
    print(json.dumps(result))
    return 0 if arp_ok and checks["ping"] and checks["udp_echo"] else 1


if __name__ == "__main__":
    sys.exit(main())
