using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Utilities;

namespace Ledger.Core.Crypto;

/// <summary>
/// An SM2 public key parsed once for many verifications (GM/T 0003.2, verification steps B1-B7) on
/// BouncyCastle's sm2p256v1 arithmetic. Z_A, the SM3 digest of the user id, the curve and the key,
/// which BouncyCastle's <c>SM2Signer</c> recomputes in every Init, is computed once here. The key's
/// first verification multiplies with BouncyCastle's own <see cref="ECAlgorithms.SumOfTwoMultiplies"/>;
/// from its second (<see cref="TableAtVerification"/>) it builds a <see cref="Sm2CombTable"/> of the
/// key's point, admitted to a bounded <see cref="Sm2CombTableCache"/>, and [s]G + [t]P_A runs as one
/// joint comb over that table and the generator's (31 doublings, at most 64 additions). Cross-checked
/// against SM2Signer, the GM/T examples and the cache at its bound (Sm2VerifyingKeyTests,
/// Sm2CombVerificationTests); measured by <c>Ledger.Bench sm2</c>.
/// </summary>
/// <remarks>
/// Nothing here needs to be constant-time: every input of a verification (key, message, signature)
/// is public, so branching and table indexing on them leak nothing. Thread-safe: the only mutable
/// state is the table reference and its bookkeeping, all updated atomically, and a verification reads
/// the table reference once.
/// </remarks>
internal sealed class Sm2BouncyCastleVerifyingKey
{
    /// <summary>The verification of a new key at which its comb table is built: the first runs on BouncyCastle's multiplier.</summary>
    public const int TableAtVerification = 2;

    /// <summary>
    /// After its table was evicted, a key verifies this many times on BouncyCastle's multiplier before
    /// it builds a table again, so more busy keys than the cache holds cost one table build per 64
    /// verifications (about 10 %), not one per verification.
    /// </summary>
    public const int TableAgainAfterVerifications = 64;

    private const int ScalarBytes = 32;

    // The generator's table, built once per process (about 0.5 ms) when the first key is made.
    private static readonly Sm2CombTable Sm2GeneratorTable = Sm2CombTable.Build(Sm2BouncyCastleBackend.Domain.G);

    // One SM3 state per thread for e = SM3(Z_A || M): no digest object per verification.
    [ThreadStatic]
    private static SM3Digest? threadDigest;

    private readonly byte[] userDigest;
    private readonly Sm2CombTableCache combTables;
    private readonly Sm2CombTable generatorTable;
    private readonly BigInteger order;
    private readonly bool jacobian;

    private Sm2CombTable? combTable;
    private int referenced;
    private int verificationsWithoutTable;
    private int tableThreshold = TableAtVerification;
    private int building;

    /// <summary>A key of the suite: default user id, the process-wide table cache.</summary>
    public Sm2BouncyCastleVerifyingKey(ECPublicKeyParameters parameters)
        : this(parameters, Sm2CombTableCache.Shared, Sm2Sm3Suite.DefaultUserId)
    {
    }

    /// <summary>A key with its own table cache and user id (tests; other curves of 256-bit order).</summary>
    internal Sm2BouncyCastleVerifyingKey(ECPublicKeyParameters parameters, Sm2CombTableCache combTables, ReadOnlySpan<byte> userId)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(combTables);
        var domain = parameters.Parameters;
        if (domain.N.BitLength > Sm2CombTable.ScalarBits)
        {
            throw new ArgumentException($"the comb handles orders of at most {Sm2CombTable.ScalarBits} bits", nameof(parameters));
        }

