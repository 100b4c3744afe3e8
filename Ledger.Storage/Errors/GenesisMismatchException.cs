namespace Ledger.Storage.Errors;

/// <summary>
/// The data directory was created under another genesis file than the one this node was started with,
/// though the chain id is the same (a member's key, a role or a node changed in the file): serving that
/// data under this genesis would verify transactions against keys the chain never had.
/// </summary>
public sealed class GenesisMismatchException(string dataDirectory, string chainId, byte[] storedHash, byte[] configuredHash)
    : StorageException(
        $"data directory '{dataDirectory}' (chain '{chainId}') was created under the genesis file with hash {Convert.ToHexStringLower(storedHash)}, " +
        $"but this node was started with a genesis file hashing to {Convert.ToHexStringLower(configuredHash)}. " +
        "Start it with the genesis file the directory was created under (every node of the consortium must use the same file, byte for byte; " +
        "changes to members, keys and nodes are made by governance transactions, not by editing genesis.json), " +
        "or, for a new chain, give it a new data directory")
{
    public string DataDirectory { get; } = dataDirectory;

    public byte[] StoredHash { get; } = storedHash;

    public byte[] ConfiguredHash { get; } = configuredHash;
}
