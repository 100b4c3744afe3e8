// The deterministic cluster simulator lands with issue #4.
Console.Error.WriteLine("Ledger.Simulation: not yet implemented (issue #4).");
return 2;
