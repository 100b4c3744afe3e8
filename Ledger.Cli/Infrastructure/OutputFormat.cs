namespace Ledger.Cli.Infrastructure;

public enum OutputFormat
{
    Text,
    Json,
}
