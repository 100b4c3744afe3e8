// The node host lands with issue #5. Until then the binary says so plainly instead of pretending.
Console.Error.WriteLine("Ledger.Node: not yet implemented — the replicated node host arrives with issue #5 (see README).");
return 2;
