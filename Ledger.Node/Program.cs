using Ledger.Node.Hosting;

return await (Ledger.Node.Admin.NodeCommands.TryRun(args) ?? NodeProgram.RunAsync(args)).ConfigureAwait(false);
