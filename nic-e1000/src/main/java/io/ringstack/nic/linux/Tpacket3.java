package io.ringstack.nic.linux;

/**
 * The layouts and constants of AF_PACKET's memory-mapped rings, TPACKET_V3 (linux/if_packet.h,
 * Documentation/networking/packet_mmap.rst), as offsets: the rings are shared with the kernel and read in place.
 * All fields are in native byte order except sll_protocol.
 * <p>
 * The RX ring is a sequence of blocks the kernel fills with packets one after the other and hands over whole
 * (block_status TP_STATUS_USER) when the block is full or its timer (tp_retire_blk_tov) expires; user space walks
 * the packets and gives the block back by writing TP_STATUS_KERNEL.
 * <pre>
 *   struct tpacket_block_desc (48 bytes at the start of each RX block)
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |     version     | offset_to_priv  |  block_status   |    num_pkts     |   0
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | offset_to_first_pkt |   blk_len   |             seq_num (u64)         |  16
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |  ts_first_pkt (sec, nsec)         |  ts_last_pkt (sec, nsec)          |  32
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *
 *   struct tpacket3_hdr (48 bytes), then struct sockaddr_ll (20 bytes), then the frame at tp_mac
 *   +-----------------+-----------------+-----------------+-----------------+
 *   | tp_next_offset  |     tp_sec      |     tp_nsec     |   tp_snaplen    |   0
 *   +-----------------+-----------------+-----------------+-----------------+
 *   |     tp_len      |    tp_status    | tp_mac | tp_net |  hv1.tp_rxhash  |  16
 *   +-----------------+-----------------+-----------------+-----------------+
 *   | hv1.tp_vlan_tci | tpid   | pad    |        tp_padding[8]              |  32
 *   +-----------------+-----------------+-----------------+-----------------+
 *   | family |protocol|   sll_ifindex   | hatype |type|len|   sll_addr[8]  |  48 (sockaddr_ll)
 *   +-----------------+-----------------+-----------------+-----------------+
 * </pre>
 * The TX ring (TPACKET_V3 TX is frame-based, like V2): fixed-size frames, each a tpacket3_hdr with
 * tp_next_offset 0, tp_len and tp_status, and the frame's bytes at TPACKET3_HDRLEN - sizeof(sockaddr_ll) = 48.
 * User space fills a frame whose status is TP_STATUS_AVAILABLE, sets TP_STATUS_SEND_REQUEST, and calls send(2);
 * the kernel marks it TP_STATUS_SENDING and back to AVAILABLE when it is done with the memory.
 */
public final class Tpacket3
{
    public static final int AF_PACKET = 17;
    public static final int SOL_PACKET = 263;
    public static final int SOL_SOCKET = 1;
    public static final int SO_ERROR = 4;
    public static final int SO_RCVBUF = 8;
    /** SO_RCVBUF beyond net.core.rmem_max (CAP_NET_ADMIN). */
    public static final int SO_RCVBUFFORCE = 33;
    /** linux/if_ether.h ETH_P_ALL; sockaddr_ll wants it in network byte order. */
    public static final int ETH_P_ALL = 0x0003;

    // socket options (level SOL_PACKET)
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    /**
     * V1/V2 RX ring: a packet longer than a frame slot is also queued whole on the socket (the slot says
     * TP_STATUS_COPY), to be read with recv(2) (af_packet.c tpacket_rcv, copy_skb).
     */
    public static final int PACKET_COPY_THRESH = 7;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_LOSS = 14;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    public static final int TPACKET_V3 = 2;
    public static final int PACKET_MR_PROMISC = 1;

    // sll_pkttype
    public static final int PACKET_OUTGOING = 4;

    // tp_status, RX
    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;
    public static final int TP_STATUS_COPY = 1 << 1;
    public static final int TP_STATUS_LOSING = 1 << 2;
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    /** The transport checksum was verified (the packet was CHECKSUM_UNNECESSARY; Linux 4.1+). */
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    /** A TCP packet the sender's segmentation offload has not cut into frames yet (Linux 6.3+). */
    public static final int TP_STATUS_GSO_TCP = 1 << 8;
    // tp_status, TX
    public static final int TP_STATUS_AVAILABLE = 0;
    public static final int TP_STATUS_SEND_REQUEST = 1;
    public static final int TP_STATUS_SENDING = 1 << 1;
    public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

    // struct tpacket_block_desc
    public static final int BLOCK_STATUS_OFFSET = 8;
    public static final int BLOCK_NUM_PKTS_OFFSET = 12;
    public static final int BLOCK_OFFSET_TO_FIRST_PKT_OFFSET = 16;
    public static final int BLOCK_DESC_LENGTH = 48;

    // struct tpacket3_hdr
    public static final int TP_NEXT_OFFSET_OFFSET = 0;
    public static final int TP_SNAPLEN_OFFSET = 12;
    public static final int TP_LEN_OFFSET = 16;
    public static final int TP_STATUS_OFFSET = 20;
    public static final int TP_MAC_OFFSET = 24;
    public static final int TP_VLAN_TCI_OFFSET = 32;
    public static final int TP_VLAN_TPID_OFFSET = 36;
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where struct sockaddr_ll follows the header. */
    public static final int SOCKADDR_LL_OFFSET = 48;
    public static final int SLL_PKTTYPE_OFFSET = SOCKADDR_LL_OFFSET + 10;
    /** TPACKET3_HDRLEN = 48 + sizeof(struct sockaddr_ll). */
    public static final int TPACKET3_HDRLEN = 68;
    /** Where a TX frame's bytes start: TPACKET3_HDRLEN - sizeof(struct sockaddr_ll). */
    public static final int TX_DATA_OFFSET = 48;
    public static final int TPACKET_ALIGNMENT = 16;

    // struct sockaddr_ll (20 bytes), struct tpacket_req3 (28 bytes), struct packet_mreq (16 bytes)
    public static final int SOCKADDR_LL_LENGTH = 20;
    public static final int TPACKET_REQ3_LENGTH = 28;
    public static final int PACKET_MREQ_LENGTH = 16;
    /** struct tpacket_stats_v3: tp_packets, tp_drops, tp_freeze_q_cnt (u32 each). */
    public static final int TPACKET_STATS_V3_LENGTH = 12;

    private Tpacket3()
    {
    }
}
