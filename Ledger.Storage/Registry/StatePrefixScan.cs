using Ledger.Registry.State;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// The one walk over registry-state keys under a prefix, in key order, resuming after a given key: shared by
/// the live state and a snapshot's view so both page the same way. The caller owns (and disposes) the iterator.
/// </summary>
internal static class StatePrefixScan
{
    internal static IEnumerable<StateEntry> Entries(Iterator iterator, StateKey prefix, StateKey? startAfter)
    {
        iterator.Seek((startAfter ?? prefix).UnsafeBytes);
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (!key.AsSpan().StartsWith(prefix.Span))
            {
                yield break;
            }

            if (startAfter is { } skip && skip.Span.SequenceEqual(key))
            {
                iterator.Next();
                continue;
            }

            yield return new StateEntry(new StateKey(key), iterator.Value());
            iterator.Next();
        }
    }
}
