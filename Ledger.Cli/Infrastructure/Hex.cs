namespace Ledger.Cli.Infrastructure;

public static class Hex
{
    public static byte[] Parse(string text, string what)
    {
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw CliException.Usage($"{what} is not hex: '{text}'");
        }
    }
}
