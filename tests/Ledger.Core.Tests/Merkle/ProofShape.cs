namespace Ledger.Core.Tests.Merkle;

/// <summary>
/// The sequence of hashing steps the RFC 9162 verifiers take for given indices and sizes, with the
/// hashes left out. Two (index, size) pairs with the same shape hash the same proof identically, so
/// no verifier can tell them apart from the proof alone: an inclusion or consistency proof binds
/// the root, and only the signed tree head binds the root to its size. Mutation tests use this to
/// tell an inherent ambiguity from a verifier bug.
/// </summary>
internal static class ProofShape
{
    public static string Inclusion(ulong index, ulong size, int proofLength)
    {
        if (index >= size)
        {
            return "out-of-range";
        }

        var steps = new System.Text.StringBuilder();
        var fn = index;
        var sn = size - 1;
        for (var i = 0; i < proofLength; i++)
        {
            if (sn == 0)
            {
                return "too-long";
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                steps.Append('L');
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                steps.Append('R');
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? steps.ToString() : "too-short";
    }

    public static string Consistency(ulong size1, ulong size2, int proofLength)
    {
        if (size1 > size2)
        {
            return "out-of-order";
        }

        if (size1 == 0 || size1 == size2)
        {
            return proofLength == 0 ? $"trivial:{(size1 == 0 ? "empty" : "equal")}" : "too-long";
        }

        var steps = new System.Text.StringBuilder();
        var first = (size1 & (size1 - 1)) == 0 ? 0 : 1;
        steps.Append(first == 0 ? "root1;" : "proof0;");
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (var i = first; i < proofLength; i++)
        {
            if (sn == 0)
            {
                return "too-long";
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                steps.Append('B');
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                steps.Append('S');
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? steps.ToString() : "too-short";
    }
}
