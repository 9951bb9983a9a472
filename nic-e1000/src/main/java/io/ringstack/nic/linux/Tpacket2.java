package io.ringstack.nic.linux;

/**
 * The layout of AF_PACKET's TPACKET_V2 ring frames (linux/if_packet.h, Documentation/networking/packet_mmap.rst),
 * as offsets; the socket options, status bits and sockaddr_ll are shared with V3 and live in {@link Tpacket3}. All
 * fields are in native byte order.
 * <p>
 * Both rings are arrays of fixed-size frames (tp_frame_size apart within each block, never straddling blocks), each
 * with its own status: RX frames go to user space one at a time (TP_STATUS_USER) as soon as the kernel has written
 * them, so a lone frame waits for nothing (V3 hands over whole blocks, at the latest when a timer of at least 1 ms
 * fires). User space gives an RX frame back by writing TP_STATUS_KERNEL; a TX frame is filled while
 * TP_STATUS_AVAILABLE and handed over with TP_STATUS_SEND_REQUEST.
 * <pre>
 *   struct tpacket2_hdr (32 bytes), then struct sockaddr_ll (20 bytes) on RX, then the frame at tp_mac
 *   +-----------------+-----------------+-----------------+-----------------+
 *   |    tp_status    |     tp_len      |   tp_snaplen    | tp_mac | tp_net |   0
 *   +-----------------+-----------------+-----------------+-----------------+
 *   |     tp_sec      |     tp_nsec     | vlan_tci| tpid  |  tp_padding[4]  |  16
 *   +-----------------+-----------------+-----------------+-----------------+
 *   | family |protocol|   sll_ifindex   | hatype |type|len|   sll_addr[8]  |  32 (sockaddr_ll, RX)
 *   +-----------------+-----------------+-----------------+-----------------+
 * </pre>
 * A TX frame's bytes start at TPACKET2_HDRLEN - sizeof(struct sockaddr_ll) = 32 (the kernel's tpacket_parse_header
 * without PACKET_TX_HAS_OFF).
 */
public final class Tpacket2
{
    /** enum tpacket_versions: TPACKET_V1, TPACKET_V2, TPACKET_V3. */
    public static final int TPACKET_V2 = 1;

    // struct tpacket2_hdr
    public static final int TP_STATUS_OFFSET = 0;
    public static final int TP_LEN_OFFSET = 4;
    public static final int TP_SNAPLEN_OFFSET = 8;
    public static final int TP_MAC_OFFSET = 12;
    public static final int TP_VLAN_TCI_OFFSET = 24;
    public static final int TP_VLAN_TPID_OFFSET = 26;
    /** TPACKET_ALIGN(sizeof(struct tpacket2_hdr)): where struct sockaddr_ll follows the header. */
    public static final int SOCKADDR_LL_OFFSET = 32;
    public static final int SLL_PKTTYPE_OFFSET = SOCKADDR_LL_OFFSET + 10;
    /** TPACKET2_HDRLEN = 32 + sizeof(struct sockaddr_ll). */
    public static final int TPACKET2_HDRLEN = 52;
    /** Where a TX frame's bytes start: TPACKET2_HDRLEN - sizeof(struct sockaddr_ll). */
    public static final int TX_DATA_OFFSET = 32;
    /**
     * Where the kernel puts an RX frame (tpacket_rcv for SOCK_RAW): netoff = TPACKET_ALIGN(TPACKET2_HDRLEN + 16),
     * the 14-byte Ethernet header before it, so tp_mac = 66. A frame slot of n bytes holds frames of n - 66 bytes.
     */
    public static final int RX_MAC_OFFSET = 66;
    /** struct tpacket_stats: tp_packets, tp_drops (u32 each). */
    public static final int TPACKET_STATS_LENGTH = 8;

    private Tpacket2()
    {
    }
}
