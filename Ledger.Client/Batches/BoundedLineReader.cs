namespace Ledger.Client.Batches;

/// <summary>
/// Reads a text line by line, refusing a line longer than its bound without holding it: memory is one
/// read buffer and one line of at most <c>lineCharsMax</c> characters, whatever the text holds
/// (<see cref="TextReader.ReadLine"/> would hold a line of any length). A trailing '\r' is dropped.
/// </summary>
internal sealed class BoundedLineReader
{
    private const int ReadBufferChars = 16 * 1024;

    private readonly TextReader reader;
    private readonly char[] buffer = new char[ReadBufferChars];
    private readonly char[] line;
    private int bufferStart;
    private int bufferEnd;
    private int lineLength;
    private bool ended;

    public BoundedLineReader(TextReader reader, int lineCharsMax)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(lineCharsMax, 1);
        this.reader = reader;
        line = new char[lineCharsMax];
    }

    /// <summary>Lines read so far: the number of the line <see cref="Line"/> holds.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The line the last successful <see cref="ReadLine"/> read (without its line ending).</summary>
    public ReadOnlySpan<char> Line => line.AsSpan(0, lineLength);

    /// <summary>Reads the next line into <see cref="Line"/>; false at the end of the text.</summary>
    /// <exception cref="BatchManifestException">The line is longer than the bound.</exception>
    public bool ReadLine()
    {
        if (ended)
        {
            return false;
        }

        var length = 0;
        while (true)
        {
            if (bufferStart == bufferEnd)
            {
                bufferEnd = reader.Read(buffer, 0, buffer.Length);
                bufferStart = 0;
                if (bufferEnd == 0)
                {
                    ended = true;
                    if (length == 0)
                    {
                        return false;
                    }

                    return Finish(length);
                }
            }

            var available = buffer.AsSpan(bufferStart, bufferEnd - bufferStart);
            var newline = available.IndexOf('\n');
            var take = newline < 0 ? available.Length : newline;
            if (length + take > line.Length)
            {
                throw new BatchManifestException(LineNumber + 1, $"line is longer than {line.Length} characters");
            }

            available[..take].CopyTo(line.AsSpan(length));
            length += take;
            bufferStart += take;
            if (newline >= 0)
            {
                bufferStart++;
                return Finish(length);
            }
        }
    }

    private bool Finish(int length)
    {
        LineNumber++;
        lineLength = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        return true;
    }
}
