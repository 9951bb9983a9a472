package io.ringstack.testsupport.script;

/**
 * The TCP control bits (RFC 9293 §3.1, RFC 3168 §6.1 for ECE and CWR) and their letters in scripts:
 * <pre>
 *   F FIN   S SYN   R RST   P PSH   . ACK   U URG   E ECE   W CWR      - no bits at all
 * </pre>
 * The canonical text lists them in the order {@code F S R P . U E W}, as packetdrill and tcpdump do: {@code S.},
 * {@code P.}, {@code FP.}, {@code SEW}.
 */
public final class TcpFlags
{
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private static final String LETTERS = "FSRP.UEW";

    private TcpFlags()
    {
    }

    /** The bit for a script letter, or 0 when the character is not one. */
    public static int bit(final char letter)
    {
        final int index = LETTERS.indexOf(letter);
        return index < 0 ? 0 : 1 << index;
    }

    /** The script text of the bits: {@code "S."}, or {@code "-"} for none. */
    public static String text(final int flags)
    {
        if ((flags & 0xFF) == 0)
        {
            return "-";
        }
        final StringBuilder text = new StringBuilder(8);
        for (int i = 0; i < LETTERS.length(); i++)
        {
            if ((flags & (1 << i)) != 0)
            {
                text.append(LETTERS.charAt(i));
            }
        }
        return text.toString();
    }

    public static boolean has(final int flags, final int bit)
    {
        return (flags & bit) != 0;
    }
}
