package io.ringstack.nic;

import org.junit.jupiter.api.Assumptions;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

import java.nio.file.Path;

/** libpcap through pcap4j, as an independent reader of capture files; tests skip (saying why) where it is missing. */
public final class Libpcap
{
    private Libpcap()
    {
    }

    public static PcapHandle openOfflineOrSkip(final Path file) throws PcapNativeException
    {
        try
        {
            Pcaps.libVersion();
        }
        catch (final Throwable ex)
        {
            Assumptions.abort("pcap4j needs libpcap (Debian package libpcap0.8; .ci/run installs it): " + ex);
        }
        return Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
    }
}