        Parameters = parameters;
        Point = parameters.Q.Normalize();
        this.combTables = combTables;
        var curve = domain.Curve;
        order = domain.N;
        jacobian = curve.CoordinateSystem is ECCurve.COORD_JACOBIAN or ECCurve.COORD_JACOBIAN_CHUDNOVSKY or ECCurve.COORD_JACOBIAN_MODIFIED;
        generatorTable = ReferenceEquals(curve, Sm2BouncyCastleBackend.Domain.Curve) && domain.G.Equals(Sm2BouncyCastleBackend.Domain.G)
            ? Sm2GeneratorTable
            : Sm2CombTable.Build(domain.G);
        userDigest = UserDigest(domain, Point, userId);
    }

    public ECPublicKeyParameters Parameters { get; }

    /// <summary>Whether this key holds a comb table now.</summary>
    internal bool HasCombTable => Volatile.Read(ref combTable) is not null;

    private ECPoint Point { get; }

    /// <summary>Whether <paramref name="signature"/> (r || s, 32 bytes each) is this key's SM2 signature of <paramref name="message"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 2 * ScalarBytes)
        {
            return false;
        }

        var rBytes = signature[..ScalarBytes];
        var sBytes = signature[ScalarBytes..];
        var r = new BigInteger(1, rBytes);
        var s = new BigInteger(1, sBytes);
        // B1, B2: r and s in [1, n-1].
        if (r.SignValue <= 0 || r.CompareTo(order) >= 0 || s.SignValue <= 0 || s.CompareTo(order) >= 0)
        {
            return false;
        }

        // B3, B4: e = SM3(Z_A || M).
        var digest = threadDigest ??= new SM3Digest();
        digest.Reset();
        digest.BlockUpdate(userDigest);
        digest.BlockUpdate(message);
        Span<byte> eBytes = stackalloc byte[ScalarBytes];
        digest.DoFinal(eBytes);
        var e = new BigInteger(1, eBytes);

        // B5: t = (r + s) mod n, not 0.
        var t = r.Add(s).Mod(order);
        if (t.SignValue == 0)
        {
            return false;
        }

        // B6: (x1, y1) = [s]G + [t]P_A.
        ECPoint sum;
        var table = TableForThisVerification();
        if (table is null)
        {
            sum = ECAlgorithms.SumOfTwoMultiplies(Parameters.Parameters.G, s, Point, t);
        }
        else
        {
            Span<byte> tBytes = stackalloc byte[ScalarBytes];
            BigIntegers.AsUnsignedByteArray(t, tBytes);
            sum = Sm2CombTable.SumOfTwoMultiplies(generatorTable, sBytes, table, tBytes);
        }

        // B7: (e + x1) mod n = r.
        return HasAffineXCongruentTo(sum, r.Subtract(e).Mod(order), order, jacobian);
    }

    /// <summary>
    /// Whether <paramref name="sum"/> is a finite point whose affine x is congruent to
    /// <paramref name="xModOrder"/> (in [0, n)) modulo n. Since 0 &lt;= x &lt; p &lt; 2n, x is either
    /// that value or that value plus n (only possible when below p).
    /// </summary>
    internal static bool HasAffineXCongruentTo(ECPoint sum, BigInteger xModOrder, BigInteger order, bool jacobian)
    {
        if (sum.IsInfinity)
        {
            return false;
        }

        if (HasAffineX(sum, xModOrder, jacobian))
        {
            return true;
        }

        var xPlusOrder = xModOrder.Add(order);
        return xPlusOrder.CompareTo(sum.Curve.Field.Characteristic) < 0 && HasAffineX(sum, xPlusOrder, jacobian);
    }

    /// <summary>Called by the cache, under its lock, when it admits this key.</summary>
    internal void SetCombTable(Sm2CombTable table)
    {
        Volatile.Write(ref referenced, 1);
        Volatile.Write(ref combTable, table);
    }

    /// <summary>Called by the cache, under its lock, when it evicts this key: back to BouncyCastle's multiplier for <see cref="TableAgainAfterVerifications"/> verifications.</summary>
    internal void DropCombTable()
    {
        Volatile.Write(ref combTable, null);
        Volatile.Write(ref tableThreshold, TableAgainAfterVerifications);
        Volatile.Write(ref verificationsWithoutTable, 0);
        Volatile.Write(ref building, 0);
    }

    /// <summary>CLOCK's second chance: whether the key was used since the last call, clearing the mark.</summary>
    internal bool ClearReferenced() => Interlocked.Exchange(ref referenced, 0) != 0;

    /// <summary>Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A), ENTL_A the id's length in bits (16 bits, big-endian).</summary>
    private static byte[] UserDigest(ECDomainParameters domain, ECPoint point, ReadOnlySpan<byte> userId)
    {
        var digest = new SM3Digest();
        var bits = userId.Length * 8;
        digest.Update((byte)(bits >> 8));
        digest.Update((byte)bits);
        digest.BlockUpdate(userId);
        Append(digest, domain.Curve.A.GetEncoded());
        Append(digest, domain.Curve.B.GetEncoded());
        var g = domain.G.Normalize();
        Append(digest, g.AffineXCoord.GetEncoded());
        Append(digest, g.AffineYCoord.GetEncoded());
        Append(digest, point.AffineXCoord.GetEncoded());
        Append(digest, point.AffineYCoord.GetEncoded());
        var z = new byte[32];
        digest.DoFinal(z, 0);
        return z;
    }

    private static void Append(SM3Digest digest, byte[] bytes) => digest.BlockUpdate(bytes, 0, bytes.Length);

    /// <summary>The key's comb table, building it when this verification reaches the threshold; null to use BouncyCastle's multiplier.</summary>
    private Sm2CombTable? TableForThisVerification()
    {
        var table = Volatile.Read(ref combTable);
        if (table is not null)
        {
            if (Volatile.Read(ref referenced) == 0)
            {
                Volatile.Write(ref referenced, 1);
            }

            return table;
        }

        // Counting stops at the threshold, so the counter cannot overflow however long a build takes.
        var threshold = Volatile.Read(ref tableThreshold);
        var verifications = Volatile.Read(ref verificationsWithoutTable);
        if (verifications < threshold)
        {
            verifications = Interlocked.Increment(ref verificationsWithoutTable);
        }

        if (verifications < threshold || Interlocked.CompareExchange(ref building, 1, 0) != 0)
        {
            // Below the threshold, or another thread is building this key's table right now.
            return null;
        }

        try
        {
            var built = Sm2CombTable.Build(Point);
            combTables.Admit(this, built);
            return built;
        }
        catch
        {
            Volatile.Write(ref building, 0);
            throw;
        }
    }

    /// <summary>Whether the affine x of the finite point <paramref name="sum"/> is <paramref name="x"/> (below p).</summary>
    private static bool HasAffineX(ECPoint sum, BigInteger x, bool jacobian)
    {
        var candidate = sum.Curve.FromBigInteger(x);
        if (!jacobian)
        {
            return candidate.Equals(sum.Normalize().AffineXCoord);
        }

        // Jacobian X = x * Z^2: two multiplications instead of the field inversion Normalize costs.
        var z = sum.GetZCoord(0);
        return candidate.Multiply(z.Square()).Equals(sum.XCoord);
    }
}
