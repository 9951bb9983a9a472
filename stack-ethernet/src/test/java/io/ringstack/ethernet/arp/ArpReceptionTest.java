package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.nic.e1000.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static io.ringstack.ethernet.arp.ArpFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** RFC 826 "Packet Reception": replies to requests for us, learning, merging, and what is dropped. */
class ArpReceptionTest
{
    private ArpFixture fx = started(quiet());

    @AfterEach
    void noLeaks()
    {
        fx.close();
    }

    @Test
    void requestForOurAddressGetsExactlyOneUnicastReply()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);

        assertEquals(1, fx.wire.count());
        // RFC 826: sender fields ours, target fields the requester's, sent to the requester's hardware address.
        assertArp(fx.wire.last(), PEER_MAC, ArpPacket.OPERATION_REPLY, LOCAL_IP, PEER_MAC, PEER_IP);
        assertEquals(-1, fx.wire.last().ethernet().innerVlanId(), "untagged by default");
        assertEquals(1, fx.arp.counters().get(ArpEvent.REQUESTS_RECEIVED));
        assertEquals(1, fx.arp.counters().get(ArpEvent.REPLIES_SENT));
        // RFC 826: "If Merge_flag is false, add the triplet": the requester is learned.
        assertEquals(PEER_MAC, fx.arp.cache().macFor(PEER_IP));
        assertEquals(ArpState.REACHABLE, fx.arp.cache().state(PEER_IP));
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
        assertEquals(1, fx.arp.counters().get(ArpEvent.LEARNED));
        assertEquals(0, fx.arp.drops().total());
    }

    @Test
    void requestForAnotherAddressIsNotAnsweredAndCounted()
    {
        fx.request(PEER_MAC, PEER_IP, OTHER_IP);

        assertEquals(0, fx.wire.count());
        assertEquals(1, fx.arp.drops().get(ArpDrop.NOT_FOR_US));
        assertFalse(fx.arp.cache().contains(PEER_IP), "nothing learned from a request for someone else");
        assertEquals(0, fx.arp.cache().size());
    }

    @Test
    void packetFromACachedSenderUpdatesItsEntryEvenWhenNotForUs()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();
        final long newMac = 0x5254_0000_0099L;
        fx.advance(10 * SECOND);

        fx.request(newMac, PEER_IP, OTHER_IP); // RFC 826: merge happens before "Am I the target?"

        assertEquals(0, fx.wire.count(), "not for us: no reply");
        assertEquals(newMac, fx.arp.cache().macFor(PEER_IP), "merged");
        assertEquals(1, fx.arp.counters().get(ArpEvent.MERGED));
        assertEquals(1, fx.arp.counters().get(ArpEvent.HARDWARE_ADDRESS_CHANGED));
        assertEquals(0, fx.arp.drops().get(ArpDrop.NOT_FOR_US), "a merge is not a drop");
        // The merge confirmed the entry: it lives a full reachable time from now.
        fx.advance(60 * SECOND - 1);
        assertEquals(newMac, fx.arp.lookup(PEER_IP, fx.now));
    }

    @Test
    void gratuitousAnnouncementUpdatesACachedEntryOnly()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();
        fx.request(0x5254_0000_0077L, PEER_IP, PEER_IP);
        fx.request(OTHER_MAC, OTHER_IP, OTHER_IP);

        assertEquals(0x5254_0000_0077L, fx.arp.cache().macFor(PEER_IP));
        assertFalse(fx.arp.cache().contains(OTHER_IP), "an announcement for an unknown address is not cached");
        assertEquals(1, fx.arp.drops().get(ArpDrop.NOT_FOR_US));
        assertEquals(0, fx.wire.count());
    }

    @Test
    void probeForOurAddressIsAnsweredButItsSenderIsNotCached()
    {
        // RFC 5227 §2.1.1: sender protocol address 0.0.0.0, target the address being probed.
        fx.request(PEER_MAC, 0, LOCAL_IP);

        assertEquals(1, fx.wire.count());
        assertArp(fx.wire.last(), PEER_MAC, ArpPacket.OPERATION_REPLY, LOCAL_IP, PEER_MAC, 0);
        assertFalse(fx.arp.cache().contains(0), "0.0.0.0 is never cached");
        assertEquals(0, fx.arp.cache().size());
    }

    @Test
    void probeForAnotherAddressIsIgnored()
    {
        fx.request(PEER_MAC, 0, OTHER_IP);

        assertEquals(0, fx.wire.count());
        assertEquals(1, fx.arp.drops().get(ArpDrop.NOT_FOR_US));
        assertEquals(0, fx.arp.cache().size());
    }

    @Test
    void unsolicitedReplyIsCountedAndNotCached()
    {
        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP);

        assertEquals(1, fx.arp.drops().get(ArpDrop.UNSOLICITED_REPLY));
        assertFalse(fx.arp.cache().contains(PEER_IP));
        assertEquals(0, fx.wire.count(), "replies are never answered");
        assertEquals(1, fx.arp.counters().get(ArpEvent.REPLIES_RECEIVED));
    }

    @Test
    void groupOrZeroSenderHardwareAddressIsDropped()
    {
        fx.request(MacAddress.BROADCAST, PEER_IP, LOCAL_IP);
        fx.request(0x0100_5E00_0001L, PEER_IP, LOCAL_IP); // IPv4 multicast MAC
        fx.request(MacAddress.NONE, PEER_IP, LOCAL_IP);

        assertEquals(3, fx.arp.drops().get(ArpDrop.GROUP_SENDER));
        assertEquals(0, fx.wire.count());
        assertEquals(0, fx.arp.cache().size());
    }

    @Test
    void senderProtocolAddressNoStationCanOwnIsDropped()
    {
        final int[] bad = {
            ip(255, 255, 255, 255), ip(224, 0, 0, 1), ip(239, 1, 2, 3), ip(240, 0, 0, 1), ip(127, 0, 0, 1),
            ip(0, 1, 2, 3)
        };
        for (final int sender : bad)
        {
            fx.request(PEER_MAC, sender, LOCAL_IP);
        }
        fx.reply(PEER_MAC, 0, LOCAL_IP); // 0.0.0.0 only makes sense in a probe, never in a reply

        assertEquals(bad.length + 1, fx.arp.drops().get(ArpDrop.BAD_SENDER_ADDRESS));
        assertEquals(0, fx.wire.count());
        assertEquals(0, fx.arp.cache().size());
    }

    @Test
    void ourOwnPacketLoopedBackIsIgnored()
    {
        fx.request(LOCAL_MAC, LOCAL_IP, LOCAL_IP);
        fx.request(LOCAL_MAC, PEER_IP, LOCAL_IP);

        assertEquals(2, fx.arp.drops().get(ArpDrop.NOT_FOR_US));
        assertEquals(0, fx.arp.drops().get(ArpDrop.ADDRESS_CONFLICT), "our own MAC is no conflict");
        assertEquals(0, fx.wire.count());
        assertEquals(0, fx.arp.cache().size());
    }

    @Test
    void packetTheFlyweightRefusedIsCountedByItsProblem()
    {
        final int header = EthernetFrame.writeHeader(fx.rx, 0, MacAddress.BROADCAST, PEER_MAC, EtherType.ARP);
        ArpPacket.write(fx.rx, header, ArpPacket.OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, LOCAL_IP);
        fx.rx.putShort(header + ArpPacket.OPERATION_OFFSET, (short)3, ByteOrder.BIG_ENDIAN); // RARP request
        fx.deliver(header + ArpPacket.LENGTH);
        fx.rx.putShort(header + ArpPacket.OPERATION_OFFSET, (short)1, ByteOrder.BIG_ENDIAN);
        fx.deliver(header + ArpPacket.LENGTH - 1); // one byte short

        assertEquals(1, fx.arp.drops().get(ArpDrop.BAD_OPERATION));
        assertEquals(1, fx.arp.drops().get(ArpDrop.TRUNCATED));
        assertEquals(0, fx.wire.count());
    }

    @Test
    void requestsForEachLocalAddressAreAnsweredFromThatAddress()
    {
        final int second = ip(192, 168, 7, 1);
        fx.arp.addLocalAddress(second, fx.now);
        fx.request(PEER_MAC, PEER_IP, second);
        assertArp(fx.wire.last(), PEER_MAC, ArpPacket.OPERATION_REPLY, second, PEER_MAC, PEER_IP);

        fx.arp.removeLocalAddress(second);
        fx.wire.take();
        fx.request(OTHER_MAC, OTHER_IP, second);
        assertEquals(0, fx.wire.count(), "a removed address is not answered");
        assertFalse(fx.arp.isLocalAddress(second));
        assertTrue(fx.arp.isLocalAddress(LOCAL_IP));
    }

    @Test
    void framesAreTaggedWithTheConfiguredVlan()
    {
        fx.close();
        fx = started(quiet().withVlanId(42));
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);

        final EthernetFrame sent = fx.wire.last().ethernet();
        assertEquals(1, sent.vlanCount());
        assertEquals(EtherType.VLAN, sent.tagProtocol(0));
        assertEquals(42, sent.vlanId(0));
        assertEquals(EtherType.ARP, sent.etherType());
        assertArp(fx.wire.last(), PEER_MAC, ArpPacket.OPERATION_REPLY, LOCAL_IP, PEER_MAC, PEER_IP);
    }

    @Test
    void replyThatCannotBeSentIsCountedAndItsBufferReleased()
    {
        fx.wire.accept = false;
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        assertEquals(1, fx.wire.refused);
        assertEquals(1, fx.arp.counters().get(ArpEvent.TRANSMIT_REFUSED));
        assertEquals(0, fx.arp.counters().get(ArpEvent.REPLIES_SENT));
        assertEquals(0, fx.pool.outstanding(), "the refused buffer went back to the pool");
    }

    @Test
    void emptyPoolIsCountedNotThrown()
    {
        fx.close();
        fx = new ArpFixture(quiet(), 2);
        fx.arp.addLocalAddress(LOCAL_IP, fx.now);
        final int a = fx.pool.claim(io.ringstack.nic.memory.BufferHolder.STACK);
        final int b = fx.pool.claim(io.ringstack.nic.memory.BufferHolder.STACK);

        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);

        assertEquals(1, fx.arp.counters().get(ArpEvent.NO_BUFFER));
        assertEquals(0, fx.wire.count());
        assertEquals(PEER_MAC, fx.arp.cache().macFor(PEER_IP), "still learned");
        fx.pool.release(a);
        fx.pool.release(b);
    }
}
