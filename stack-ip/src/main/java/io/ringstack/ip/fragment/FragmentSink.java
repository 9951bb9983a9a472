package io.ringstack.ip.fragment;

/** Receives each fragment {@link Ipv4Fragmenter} builds, in order of offset. */
@FunctionalInterface
public interface FragmentSink
{
    /**
     * @param handle   the fragment's buffer in the fragmenter's pool; on {@code true} the sink owns its reference
     *                 (and releases it, or hands it to the TX ring)
     * @param ipOffset where the fragment's IP header starts in the pool's memory
     * @param ipLength the fragment's total length
     * @return false if the fragment could not be sent: the fragmenter then releases it and stops
     */
    boolean onFragment(int handle, int ipOffset, int ipLength);
}
