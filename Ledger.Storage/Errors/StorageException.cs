namespace Ledger.Storage.Errors;

/// <summary>Base of every error the storage layer raises on purpose.</summary>
public class StorageException : Exception
{
    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
