namespace Ledger.Core.Crypto;

/// <summary>A suite name that is not one of <see cref="CryptoSuites.Names"/>.</summary>
public sealed class UnknownSuiteException : LedgerCryptoException
{
    public UnknownSuiteException(string suiteName)
        : base($"unknown crypto suite '{suiteName}'; known suites: {string.Join(", ", CryptoSuites.Names)}")
    {
        SuiteName = suiteName;
    }

    public string SuiteName { get; }
}
