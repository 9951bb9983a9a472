package io.ringstack.nic.pci;

/**
 * A real 8254x could not be set up for ringstack's user-space driver. The message says what is wrong and what to
 * do about it (which privilege, which file, which command).
 */
public final class PciSetupException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public PciSetupException(final String message)
    {
        super(message);
    }

    public PciSetupException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
