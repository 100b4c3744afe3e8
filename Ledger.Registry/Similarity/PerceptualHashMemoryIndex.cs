using System.Numerics;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// The multi-index hashing tables of <see cref="PerceptualHashIndexLayout"/> held in memory, so a
/// similar-works query reads arrays instead of opening a storage iterator per bucket probe. It is
/// a cache of the state's perceptual-hash index entries (one per image), rebuilt from them (<see cref="Build"/>)
/// and fed the same entries as blocks are applied (<see cref="AddRange"/>).
/// <para>
/// Table j holds every hash rotated left by the bit offset of substring j, sorted, so substring j
/// is the top bits and a bucket is one contiguous run, found through a bucket-offset array.
/// Rotation keeps Hamming distance, so candidates are filtered without rotating back. Table 0
/// (no rotation: sorted by the hash itself) also carries each entry's ordinal, which names the
/// work id. Entries added since the last merge sit in an unsorted tail that every query scans;
/// the tail is merged into the tables when it reaches <see cref="TailEntriesMax"/>.
/// About 8m + 40 bytes per image (m = substrings): 10 million images with m = 4 is ~720 MB,
/// with m = 3 ~640 MB.
/// </para>
/// <para>
/// One writer (the thread applying blocks, or the loader) and any number of readers: the writer
/// publishes immutable snapshots, so readers never lock.
/// </para>
/// </summary>
public sealed class PerceptualHashMemoryIndex
{
    /// <summary>Unsorted entries a query scans before they are merged into the sorted tables.</summary>
    public const int TailEntriesMax = 131_072;

    /// <summary>Images one index holds (ordinals are 32-bit).</summary>
    public const int EntriesMax = int.MaxValue - 1;

    private const int WorkIdsPerChunk = 65_536;

    private readonly PerceptualHashIndexLayout layout;
    private readonly int[] offsetsBits;
    private readonly int tailEntriesMax;
    private Snapshot current;

    public PerceptualHashMemoryIndex(PerceptualHashIndexLayout layout, int tailEntriesMax = TailEntriesMax)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfLessThan(tailEntriesMax, 1);
        this.layout = layout;
        this.tailEntriesMax = tailEntriesMax;
        offsetsBits = new int[layout.SubstringCount];
        for (var j = 1; j < layout.SubstringCount; j++)
        {
            offsetsBits[j] = offsetsBits[j - 1] + layout.WidthBits(j - 1);
        }

