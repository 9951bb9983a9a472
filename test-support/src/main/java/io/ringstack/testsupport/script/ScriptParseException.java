package io.ringstack.testsupport.script;

/**
 * A script that does not follow the grammar. The message names the script, line and column, and shows the line
 * with a caret under the column:
 * <pre>
 * handshake.pkt:3:14: expected ':' between the start and the end sequence number
 *     +0 &lt; S 0 0(0) win 65535
 *               ^
 * </pre>
 */
public final class ScriptParseException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String scriptName;
    private final int line;
    private final int column;
    private final String problem;

    ScriptParseException(final String scriptName, final int line, final int column, final String problem,
        final String lineText)
    {
        super(scriptName + ":" + line + ":" + column + ": " + problem + "\n    " + lineText + "\n    " +
            caretIndent(lineText, column) + "^");
        this.scriptName = scriptName;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** Spaces under the line up to the column, keeping its tabs so that the caret lines up. */
    private static String caretIndent(final String lineText, final int column)
    {
        final StringBuilder indent = new StringBuilder();
        for (int i = 0; i < column - 1; i++)
        {
            indent.append(i < lineText.length() && lineText.charAt(i) == '\t' ? '\t' : ' ');
        }
        return indent.toString();
    }

    public String scriptName()
    {
        return scriptName;
    }

    /** 1-based. */
    public int line()
    {
        return line;
    }

    /** 1-based; tabs count as one column. */
    public int column()
    {
        return column;
    }

    /** The message without the place and the quoted line. */
    public String problem()
    {
        return problem;
    }
}
