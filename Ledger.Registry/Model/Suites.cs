using Ledger.Core.Crypto;

namespace Ledger.Registry.Model;

/// <summary>Crypto suite names as written in the genesis file and in envelopes; their one home is <see cref="CryptoSuites"/>.</summary>
public static class Suites
{
    public const string P256Sha256 = CryptoSuites.P256Sha256Name;
    public const string Ed25519 = CryptoSuites.Ed25519Name;
    public const string Sm2Sm3 = CryptoSuites.Sm2Sm3Name;

    public static bool IsKnown(string suite) => CryptoSuites.TryGet(suite, out _);
}
