// The `ledger` command-line tool arrives with issue #7.
Console.Error.WriteLine("ledger: not yet implemented (issue #7)");
return 2;
