namespace Ledger.Registry.Model;

/// <summary>Crypto suite names as written in the genesis file and in envelopes.</summary>
public static class Suites
{
    public const string P256Sha256 = "p256-sha256";
    public const string Ed25519 = "ed25519";
    public const string Sm2Sm3 = "sm2-sm3";

    public static bool IsKnown(string suite) => suite is P256Sha256 or Ed25519 or Sm2Sm3;
}
