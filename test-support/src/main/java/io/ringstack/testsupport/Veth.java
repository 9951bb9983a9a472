package io.ringstack.testsupport;

/**
 * A veth pair made by {@link NetworkNamespace#withVeth}: frames sent on one end arrive on the other.
 * <pre>
 *   root namespace                         namespace rs-PID-N
 *   +---------------------+                +---------------------------+
 *   | hostEnd (up, no IP) | <== veth ====> | nsEnd  nsCidr (up)        |
 *   | ringstack's         |                | Linux: ping, arping, nc,  |
 *   | AF_PACKET socket    |                | socat, tcpdump, scapy     |
 *   +---------------------+                +---------------------------+
 * </pre>
 *
 * @param hostEnd          interface name in the root namespace, for ringstack's AF_PACKET socket to bind to
 * @param nsEnd            interface name inside the namespace, where the kernel peer's address lives
 * @param nsCidr           the peer's address with prefix length, e.g. {@code 198.18.0.2/24}
 * @param hostMac          MAC address of the host end, lower case {@code aa:bb:cc:dd:ee:ff}
 * @param nsMac            MAC address of the namespace end: the kernel peer's MAC
 * @param offloadsDisabled true when ethtool turned checksum, segmentation, receive and VLAN offloads off on both
 *                         ends (false when ethtool is missing: the peer's frames may then carry partial
 *                         checksums on an AF_PACKET socket)
 */
public record Veth(String hostEnd, String nsEnd, String nsCidr, String hostMac, String nsMac,
    boolean offloadsDisabled)
{
    /** The peer's address without the prefix length. */
    public String nsAddress()
    {
        return nsCidr.substring(0, nsCidr.indexOf('/'));
    }
}
