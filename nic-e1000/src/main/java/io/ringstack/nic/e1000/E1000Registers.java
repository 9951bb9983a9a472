package io.ringstack.nic.e1000;

/**
 * Byte offsets of the 8254x registers in BAR0 (Intel 8254x SDM §13.4, table 13-2) and the bits this driver uses.
 * All registers are 32 bits wide and accessed as aligned 32-bit words.
 */
public final class E1000Registers
{
    /** BAR0 is a 128 KiB memory window. */
    public static final int BAR0_SIZE = 128 * 1024;
    public static final int PCI_VENDOR_INTEL = 0x8086;
    public static final int PCI_DEVICE_82540EM = 0x100E;

    // General (SDM §13.4.1 - §13.4.4)
    public static final int CTRL = 0x0000;
    public static final int STATUS = 0x0008;
    public static final int EECD = 0x0010;
    public static final int EERD = 0x0014;
    public static final int CTRL_EXT = 0x0018;
    public static final int MDIC = 0x0020;

    // Interrupts (SDM §13.4.17 - §13.4.21)
    public static final int ICR = 0x00C0;
    public static final int ITR = 0x00C4;
    public static final int ICS = 0x00C8;
    public static final int IMS = 0x00D0;
    public static final int IMC = 0x00D8;

    // Receive (SDM §13.4.22 - §13.4.31)
    public static final int RCTL = 0x0100;
    public static final int RDBAL = 0x2800;
    public static final int RDBAH = 0x2804;
    public static final int RDLEN = 0x2808;
    public static final int RDH = 0x2810;
    public static final int RDT = 0x2818;
    public static final int RDTR = 0x2820;
    public static final int RADV = 0x282C;

    // Transmit (SDM §13.4.33 - §13.4.44)
    public static final int TCTL = 0x0400;
    public static final int TIPG = 0x0410;
    public static final int TDBAL = 0x3800;
    public static final int TDBAH = 0x3804;
    public static final int TDLEN = 0x3808;
    public static final int TDH = 0x3810;
    public static final int TDT = 0x3818;
    public static final int TIDV = 0x3820;

    // Receive Checksum Control (SDM RXCSUM, 05000h): offload of IPv4 header and TCP/UDP checksum verification
    public static final int RXCSUM = 0x5000;
    public static final int RXCSUM_IPOFL = 1 << 8;
    public static final int RXCSUM_TUOFL = 1 << 9;

    // Filters (SDM §13.5)
    public static final int MTA = 0x5200;
    public static final int MTA_ENTRIES = 128;
    public static final int RA = 0x5400;
    public static final int RA_ENTRIES = 16;
    public static final int RAH_AV = 0x8000_0000;

    // Statistics, all read-to-clear (SDM §13.7)
    public static final int STATISTICS_START = 0x4000;
    public static final int STATISTICS_END = 0x4100;
    public static final int CRCERRS = 0x4000;
    public static final int RXERRC = 0x400C;
    public static final int MPC = 0x4010;
    public static final int RLEC = 0x4040;
    public static final int PRC64 = 0x405C;
    public static final int PRC127 = 0x4060;
    public static final int PRC255 = 0x4064;
    public static final int PRC511 = 0x4068;
    public static final int PRC1023 = 0x406C;
    public static final int PRC1522 = 0x4070;
    public static final int GPRC = 0x4074;
    public static final int BPRC = 0x4078;
    public static final int MPRC = 0x407C;
    public static final int GPTC = 0x4080;
    public static final int GORCL = 0x4088;
    public static final int GORCH = 0x408C;
    public static final int GOTCL = 0x4090;
    public static final int GOTCH = 0x4094;
    public static final int RNBC = 0x40A0;
    public static final int RUC = 0x40A4;
    public static final int RFC = 0x40A8;
    public static final int ROC = 0x40AC;
    public static final int RJC = 0x40B0;
    public static final int TORL = 0x40C0;
    public static final int TORH = 0x40C4;
    public static final int TOTL = 0x40C8;
    public static final int TOTH = 0x40CC;
    public static final int TPR = 0x40D0;
    public static final int TPT = 0x40D4;
    public static final int PTC64 = 0x40D8;
    public static final int PTC127 = 0x40DC;
    public static final int PTC255 = 0x40E0;
    public static final int PTC511 = 0x40E4;
    public static final int PTC1023 = 0x40E8;
    public static final int PTC1522 = 0x40EC;
    public static final int MPTC = 0x40F0;
    public static final int BPTC = 0x40F4;

    // CTRL bits (SDM §13.4.1)
    public static final int CTRL_FD = 0x1;
    public static final int CTRL_LRST = 0x8;
    public static final int CTRL_ASDE = 0x20;
    public static final int CTRL_SLU = 0x40;
    public static final int CTRL_RST = 0x0400_0000;
    public static final int CTRL_VME = 0x4000_0000;

    // STATUS bits (SDM §13.4.2)
    public static final int STATUS_FD = 0x1;
    public static final int STATUS_LU = 0x2;
    public static final int STATUS_SPEED_MASK = 0xC0;
    public static final int STATUS_SPEED_100 = 0x40;
    public static final int STATUS_SPEED_1000 = 0x80;

