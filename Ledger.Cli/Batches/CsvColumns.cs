namespace Ledger.Cli.Batches;

/// <summary>
/// Which field of a CSV manifest line holds what. Without a header naming an SM3 column the
/// columns are the original ones, <c>item_id,content_sha256[,phash]</c> (a first line starting with
/// <c>item_id</c> is skipped whatever else it says, as it always was). A header that names
/// <c>content_sm3</c> (or <c>sm3</c>) sets the columns: <c>item_id</c> first, then any of
/// <c>content_sha256</c> (<c>sha256</c>), <c>content_sm3</c> (<c>sm3</c>), <c>phash</c>
/// (<c>perceptual_hash</c>), each at most once; the perceptual hash, if named, must be the last
/// column and may be left out of a line. Hash columns are required in every line.
/// </summary>
/// <param name="Sha256">Field index of the SHA-256, or -1.</param>
/// <param name="Sm3">Field index of the SM3, or -1.</param>
/// <param name="PerceptualHash">Field index of the perceptual hash (last, optional in a line), or -1.</param>
/// <param name="Count">Fields in a full line.</param>
public sealed record CsvColumns(int Sha256, int Sm3, int PerceptualHash, int Count)
{
    /// <summary>item_id and three more named columns.</summary>
    public const int ColumnsMax = 4;

    /// <summary>The original columns: item_id,content_sha256[,phash].</summary>
    public static CsvColumns Default { get; } = new(1, -1, 2, 3);

    /// <summary>Fields a line must have: all but an optional trailing perceptual hash.</summary>
    public int Required => PerceptualHash == Count - 1 ? Count - 1 : Count;

    /// <summary>The columns a first line starting with <c>item_id</c> names (see the type's summary).</summary>
    /// <exception cref="ManifestFormatException">It names an SM3 column and is otherwise not a valid header.</exception>
    public static CsvColumns FromHeader(ReadOnlySpan<char> header, string location)
    {
        Span<Range> fields = stackalloc Range[ColumnsMax + 2];
        var count = header.Split(fields, ',');
        var names = new string[Math.Min(count, ColumnsMax + 1)];
        var namesSm3 = false;
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = header[fields[i]].Trim().ToString().ToLowerInvariant();
            namesSm3 |= names[i] is "content_sm3" or "sm3";
        }

        if (!namesSm3)
        {
            return Default;
        }

        if (count > ColumnsMax)
        {
            throw new ManifestFormatException(location, $"a header names at most {ColumnsMax} columns (item_id,content_sha256,content_sm3,phash)");
        }

        int sha256 = -1, sm3 = -1, phash = -1;
        for (var i = 1; i < names.Length; i++)
        {
            var (column, twice) = names[i] switch
            {
                "content_sha256" or "sha256" => (0, sha256 >= 0),
                "content_sm3" or "sm3" => (1, sm3 >= 0),
                "phash" or "perceptual_hash" => (2, phash >= 0),
                _ => throw new ManifestFormatException(location, $"header column {i + 1} is not one of content_sha256, content_sm3, phash"),
            };
            if (twice)
            {
                throw new ManifestFormatException(location, $"header names column {names[i]} twice");
            }

            switch (column)
            {
                case 0:
                    sha256 = i;
                    break;
                case 1:
                    sm3 = i;
                    break;
                default:
                    phash = i;
                    break;
            }
        }

        if (phash >= 0 && phash != count - 1)
        {
            throw new ManifestFormatException(location, "the phash column must be the last one");
        }

        return new CsvColumns(sha256, sm3, phash, count);
    }

    /// <summary>The expected line, for errors.</summary>
    public string Describe()
    {
        var names = new string[Count];
        names[0] = "item_id";
        if (Sha256 >= 0)
        {
            names[Sha256] = "content_sha256_hex";
        }

        if (Sm3 >= 0)
        {
            names[Sm3] = "content_sm3_hex";
        }

        var required = string.Join(',', names, 0, Required);
        return Required < Count ? $"{required}[,phash_hex]" : required;
    }
}