        current = Snapshot.Empty(layout);
    }

    public PerceptualHashIndexLayout Layout => layout;

    /// <summary>Images indexed so far.</summary>
    public int Count => Volatile.Read(ref current).Count;

    /// <summary>Builds the index from a state's perceptual-hash entries (one per single registration) and its batches' item chunks.</summary>
    public static PerceptualHashMemoryIndex Build(IRegistryStateReader state, PerceptualHashIndexLayout layout, int tailEntriesMax = TailEntriesMax)
    {
        ArgumentNullException.ThrowIfNull(state);
        var index = new PerceptualHashMemoryIndex(layout, tailEntriesMax);
        var hashes = new List<ulong>();
        var workIds = new List<byte[]>();
        foreach (var entry in state.Scan(PerceptualHashIndex.EntriesPrefix))
        {
            if (!PerceptualHashIndex.TryReadEntry(entry.Key, out var hash, out var workId))
            {
                throw new InvalidDataException($"malformed perceptual-hash index key {Convert.ToHexString(entry.Key.Span)}");
            }

            hashes.Add(hash);
            workIds.Add(workId);
        }

        BatchItemImages.AddFrom(state, hashes, workIds);
        index.Load(hashes, workIds);
        return index;
    }

    /// <summary>Replaces the contents with these images, sorting once (bulk load).</summary>
    public void Load(IReadOnlyList<ulong> hashes, IReadOnlyList<byte[]> workIds)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentNullException.ThrowIfNull(workIds);
        if (hashes.Count != workIds.Count)
        {
            throw new ArgumentException($"{hashes.Count} hashes but {workIds.Count} work ids", nameof(workIds));
        }

        var empty = Snapshot.Empty(layout);
        var chunks = empty.WorkIdChunks;
        var tailHashes = new ulong[hashes.Count];
        for (var i = 0; i < hashes.Count; i++)
        {
            chunks = StoreWorkId(chunks, i, workIds[i]);
            tailHashes[i] = hashes[i];
        }

        var loaded = new Snapshot(empty.Tables, empty.Ordinals0, tailHashes, hashes.Count, hashes.Count, chunks);
        Volatile.Write(ref current, Merge(loaded));
    }

    /// <summary>
    /// Adds images (one block's new works, in apply order) and publishes them to readers. With
    /// <paramref name="skipExisting"/>, an image already indexed under the same work id is left out
    /// (a block that may have been seen by the scan that built the index).
    /// </summary>
    public void AddRange(IReadOnlyList<(ulong Hash, byte[] WorkId)> images, bool skipExisting = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        var snapshot = current;
        if (skipExisting)
        {
            var fresh = new List<(ulong Hash, byte[] WorkId)>(images.Count);
            foreach (var image in images)
            {
                if (!Contains(snapshot, image.Hash, image.WorkId))
                {
                    fresh.Add(image);
                }
            }

            images = fresh;
        }

        if (images.Count == 0)
        {
            return;
        }

        if ((long)snapshot.Count + images.Count > EntriesMax)
        {
            throw new InvalidOperationException($"the perceptual-hash memory index holds at most {EntriesMax} images");
        }

        var tail = snapshot.Tail;
        var tailCount = snapshot.TailCount;
        if (tailCount + images.Count > tail.Length)
        {
            Array.Resize(ref tail, Math.Max(tail.Length * 2, tailCount + images.Count));
        }

        var chunks = snapshot.WorkIdChunks;
        for (var i = 0; i < images.Count; i++)
        {
            // Slots past the published counts are invisible to readers, so writing them in place is safe.
            chunks = StoreWorkId(chunks, snapshot.Count + i, images[i].WorkId);
            tail[tailCount + i] = images[i].Hash;
        }

        var next = new Snapshot(snapshot.Tables, snapshot.Ordinals0, tail, tailCount + images.Count, snapshot.Count + images.Count, chunks);
        Volatile.Write(ref current, next.TailCount >= tailEntriesMax ? Merge(next) : next);
    }

    /// <summary>Same contract and results as <see cref="PerceptualHashIndex.FindSimilar"/>.</summary>
    public SimilarWorksResult FindSimilar(ulong query, int maxDistance, int limit)
    {
        if (maxDistance is < 0 or > RegistryLimits.PerceptualHashDistanceMax)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, $"must be in [0, {RegistryLimits.PerceptualHashDistanceMax}]");
        }

        if (limit is < 1 or > RegistryLimits.SimilarWorksResultsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"must be in [1, {RegistryLimits.SimilarWorksResultsMax}]");
        }

        var snapshot = Volatile.Read(ref current);
        var radius = layout.RadiusFor(maxDistance);
        var matched = new HashSet<ulong>();
        long visited = 0;
        var truncated = false;
        for (var j = 0; j < layout.SubstringCount && !truncated; j++)
        {
            var table = snapshot.Tables[j];
            var bucketStarts = table.BucketStarts;
            var rotatedQuery = BitOperations.RotateLeft(query, offsetsBits[j]);
            foreach (var value in PerceptualHashIndex.Neighbours(layout.Substring(query, j), layout.WidthBits(j), radius))
            {
                var start = bucketStarts[(int)value];
                var end = bucketStarts[(int)value + 1];
                if (visited + (end - start) > RegistryLimits.SimilarWorksCandidatesMax)
                {
                    end = start + (int)(RegistryLimits.SimilarWorksCandidatesMax - visited);
                    truncated = true;
                }

                visited += end - start;
                var rotated = table.Rotated;
                for (var i = start; i < end; i++)
                {
                    if (BitOperations.PopCount(rotated[i] ^ rotatedQuery) <= maxDistance)
                    {
                        matched.Add(BitOperations.RotateRight(rotated[i], offsetsBits[j]));
                    }
                }

                if (truncated)
                {
                    break;
                }
            }
        }

        var tailOrdinalsByHash = new Dictionary<ulong, List<int>>();
        var tailFirstOrdinal = snapshot.Count - snapshot.TailCount;
        for (var i = 0; i < snapshot.TailCount; i++)
        {
            var hash = snapshot.Tail[i];
            if (BitOperations.PopCount(hash ^ query) <= maxDistance)
            {
                matched.Add(hash);
                if (!tailOrdinalsByHash.TryGetValue(hash, out var ordinals))
                {
                    tailOrdinalsByHash[hash] = ordinals = [];
                }

                ordinals.Add(tailFirstOrdinal + i);
            }
        }

        var matches = new List<SimilarWork>();
        var sorted0 = snapshot.Tables[0].Rotated;
        foreach (var hash in matched)
        {
            var distance = BitOperations.PopCount(hash ^ query);
            var at = LowerBound(sorted0, hash);
            for (var i = at; i < sorted0.Length && sorted0[i] == hash; i++)
            {
                matches.Add(new SimilarWork(ReadWorkId(snapshot.WorkIdChunks, snapshot.Ordinals0[i]), hash, distance));
            }

            if (tailOrdinalsByHash.TryGetValue(hash, out var tailOrdinals))
            {
                foreach (var ordinal in tailOrdinals)
                {
                    matches.Add(new SimilarWork(ReadWorkId(snapshot.WorkIdChunks, ordinal), hash, distance));
                }
            }
        }

        matches.Sort(static (a, b) =>
        {
            var byDistance = a.Distance.CompareTo(b.Distance);
            return byDistance != 0 ? byDistance : a.WorkId.AsSpan().SequenceCompareTo(b.WorkId);
        });
        if (matches.Count > limit)
        {
            matches.RemoveRange(limit, matches.Count - limit);
        }

        return new SimilarWorksResult(matches, truncated);
    }

    private static bool Contains(Snapshot snapshot, ulong hash, byte[] workId)
    {
        var sorted0 = snapshot.Tables[0].Rotated;
        for (var i = LowerBound(sorted0, hash); i < sorted0.Length && sorted0[i] == hash; i++)
        {
            if (ReadWorkId(snapshot.WorkIdChunks, snapshot.Ordinals0[i]).AsSpan().SequenceEqual(workId))
            {
                return true;
            }
        }

        var tailFirstOrdinal = snapshot.Count - snapshot.TailCount;
        for (var i = 0; i < snapshot.TailCount; i++)
        {
            if (snapshot.Tail[i] == hash && ReadWorkId(snapshot.WorkIdChunks, tailFirstOrdinal + i).AsSpan().SequenceEqual(workId))
            {
                return true;
            }
        }

        return false;
    }

    private static int LowerBound(ulong[] sorted, ulong value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (sorted[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static byte[][] StoreWorkId(byte[][] chunks, int ordinal, byte[] workId)
    {
        if (workId.Length != WorkIds.WorkIdBytes)
        {
            throw new ArgumentException($"work id must be {WorkIds.WorkIdBytes} bytes, was {workId.Length}", nameof(workId));
        }

        var chunk = ordinal / WorkIdsPerChunk;
        if (chunk >= chunks.Length)
        {
            // Readers keep the array they started with; the chunks themselves are shared.
            var grown = new byte[Math.Max(chunks.Length * 2, chunk + 1)][];
            Array.Copy(chunks, grown, chunks.Length);
            chunks = grown;
        }

        chunks[chunk] ??= new byte[WorkIdsPerChunk * WorkIds.WorkIdBytes];
        workId.CopyTo(chunks[chunk], (ordinal % WorkIdsPerChunk) * WorkIds.WorkIdBytes);
        return chunks;
    }

    private static byte[] ReadWorkId(byte[][] chunks, int ordinal) =>
        chunks[ordinal / WorkIdsPerChunk].AsSpan((ordinal % WorkIdsPerChunk) * WorkIds.WorkIdBytes, WorkIds.WorkIdBytes).ToArray();

    // Rebuilds every table with the tail folded in: sort the tail per table, then one linear merge.
    private Snapshot Merge(Snapshot snapshot)
    {
        var tailFirstOrdinal = snapshot.Count - snapshot.TailCount;
        var tables = new Table[layout.SubstringCount];
        int[] ordinals0 = [];
        Parallel.For(0, layout.SubstringCount, j =>
        {
            var old = snapshot.Tables[j].Rotated;
            var tail = new ulong[snapshot.TailCount];
            var tailOrdinals = j == 0 ? new int[snapshot.TailCount] : [];
            for (var i = 0; i < tail.Length; i++)
            {
                tail[i] = BitOperations.RotateLeft(snapshot.Tail[i], offsetsBits[j]);
                if (j == 0)
                {
                    tailOrdinals[i] = tailFirstOrdinal + i;
                }
            }

            if (j == 0)
            {
                // Equal hashes stay in ordinal order (tail ordinals are all newer), so the merge is deterministic.
                Array.Sort(tail, tailOrdinals);
            }
            else
            {
                Array.Sort(tail);
            }

            var merged = new ulong[old.Length + tail.Length];
            var mergedOrdinals = j == 0 ? new int[merged.Length] : [];
            int a = 0, b = 0, o = 0;
            while (a < old.Length || b < tail.Length)
            {
                var takeOld = b >= tail.Length || (a < old.Length && old[a] <= tail[b]);
                if (takeOld)
                {
                    if (j == 0)
                    {
                        mergedOrdinals[o] = snapshot.Ordinals0[a];
                    }

                    merged[o++] = old[a++];
                }
                else
                {
                    if (j == 0)
                    {
                        mergedOrdinals[o] = tailOrdinals[b];
                    }

                    merged[o++] = tail[b++];
                }
            }

            tables[j] = Table.Create(merged, layout.WidthBits(j));
            if (j == 0)
            {
                ordinals0 = mergedOrdinals;
            }
        });
        return new Snapshot(tables, ordinals0, new ulong[Math.Min(TailEntriesMax, 1024)], 0, snapshot.Count, snapshot.WorkIdChunks);
    }

    private sealed record Table(ulong[] Rotated, int[] BucketStarts)
    {
        public static Table Create(ulong[] rotated, int widthBits)
        {
            // Bucket v spans BucketStarts[v] .. BucketStarts[v + 1]: a counting pass over the sorted run.
            var starts = new int[(1 << widthBits) + 1];
            var shift = 64 - widthBits;
            foreach (var value in rotated)
            {
                starts[(int)(value >> shift) + 1]++;
            }

            for (var v = 1; v < starts.Length; v++)
            {
                starts[v] += starts[v - 1];
            }

            return new Table(rotated, starts);
        }
    }

    private sealed record Snapshot(Table[] Tables, int[] Ordinals0, ulong[] Tail, int TailCount, int Count, byte[][] WorkIdChunks)
    {
        public static Snapshot Empty(PerceptualHashIndexLayout layout)
        {
            var tables = new Table[layout.SubstringCount];
            for (var j = 0; j < tables.Length; j++)
            {
                tables[j] = Table.Create([], layout.WidthBits(j));
            }

            return new Snapshot(tables, [], new ulong[1024], 0, 0, []);
        }
    }
}
