package io.ringstack.tcp;

/** The congestion control algorithms a {@link TcpConfig} may choose for its connections. */
public enum CongestionAlgorithm
{
    /** RFC 5681 with NewReno's window (RFC 6582): halve on loss, one SMSS per round trip. */
    NEW_RENO
    {
        @Override
        public CongestionControl create()
        {
            return new NewReno();
        }
    },
    /** RFC 9438: cubic growth, beta 0.7, with Reno-friendly region and fast convergence. */
    CUBIC
    {
        @Override
        public CongestionControl create()
        {
            return new Cubic();
        }
    };

    /** A new instance for one connection. */
    public abstract CongestionControl create();
}
