using Microsoft.Extensions.Options;

namespace Ledger.Node.Configuration;

/// <summary>
/// <see cref="NodeOptions.Validate"/> as an options validator: registered with <c>ValidateOnStart</c>, and
/// run by <see cref="NodeConfiguration.Load"/> before anything opens the data directory.
/// </summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
