// Each subcommand is one benchmark; it ends with the closing key=value line its issue defines.
Console.Error.WriteLine("usage: Ledger.Bench <merkle|raft>  (benchmarks arrive with issues #3 and #4)");
return 2;
