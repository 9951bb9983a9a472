package io.ringstack.nic.wire;

/**
 * A device's connection to a wire: frames it transmits go to the sink given to {@link #attachWire}, and frames from
 * the wire arrive through {@link #accept}. Attaching a wire is plugging in the cable; {@code null} unplugs it.
 */
public interface WireEnd extends FrameSink
{
    void attachWire(FrameSink wire);
}
