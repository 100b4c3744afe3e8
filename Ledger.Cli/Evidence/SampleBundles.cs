using System.Text;
using Ledger.Core.Evidence;

namespace Ledger.Cli.Evidence;

/// <summary>
/// The published sample bundles (docs/samples/, described in docs/evidence-bundle.md), cut from
/// <see cref="SampleChain"/>: the same bytes every time they are generated.
/// </summary>
public static class SampleBundles
{
    public const string GenesisFile = "genesis.json";
    public const string ContentFile = "work-content.bin";

    /// <summary>One sample: its file name, what it shows, and the verdict it must get with the sample genesis pinned.</summary>
    public sealed record Sample(string FileName, string Description, EvidenceVerdict Verdict, byte[] Bytes);

    public static IReadOnlyList<Sample> Create()
    {
        var chain = new SampleChain();
        var rejected = EvidenceBundleJson.Write(chain.PlatformWorkBundle());
        return
        [
            new("valid.json", "studio's registration of the photo, accepted (block 1)", EvidenceVerdict.Valid, EvidenceBundleJson.Write(chain.StudioWorkBundle())),
            new("valid-item.json", "item 0 of platform's batch, accepted (block 2)", EvidenceVerdict.Valid, EvidenceBundleJson.Write(chain.PlatformItemBundle(0))),
            new("rejected.json", "platform's registration of the same photo, rejected as a duplicate, with studio's registration proven", EvidenceVerdict.Rejected, rejected),
            new("rejected-item.json", "item 1 of platform's batch (the same photo), rejected as a duplicate, with studio's registration proven", EvidenceVerdict.Rejected, EvidenceBundleJson.Write(chain.PlatformItemBundle(1))),
            new("rejected-item-prior-item.json", "item 2 of platform's batch, rejected as a duplicate of studio's batch item 1, both items proven", EvidenceVerdict.Rejected, EvidenceBundleJson.Write(chain.PlatformItemBundle(2))),
            new("tampered.json", "rejected.json with its result changed to OK (code 1): the log leaf no longer proves", EvidenceVerdict.Invalid, Tamper(rejected)),
        ];
    }

    public static byte[] Genesis() => new SampleChain().GenesisBytes;

    public static byte[] Content() => SampleChain.WorkContent;

    /// <summary>Claims the rejected registration was accepted: the first result's code 2 becomes 1.</summary>
    private static byte[] Tamper(byte[] bundle)
    {
        var json = Encoding.UTF8.GetString(bundle);
        const string Rejected = "\"result\":{\"code\":2,";
        var at = json.IndexOf(Rejected, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("the rejected sample has no rejected result");
        }

        return Encoding.UTF8.GetBytes(string.Concat(json.AsSpan(0, at), "\"result\":{\"code\":1,", json.AsSpan(at + Rejected.Length)));
    }
}
