package io.ringstack.demo.http;

import org.agrona.MutableDirectBuffer;

/**
 * The Date header's value in IMF-fixdate (RFC 9110 §5.6.7), written without allocating:
 * <pre>
 *   Sun, 06 Nov 1994 08:49:37 GMT
 *   |    |  |   |    |        |
 *   day  dd mon yyyy hh:mm:ss GMT     29 bytes, always
 * </pre>
 * The calendar arithmetic is the proleptic Gregorian "days from civil" inversion (H. Hinnant's algorithm).
 */
public final class HttpDate
{
    /** Bytes of an IMF-fixdate. */
    public static final int LENGTH = 29;

    private static final byte[] DAYS = Ascii.bytes("ThuFriSatSunMonTueWed"); // 1970-01-01 was a Thursday
    private static final byte[] MONTHS = Ascii.bytes("JanFebMarAprMayJunJulAugSepOctNovDec");

    private HttpDate()
    {
    }

    /** Writes the date of {@code epochSecond} (seconds since 1970-01-01T00:00:00Z, >= 0) at {@code offset}. */
    public static void format(final long epochSecond, final MutableDirectBuffer buffer, final int offset)
    {
        final long days = Math.floorDiv(epochSecond, 86_400L);
        final int secondOfDay = (int)Math.floorMod(epochSecond, 86_400L);
        final int weekday = (int)Math.floorMod(days, 7L);
        // civil from days (era of 400 years, day of era, year of era, day of year, month shifted to start in March)
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097L);
        final long dayOfEra = z - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long shiftedMonth = (5 * dayOfYear + 2) / 153;
        final int day = (int)(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        final int month = (int)(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        buffer.putBytes(offset, DAYS, weekday * 3, 3);
        buffer.putByte(offset + 3, (byte)',');
        buffer.putByte(offset + 4, Ascii.SP);
        two(buffer, offset + 5, day);
        buffer.putByte(offset + 7, Ascii.SP);
        buffer.putBytes(offset + 8, MONTHS, (month - 1) * 3, 3);
        buffer.putByte(offset + 11, Ascii.SP);
        two(buffer, offset + 12, (int)(year / 100));
        two(buffer, offset + 14, (int)(year % 100));
        buffer.putByte(offset + 16, Ascii.SP);
        two(buffer, offset + 17, secondOfDay / 3600);
        buffer.putByte(offset + 19, Ascii.COLON);
        two(buffer, offset + 20, secondOfDay / 60 % 60);
        buffer.putByte(offset + 22, Ascii.COLON);
        two(buffer, offset + 23, secondOfDay % 60);
        buffer.putByte(offset + 25, Ascii.SP);
        buffer.putByte(offset + 26, (byte)'G');
        buffer.putByte(offset + 27, (byte)'M');
        buffer.putByte(offset + 28, (byte)'T');
    }

    private static void two(final MutableDirectBuffer buffer, final int offset, final int value)
    {
        buffer.putByte(offset, (byte)('0' + value / 10));
        buffer.putByte(offset + 1, (byte)('0' + value % 10));
    }
}
