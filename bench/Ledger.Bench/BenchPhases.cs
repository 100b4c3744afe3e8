namespace Ledger.Bench;

/// <summary>
/// Which phases of the cluster benchmark run (<c>--phases unary,stream,etcd,open</c>; all by default).
/// A subset is for diagnosis only: the closing line compares phases, so it needs all of them.
/// </summary>
public sealed record BenchPhases(bool Unary, bool Stream, bool Etcd, bool Open)
{
    private static readonly string[] Names = ["unary", "stream", "etcd", "open"];

    public bool All => Unary && Stream && Etcd && Open;

    public static BenchPhases Parse(string? list)
    {
        if (list is null)
        {
            return new BenchPhases(true, true, true, true);
        }

        var chosen = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in chosen)
        {
            if (Array.IndexOf(Names, name) < 0)
            {
                throw new ArgumentException($"--phases: unknown phase '{name}'; choose from {string.Join(',', Names)}");
            }
        }

        return new BenchPhases(
            Array.IndexOf(chosen, "unary") >= 0,
            Array.IndexOf(chosen, "stream") >= 0,
            Array.IndexOf(chosen, "etcd") >= 0,
            Array.IndexOf(chosen, "open") >= 0);
    }

    public override string ToString() =>
        string.Join(',', Array.FindAll(Names, name => name switch
        {
            "unary" => Unary,
            "stream" => Stream,
            "etcd" => Etcd,
            _ => Open,
        }));
}
