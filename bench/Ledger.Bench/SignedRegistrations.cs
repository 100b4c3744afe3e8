using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Bench;

/// <summary>
/// RegisterWork transactions signed before any timed phase, so the load generator's own signing
/// never shows up in the ledger's figures. Each has fresh random content and its own nonce.
/// </summary>
public sealed class SignedRegistrations
{
    private readonly SubmitRequest[] requests;

    private SignedRegistrations(SubmitRequest[] requests, int wireBytes)
    {
        this.requests = requests;
        WireBytes = wireBytes;
    }

    public int Count => requests.Length;

    /// <summary>Serialized size of one SignedTransaction (the ledger's equivalent of the etcd value).</summary>
    public int WireBytes { get; }

    public SubmitRequest this[int index] => requests[index];

    /// <summary>Signs <paramref name="count"/> registrations of about <paramref name="targetBytes"/> each, in parallel.</summary>
    public static SignedRegistrations Create(ConsortiumGenesis genesis, KeyPair signer, int count, int targetBytes, ulong firstNonce)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(signer);
        var memberId = MemberIdOf(genesis, signer);

        // The title pads the transaction to the target size; measure once with an empty title.
        var sm3 = ContentHashPolicy.RequiresSm3(genesis.Suite);
        var probe = Sign(genesis.ChainId, signer, memberId, firstNonce, 0, sm3);
        var titleBytes = Math.Max(1, targetBytes - probe.CalculateSize());
        var requests = new SubmitRequest[count];
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, count, i =>
        {
            requests[i] = new SubmitRequest
            {
                Transaction = Sign(genesis.ChainId, signer, memberId, firstNonce + (ulong)i, titleBytes, sm3),
                CorrelationId = (ulong)i,
            };
        });
        var wireBytes = requests[0].Transaction.CalculateSize();
        Console.Error.WriteLine($"signed {count} registrations of {wireBytes} bytes in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s (not timed)");
        return new SignedRegistrations(requests, wireBytes);
    }

    /// <summary>
    /// Signature checks per second over these transactions with every core and nothing else to do (up
    /// to <paramref name="count"/> of them, at least <paramref name="minimum"/> long): the door verifies
    /// each submission once, so no ledger on this machine commits more signed transactions than this.
    /// Also returns the CPU-seconds per check.
    /// </summary>
    public (double PerSecond, double CpuMicroseconds) MeasureVerification(ConsortiumGenesis genesis, KeyPair signer, int count, TimeSpan minimum)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(signer);
        count = Math.Min(count, requests.Length);
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long verified = 0;
        do
        {
            Parallel.For(0, count, i =>
            {
                var transaction = requests[i].Transaction;
                if (!TransactionSigning.Verify(signer.Public, transaction.Envelope.Span, transaction.Signature.Span, genesis.ChainId))
                {
                    throw new InvalidOperationException("a pre-signed transaction does not verify");
                }
            });
            verified += count;
        }
        while (Stopwatch.GetElapsedTime(started) < minimum);

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        return (verified / elapsed, cpu / verified * 1e6);
    }

    /// <summary>A view over <paramref name="length"/> requests from <paramref name="start"/>, for one phase.</summary>
    public ArraySegment<SubmitRequest> Slice(int start, int length) => new(requests, start, length);

    /// <param name="sm3">Also carry an SM3 content hash, as the CLI sends on an sm2-sm3 consortium (which requires it);
    /// p256 runs keep SHA-256 only so their figures stay comparable with earlier runs.</param>
    private static SignedTransaction Sign(string chainId, KeyPair signer, string memberId, ulong nonce, int titleBytes, bool sm3)
    {
        var body = new RegisterWork
        {
            ContentHash = new ContentHash
            {
                Sha256 = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(ContentHashPolicy.HashBytes)),
                Sm3 = sm3 ? ByteString.CopyFrom(RandomNumberGenerator.GetBytes(ContentHashPolicy.HashBytes)) : ByteString.Empty,
            },
            MediaType = MediaType.Image,
            Title = new string('t', titleBytes),
            RightsHolder = new RightsHolder { MemberId = memberId },
        };
        var envelope = new TransactionEnvelope
        {
            ChainId = chainId,
            Nonce = nonce,
            Type = TransactionType.RegisterWork,
            Body = body.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
        };
        var envelopeBytes = envelope.ToByteArray();
        var signature = SigningInput.Sign(signer, SigningContexts.TransactionSignature, chainId, envelopeBytes);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
    }

    private static string MemberIdOf(ConsortiumGenesis genesis, KeyPair signer)
    {
        var publicKey = signer.Public.ToArray();
        foreach (var member in genesis.Members)
        {
            foreach (var key in member.Keys)
            {
                if (key.PublicKey.AsSpan().SequenceEqual(publicKey))
                {
                    if (member.Role != "platform")
                    {
                        throw new ArgumentException($"member '{member.Id}' has role '{member.Role}'; registering works needs a platform member's key");
                    }

                    return member.Id;
                }
            }
        }

        throw new ArgumentException("the --key is not a key of any genesis member");
    }
}
