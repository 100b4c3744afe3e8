using Ledger.Fuzz;

return FuzzCommandLine.Run(args, Console.Error);
