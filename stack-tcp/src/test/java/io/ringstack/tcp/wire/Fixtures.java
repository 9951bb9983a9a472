package io.ringstack.tcp.wire;

import org.agrona.concurrent.UnsafeBuffer;

/** Real segments from captures in ../shared/pcaps, as IPv4 datagrams (hex from tshark -x). */
final class Fixtures
{
    /** tcpdump--tcp-handshake-nano.pcap frame 1: a Linux SYN, MSS 1360, SACK-Permitted, Timestamps, WS 7. */
    static final String LINUX_SYN =
        "4500003c29a940004006db5f839bd745" + "89745 15e".replace(" ", "") +
        "b64000502f842acb00000000a0026a4050c40000020405500402080a436a03620000000001030307";

    /** Frame 2 of the same capture: the SYN-ACK (MSS 1440, NOP, WS 8, SACK-Permitted, Timestamps). */
    static final String SYN_ACK =
        "4500003c1c44400075 06b3c489745 15e839bd745".replace(" ", "") +
        "0050b640b7839f902f842acca0122000864800000204 05a0010303080402080a0df5af50436a0362".replace(" ", "");

    /** zeek--tcp-option-sack.pcap frame 1: a SYN carrying one SACK block [1, 16) and two End-of-List bytes. */
    static final String SACK_SYN =
        "45000034000100004006 7cc17f0000017f000001".replace(" ", "") +
        "001400500000000000000000800220005c550000050a00000001000000100000";

    private Fixtures()
    {
    }

    static UnsafeBuffer bytes(final String hex)
    {
        final byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new UnsafeBuffer(bytes);
    }
}