    // ICR / ICS / IMS / IMC bits (SDM §13.4.17)
    public static final int ICR_TXDW = 0x01;
    public static final int ICR_TXQE = 0x02;
    public static final int ICR_LSC = 0x04;
    public static final int ICR_RXDMT0 = 0x10;
    public static final int ICR_RXO = 0x40;
    public static final int ICR_RXT0 = 0x80;
    public static final int ICR_ALL = 0x0001_FFFF;

    // RCTL bits (SDM §13.4.22)
    public static final int RCTL_EN = 0x2;
    public static final int RCTL_SBP = 0x4;
    public static final int RCTL_UPE = 0x8;
    public static final int RCTL_MPE = 0x10;
    public static final int RCTL_LPE = 0x20;
    public static final int RCTL_RDMTS_SHIFT = 8;
    public static final int RCTL_RDMTS_MASK = 0x300;
    public static final int RCTL_MO_SHIFT = 12;
    public static final int RCTL_MO_MASK = 0x3000;
    public static final int RCTL_BAM = 0x8000;
    public static final int RCTL_BSIZE_MASK = 0x3_0000;
    public static final int RCTL_BSIZE_2048 = 0x0;
    public static final int RCTL_BSIZE_1024 = 0x1_0000;
    public static final int RCTL_BSIZE_512 = 0x2_0000;
    public static final int RCTL_BSIZE_256 = 0x3_0000;
    public static final int RCTL_VFE = 0x4_0000;
    public static final int RCTL_BSEX = 0x0200_0000;
    public static final int RCTL_SECRC = 0x0400_0000;

    // TCTL bits (SDM §13.4.33)
    public static final int TCTL_EN = 0x2;
    public static final int TCTL_PSP = 0x8;
    public static final int TCTL_CT_SHIFT = 4;
    public static final int TCTL_COLD_SHIFT = 12;
    /** Recommended TIPG for the 82540EM on copper: IPGT 10, IPGR1 8, IPGR2 6 (SDM §13.4.34). */
    public static final int TIPG_82540EM_COPPER = 10 | (8 << 10) | (6 << 20);

    /** Longest frame accepted without RCTL.LPE: 1518 plus a VLAN tag, without FCS in our case (SDM §3.2.2). */
    public static final int MAX_STANDARD_FRAME = 1522;
    /** Shortest legal Ethernet frame without its FCS. */
    public static final int MIN_FRAME = 60;

    private E1000Registers()
    {
    }

    public static int receiveAddressLow(final int entry)
    {
        return RA + 8 * entry;
    }

    public static int receiveAddressHigh(final int entry)
    {
        return RA + 8 * entry + 4;
    }

    /** RCTL.BSIZE/BSEX bits for an RX buffer size, or -1 if the 8254x has no such size (SDM §13.4.22). */
    public static int rctlBufferSizeBits(final int bufferSize)
    {
        return switch (bufferSize)
        {
            case 256 -> RCTL_BSIZE_256;
            case 512 -> RCTL_BSIZE_512;
            case 1024 -> RCTL_BSIZE_1024;
            case 2048 -> RCTL_BSIZE_2048;
            case 4096 -> RCTL_BSEX | RCTL_BSIZE_256;
            case 8192 -> RCTL_BSEX | RCTL_BSIZE_512;
            case 16384 -> RCTL_BSEX | RCTL_BSIZE_1024;
            default -> -1;
        };
    }

    /** The RX buffer size RCTL selects (SDM §13.4.22: BSEX multiplies the BSIZE code's size by 16). */
    public static int rctlBufferSize(final int rctl)
    {
        final int code = (rctl & RCTL_BSIZE_MASK) >>> 16;
        final int size = 2048 >>> code;
        return (rctl & RCTL_BSEX) != 0 ? (code == 0 ? 2048 : size * 16) : size;
    }

    /**
     * Packs a MAC address (as a long, first byte most significant) into RAL: bytes 0..3 with byte 0 lowest
     * (SDM §13.5.2).
     */
    public static int receiveAddressLowValue(final long mac)
    {
        return (int)(((mac >>> 40) & 0xFF) | ((mac >>> 24) & 0xFF00) | ((mac >>> 8) & 0xFF_0000) | ((mac << 8) & 0xFF00_0000L));
    }

    /** RAH: bytes 4 and 5 of the address in bits 0..15, AV set. */
    public static int receiveAddressHighValue(final long mac)
    {
        return (int)((((mac >>> 8) & 0xFF) | ((mac << 8) & 0xFF00)) | RAH_AV);
    }

    /** The MAC address held in a RAL/RAH pair. */
    public static long macFromReceiveAddress(final int ral, final int rah)
    {
        return ((ral & 0xFFL) << 40) | (((ral >>> 8) & 0xFFL) << 32) | (((ral >>> 16) & 0xFFL) << 24) |
            (((ral >>> 24) & 0xFFL) << 16) | ((rah & 0xFFL) << 8) | ((rah >>> 8) & 0xFFL);
    }
}
