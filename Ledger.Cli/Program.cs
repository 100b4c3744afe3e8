using Ledger.Cli;
using Ledger.Cli.Infrastructure;

return LedgerCli.Run(args, CliEnvironment.FromConsole());
