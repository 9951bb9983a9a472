package io.ringstack.ip.decode;

/** What a decoder could say about a transport checksum. */
public enum ChecksumStatus
{
    /** UDP checksum field zero: the sender computed none (RFC 768; allowed over IPv4). */
    NONE("none"),
    /** Verifies. */
    GOOD("good"),
    /** Does not verify. */
    BAD("bad"),
    /**
     * Cannot be verified from this frame: the datagram is a fragment (the checksum covers the whole datagram) or the
     * capture cut the frame short (snaplen).
     */
    NOT_CHECKABLE("unchecked");

    private final String label;

    ChecksumStatus(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }
}
