using System.CommandLine;

namespace Ledger.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    public static Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: text (for people) or json (for scripts)",
        DefaultValueFactory = _ => OutputFormat.Text,
        Recursive = true,
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 0 ? "text" : result.Tokens[0].Value;
            switch (token.ToLowerInvariant())
            {
                case "text":
                    return OutputFormat.Text;
                case "json":
                    return OutputFormat.Json;
                default:
                    result.AddError($"--output must be 'text' or 'json', not '{token}'");
                    return OutputFormat.Text;
            }
        },
    };

    public static Option<string[]> Endpoints { get; } = new("--endpoint", "-e")
    {
        Description = "Node public URL (repeatable; else LEDGER_ENDPOINTS, comma-separated; else the context's; default " + ClientFactory.DefaultEndpoint + ", the dev node)",
        AllowMultipleArgumentsPerToken = false,
    };
}
