using Ledger.Registry.Signatures;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Verification;

/// <summary>
/// One persisted entry's signatures being checked ahead of apply. The pre-verifier fills
/// <see cref="Verdicts"/> and then marks it done (exactly once, also when it gives up), so an apply
/// waiting for it always wakes.
/// </summary>
internal sealed class PreverifyJob(ulong index, ulong term, ReadOnlyMemory<byte> data)
{
    private readonly ManualResetEventSlim done = new(initialState: false, spinCount: 1);
    private volatile IReadOnlyDictionary<byte[], SignatureVerdict> verdicts = Empty;

    private static readonly IReadOnlyDictionary<byte[], SignatureVerdict> Empty = new Dictionary<byte[], SignatureVerdict>(ByteArrayComparer.Instance);

    public ulong Index { get; } = index;

    public ulong Term { get; } = term;

    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>Valid once done: verdicts by transaction hash (empty when the job was abandoned).</summary>
    public IReadOnlyDictionary<byte[], SignatureVerdict> Verdicts => verdicts;

    public bool IsDone => done.IsSet;

    public void Complete(IReadOnlyDictionary<byte[], SignatureVerdict> computed)
    {
        verdicts = computed;
        done.Set();
    }

    /// <summary>Gives up: whoever waits gets no verdicts and checks inline.</summary>
    public void Abandon() => done.Set();

    public void WaitDone() => done.Wait();
}
