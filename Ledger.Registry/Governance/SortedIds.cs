using Google.Protobuf.Collections;

namespace Ledger.Registry.Governance;

/// <summary>Ordinally sorted, duplicate-free string lists inside records (admins, nodes, voters).</summary>
internal static class SortedIds
{
    public static bool Contains(RepeatedField<string> ids, string id) => Find(ids, id) >= 0;

    public static bool Add(RepeatedField<string> ids, string id)
    {
        var index = Find(ids, id);
        if (index >= 0)
        {
            return false;
        }

        ids.Insert(~index, id);
        return true;
    }

    public static bool Remove(RepeatedField<string> ids, string id)
    {
        var index = Find(ids, id);
        if (index < 0)
        {
            return false;
        }

        ids.RemoveAt(index);
        return true;
    }

    // Binary search; returns the index, or the bitwise complement of the insertion point.
    private static int Find(RepeatedField<string> ids, string id)
    {
        var low = 0;
        var high = ids.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(ids[middle], id);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
