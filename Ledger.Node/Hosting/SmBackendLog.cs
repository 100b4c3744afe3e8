using Ledger.Core.Crypto;
using Ledger.Node.Chain;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>
/// On an sm2-sm3 consortium, the node says at start which implementation its SM2 signatures and SM3
/// hashes run on (OpenSSL or BouncyCastle) and why (<see cref="Sm2Sm3Backends.Describe"/>): both decide
/// alike for every input, only speed differs, so an operator comparing nodes' throughput needs to know.
/// </summary>
public static partial class SmBackendLog
{
    /// <summary>Logs the choice once (event 6104) when the chain's suite is sm2-sm3; nothing otherwise.</summary>
    public static void IfSmSuite(ChainContext chain, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(logger);
        if (chain.Suite.Name == CryptoSuites.Sm2Sm3Name)
        {
            Chosen(logger, Sm2Sm3Backends.Describe());
        }
    }

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "sm2-sm3 suite: {Choice}")]
    private static partial void Chosen(ILogger logger, string choice);
}
