using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;

namespace Ledger.Bench;

/// <summary>
/// SM2 and SM3 on the system's OpenSSL 3 against BouncyCastle, in the same run, on one thread:
/// verifications, signatures and key parses per CPU-second (so per core, and insensitive to other
/// load on a shared machine) and SM3 throughput on large and transaction-sized inputs. Rounds
/// alternate the backends and the baselines; the best round of each is reported, and every ratio
/// is between figures of this one run.
/// </summary>
/// <remarks>
/// Baselines, all BouncyCastle's own <c>SM2Signer</c> with SM3 and the default user id, on the same
/// messages (see docs/sm-crypto.md):
/// <list type="bullet">
/// <item><b>stock, key decoded per verification</b> (<c>sm2_verify_per_s_bc_sm2signer_decoded</c>):
/// a new SM2Signer initialised with ECPublicKeyParameters decoded from the key's bytes for that
/// verification, which is how the door and the apply path verified before #20 (they decoded the
/// signer's key per transaction); Z_A and the point's wNAF table are computed every time.</item>
/// <item><b>stock, key parameters retained</b> (<c>sm2_verify_per_s_bc_sm2signer</c>): a new SM2Signer
/// per verification over one retained ECPublicKeyParameters. Z_A is computed every time, but
/// BouncyCastle keeps the point's tables on the point object and, after four uses, switches it to its
/// fixed-point comb (width 6), so this is already a precomputed-key figure.</item>
/// <item><b>reused signer</b> (<c>sm2_verify_per_s_bc_sm2signer_reused</c>): one SM2Signer initialised
/// once (Z_A once), fed one message after another.</item>
/// </list>
/// </remarks>
public sealed class Sm2Bench : IBenchCommand
{
    private const long RoundsDefault = 3;
    private const long VerificationsPerRoundDefault = 2_000;
    private const int SignaturesPerRound = 300;
    private const int KeysParsedPerRound = 300;
    private const int MessageBytes = 256; // about one signed registration envelope
    private const int Sm3LargeInputBytes = 1 << 20;
    private const int Sm3LargeHashesPerRound = 64;
    private const int Sm3SmallInputBytes = 81; // a Merkle leaf: 0x00 || 32-byte hash plus framing
    private const int Sm3SmallHashesPerRound = 200_000;
    private const int Seed = 32918;

    public string Name => "sm2";

    public string Usage => "[--rounds N] [--verifies N]   SM2 verify/sign and SM3 speed, OpenSSL vs BouncyCastle (one thread)";

    public int Run(string[] args)
    {
        var rounds = BenchArguments.PositiveLong(args, "--rounds", RoundsDefault);
        var verificationsPerRound = (int)BenchArguments.PositiveLong(args, "--verifies", VerificationsPerRoundDefault);
        var backends = Sm2Sm3Backends.Available;
        Console.Error.WriteLine($"sm2-sm3 suite backend in use: signatures {Sm2Sm3Backends.SignatureBackend}, SM3 {Sm2Sm3Backends.HashBackend}; measuring {string.Join(", ", backends)}");

        var results = backends.ToDictionary(backend => backend, _ => new Result());
        var signers = new SignerResult();
        for (var round = 0; round < rounds; round++)
        {
            var signerRound = MeasureBouncyCastleSigner(verificationsPerRound);
            signers.KeepBest(signerRound);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} BouncyCastle SM2Signer: verify {signerRound.RetainedPerCpuSecond,8:F0}/s new signer per verification over retained key parameters, {signerRound.DecodedPerCpuSecond,8:F0}/s key decoded per verification, {signerRound.ReusedPerCpuSecond,8:F0}/s one signer reused"));
            foreach (var backend in backends)
            {
                var result = Measure(backend, verificationsPerRound);
                results[backend].KeepBest(result);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {backend,-12}: verify {result.VerifiesPerCpuSecond,8:F0}/s (key decoded per call {result.UncachedVerifiesPerCpuSecond,8:F0}/s)  sign {result.SignsPerCpuSecond,8:F0}/s  key parse {result.ParsesPerCpuSecond,8:F0}/s  SM3 {result.Sm3LargeMegabytesPerSecond,6:F0} MB/s, {result.Sm3SmallHashesPerSecond,9:F0} x {Sm3SmallInputBytes} B/s"));
            }
        }

        foreach (var (backend, result) in results)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{backend,-12}  SM2 verify {result.VerifiesPerCpuSecond,8:F0}/s per core (key decoded per call {result.UncachedVerifiesPerCpuSecond,8:F0}/s)   sign {result.SignsPerCpuSecond,8:F0}/s   key parse {result.ParsesPerCpuSecond,8:F0}/s   SM3 {result.Sm3LargeMegabytesPerSecond,6:F0} MB/s   SM3({Sm3SmallInputBytes} B) {result.Sm3SmallHashesPerSecond,9:F0}/s"));
        }

        var bouncyCastle = results[Sm2Sm3Backends.BouncyCastle];
        var openSsl = results.GetValueOrDefault(Sm2Sm3Backends.OpenSsl) ?? new Result();
        var inUse = results[Sm2Sm3Backends.SignatureBackend];
        var tableBytes = MeasureCombTableBytes();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BouncyCastle SM2Signer, new per verification, key decoded per verification (before #20): SM2 verify {signers.DecodedPerCpuSecond,8:F0}/s per core"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BouncyCastle SM2Signer, new per verification, key parameters retained:                SM2 verify {signers.RetainedPerCpuSecond,8:F0}/s per core, {signers.RetainedBytesPerVerification,7:F0} B allocated per verification"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BouncyCastle SM2Signer, one signer reused:                                            SM2 verify {signers.ReusedPerCpuSecond,8:F0}/s per core"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in use ({Sm2Sm3Backends.SignatureBackend}): key cached {inUse.VerifiesPerCpuSecond,8:F0}/s per core ({inUse.BytesPerVerification,7:F0} B allocated per verification), first use of a key {inUse.UncachedVerifiesPerCpuSecond,8:F0}/s; x{inUse.VerifiesPerCpuSecond / signers.DecodedPerCpuSecond:F2} SM2Signer with the key decoded per verification, x{inUse.VerifiesPerCpuSecond / signers.RetainedPerCpuSecond:F2} with the key parameters retained, x{inUse.VerifiesPerCpuSecond / signers.ReusedPerCpuSecond:F2} one signer reused"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"comb tables: at most {Sm2Sm3Backends.CombTablesMax} keys, {tableBytes:F0} B retained per table (measured), {Sm2Sm3Backends.CombTablesMax * tableBytes / 1e6:F1} MB at the bound"));
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"sm2_backend={Sm2Sm3Backends.SignatureBackend} sm2_verify_per_s_openssl={openSsl.VerifiesPerCpuSecond:F0} sm2_verify_per_s_bouncycastle={bouncyCastle.VerifiesPerCpuSecond:F0} sm2_verify_ratio={openSsl.VerifiesPerCpuSecond / bouncyCastle.VerifiesPerCpuSecond:F2} sm2_verify_uncached_per_s_openssl={openSsl.UncachedVerifiesPerCpuSecond:F0} sm2_verify_uncached_per_s_bouncycastle={bouncyCastle.UncachedVerifiesPerCpuSecond:F0} sm3_mb_per_s_openssl={openSsl.Sm3LargeMegabytesPerSecond:F0} sm3_mb_per_s_bouncycastle={bouncyCastle.Sm3LargeMegabytesPerSecond:F0} sm2_verify_per_s_bc_sm2signer={signers.RetainedPerCpuSecond:F0} sm2_verify_in_use_vs_bc_sm2signer={Math.Max(openSsl.VerifiesPerCpuSecond, bouncyCastle.VerifiesPerCpuSecond) / signers.RetainedPerCpuSecond:F2}"
            + $" sm2_verify_per_s_in_use={inUse.VerifiesPerCpuSecond:F0} sm2_verify_per_s_first_use={inUse.UncachedVerifiesPerCpuSecond:F0} sm2_verify_per_s_bc_sm2signer_decoded={signers.DecodedPerCpuSecond:F0} sm2_verify_per_s_bc_sm2signer_reused={signers.ReusedPerCpuSecond:F0} sm2_verify_in_use_vs_bc_sm2signer_decoded={inUse.VerifiesPerCpuSecond / signers.DecodedPerCpuSecond:F2} sm2_verify_in_use_vs_bc_sm2signer_reused={inUse.VerifiesPerCpuSecond / signers.ReusedPerCpuSecond:F2} sm2_verify_alloc_bytes_in_use={inUse.BytesPerVerification:F0} sm2_verify_alloc_bytes_bc_sm2signer={signers.RetainedBytesPerVerification:F0} sm2_comb_tables_max={Sm2Sm3Backends.CombTablesMax} sm2_comb_table_bytes={tableBytes:F0}"));
        return 0;
    }

    /// <summary>
    /// Managed bytes one comb table keeps alive: keys verified twice (each builds a table) against keys
    /// verified once (no table), the same number of each, on fresh suites; within the cache's bound.
    /// </summary>
    private static double MeasureCombTableBytes()
    {
        const int keys = 32;
        var random = new Random(Seed);
        var message = new byte[MessageBytes];
        random.NextBytes(message);

        long RetainedAfter(int verificationsPerKey, List<object> keepAlive)
        {
            var suite = Sm2Sm3Backends.CreateSuite(Sm2Sm3Backends.BouncyCastle);
            var pairs = Enumerable.Range(0, keys).Select(_ => suite.GenerateKeyPair()).ToArray();
            var signatures = pairs.Select(pair => pair.Sign(message)).ToArray();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < keys; i++)
            {
                var decoded = suite.DecodePublicKey(pairs[i].Public.ToArray());
                for (var verification = 0; verification < verificationsPerKey; verification++)
                {
                    decoded.Verify(message, signatures[i]);
                }

                keepAlive.Add(decoded);
            }

            return GC.GetTotalMemory(forceFullCollection: true) - before;
        }

        var held = new List<object>();
        var once = RetainedAfter(1, held);
        var twice = RetainedAfter(2, held);
        GC.KeepAlive(held);
        return Math.Max(0, twice - once) / (double)keys;
    }

    /// <summary>
    /// The baselines (see the class remarks): BouncyCastle's SM2Signer, new per verification over retained
    /// key parameters, new per verification over a key decoded for it, and one signer reused; same
    /// message size as the suite's figures.
    /// </summary>
    private static SignerResult MeasureBouncyCastleSigner(int verifications)
    {
        var suite = Sm2Sm3Backends.CreateSuite(Sm2Sm3Backends.BouncyCastle);
        var keyPair = suite.GenerateKeyPair();
        var random = new Random(Seed);
        var messages = new byte[16][];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new byte[MessageBytes];
            random.NextBytes(messages[i]);
        }

        var signatures = messages.Select(message => keyPair.Sign(message).ToArray()).ToArray();
        var curve = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByOid(Org.BouncyCastle.Asn1.GM.GMObjectIdentifiers.sm2p256v1);
        var domain = new Org.BouncyCastle.Crypto.Parameters.ECDomainParameters(curve);
        var publicKey = new Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters(domain.Curve.DecodePoint(keyPair.Public.ToArray()), domain);
        var userId = "1234567812345678"u8.ToArray();
        var encodedPublicKey = keyPair.Public.ToArray();

        // Stock, key parameters retained: a new signer per verification over the same ECPublicKeyParameters.
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var retainedSeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < verifications; i++)
            {
                VerifyWithNewSigner(publicKey, userId, messages[i % messages.Length], signatures[i % messages.Length]);
            }
        });
        var retainedBytes = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)verifications;

        // Stock, key decoded per verification: the door and apply path before #20.
        var decodedCount = Math.Max(1, verifications / 4);
        var decodedSeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < decodedCount; i++)
            {
                var decodedKey = new Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters(domain.Curve.DecodePoint(encodedPublicKey), domain);
                VerifyWithNewSigner(decodedKey, userId, messages[i % messages.Length], signatures[i % messages.Length]);
            }
        });

        // One signer initialised once: SM2Signer resets to the state after Init when a verification ends.
        var reused = new Org.BouncyCastle.Crypto.Signers.SM2Signer(Org.BouncyCastle.Crypto.Signers.PlainDsaEncoding.Instance, new Org.BouncyCastle.Crypto.Digests.SM3Digest());
        reused.Init(false, new Org.BouncyCastle.Crypto.Parameters.ParametersWithID(publicKey, userId));
        var reusedSeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < verifications; i++)
            {
                var message = messages[i % messages.Length];
                reused.BlockUpdate(message, 0, message.Length);
                if (!reused.VerifySignature(signatures[i % messages.Length]))
                {
                    throw new InvalidOperationException("BouncyCastle SM2Signer (reused): a valid signature did not verify");
                }
            }
        });

        return new SignerResult
        {
            RetainedPerCpuSecond = verifications / retainedSeconds,
            RetainedBytesPerVerification = retainedBytes,
            DecodedPerCpuSecond = decodedCount / decodedSeconds,
            ReusedPerCpuSecond = verifications / reusedSeconds,
        };
    }

    private static void VerifyWithNewSigner(Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters publicKey, byte[] userId, byte[] message, byte[] signature)
    {
        var signer = new Org.BouncyCastle.Crypto.Signers.SM2Signer(Org.BouncyCastle.Crypto.Signers.PlainDsaEncoding.Instance, new Org.BouncyCastle.Crypto.Digests.SM3Digest());
        signer.Init(false, new Org.BouncyCastle.Crypto.Parameters.ParametersWithID(publicKey, userId));
        signer.BlockUpdate(message, 0, message.Length);
        if (!signer.VerifySignature(signature))
        {
            throw new InvalidOperationException("BouncyCastle SM2Signer: a valid signature did not verify");
        }
    }

    private static Result Measure(string backend, int verifications)
    {
        var suite = Sm2Sm3Backends.CreateSuite(backend);
        var random = new Random(Seed);
        var keyPair = suite.GenerateKeyPair();
        var messages = new byte[16][];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new byte[MessageBytes];
            random.NextBytes(messages[i]);
        }

        var signatures = messages.Select(message => keyPair.Sign(message)).ToArray();

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var verifySeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < verifications; i++)
            {
                if (!keyPair.Public.Verify(messages[i % messages.Length], signatures[i % messages.Length]))
                {
                    throw new InvalidOperationException($"{backend}: a valid signature did not verify");
                }
            }
        });

        var verifyBytes = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)verifications;

        // A key's first use: a fresh suite per call has an empty parsed-key cache, so every call decodes
        // the key, computes Z_A and verifies on BouncyCastle's multiplier (no table yet).
        var encodedPublicKey = keyPair.Public.ToArray();
        var uncachedCount = Math.Max(1, verifications / 4);
        var uncachedSeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < uncachedCount; i++)
            {
                var freshKey = Sm2Sm3Backends.CreateSuite(backend).DecodePublicKey(encodedPublicKey);
                if (!freshKey.Verify(messages[i % messages.Length], signatures[i % messages.Length]))
                {
                    throw new InvalidOperationException($"{backend}: a valid signature did not verify");
                }
            }
        });

        var signSeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < SignaturesPerRound; i++)
            {
                keyPair.Sign(messages[i % messages.Length]);
            }
        });

        // Distinct keys on a fresh suite, so every decode is a real parse (the suite caches parsed keys).
        var encodedKeys = Enumerable.Range(0, KeysParsedPerRound).Select(_ => suite.GenerateKeyPair().Public.ToArray()).ToArray();
        var parsingSuite = Sm2Sm3Backends.CreateSuite(backend);
        var parseSeconds = CpuSeconds(() =>
        {
            foreach (var encoded in encodedKeys)
            {
                parsingSuite.DecodePublicKey(encoded);
            }
        });

        var sm3 = Sm2Sm3Backends.CreateSm3(backend);
        var large = new byte[Sm3LargeInputBytes];
        random.NextBytes(large);
        var digest = new byte[sm3.HashSizeBytes];
        var largeSeconds = CpuSeconds(() =>
        {
            for (var i = 0; i < Sm3LargeHashesPerRound; i++)
            {
                sm3.Hash(large, digest);
            }
        });
        var smallSeconds = CpuSeconds(() =>
        {
            var small = large.AsSpan(0, Sm3SmallInputBytes);
            for (var i = 0; i < Sm3SmallHashesPerRound; i++)
            {
                sm3.Hash(small, digest);
            }
        });

        return new Result
        {
            VerifiesPerCpuSecond = verifications / verifySeconds,
            BytesPerVerification = verifyBytes,
            UncachedVerifiesPerCpuSecond = uncachedCount / uncachedSeconds,
            SignsPerCpuSecond = SignaturesPerRound / signSeconds,
            ParsesPerCpuSecond = KeysParsedPerRound / parseSeconds,
            Sm3LargeMegabytesPerSecond = (double)Sm3LargeHashesPerRound * Sm3LargeInputBytes / 1e6 / largeSeconds,
            Sm3SmallHashesPerSecond = Sm3SmallHashesPerRound / smallSeconds,
        };
    }

    /// <summary>CPU-seconds of the calling thread spent in <paramref name="work"/> (wall-clock where thread CPU time is unavailable).</summary>
    private static double CpuSeconds(Action work)
    {
        var cpuStart = ThreadCpuClock.NowMicroseconds();
        var wall = Stopwatch.StartNew();
        work();
        var cpu = ThreadCpuClock.NowMicroseconds() - cpuStart;
        return double.IsNaN(cpu) ? wall.Elapsed.TotalSeconds : cpu / 1e6;
    }

    private sealed class SignerResult
    {
        public double RetainedPerCpuSecond { get; set; }

        public double RetainedBytesPerVerification { get; set; }

        public double DecodedPerCpuSecond { get; set; }

        public double ReusedPerCpuSecond { get; set; }

        public void KeepBest(SignerResult other)
        {
            if (other.RetainedPerCpuSecond > RetainedPerCpuSecond)
            {
                RetainedBytesPerVerification = other.RetainedBytesPerVerification;
            }

            RetainedPerCpuSecond = Math.Max(RetainedPerCpuSecond, other.RetainedPerCpuSecond);
            DecodedPerCpuSecond = Math.Max(DecodedPerCpuSecond, other.DecodedPerCpuSecond);
            ReusedPerCpuSecond = Math.Max(ReusedPerCpuSecond, other.ReusedPerCpuSecond);
        }
    }

    private sealed class Result
    {
        public double VerifiesPerCpuSecond { get; set; }

        public double BytesPerVerification { get; set; }

        public double UncachedVerifiesPerCpuSecond { get; set; }

        public double SignsPerCpuSecond { get; set; }

        public double ParsesPerCpuSecond { get; set; }

        public double Sm3LargeMegabytesPerSecond { get; set; }

        public double Sm3SmallHashesPerSecond { get; set; }

        public void KeepBest(Result other)
        {
            if (other.VerifiesPerCpuSecond > VerifiesPerCpuSecond)
            {
                BytesPerVerification = other.BytesPerVerification;
            }

            VerifiesPerCpuSecond = Math.Max(VerifiesPerCpuSecond, other.VerifiesPerCpuSecond);
            UncachedVerifiesPerCpuSecond = Math.Max(UncachedVerifiesPerCpuSecond, other.UncachedVerifiesPerCpuSecond);
            SignsPerCpuSecond = Math.Max(SignsPerCpuSecond, other.SignsPerCpuSecond);
            ParsesPerCpuSecond = Math.Max(ParsesPerCpuSecond, other.ParsesPerCpuSecond);
            Sm3LargeMegabytesPerSecond = Math.Max(Sm3LargeMegabytesPerSecond, other.Sm3LargeMegabytesPerSecond);
            Sm3SmallHashesPerSecond = Math.Max(Sm3SmallHashesPerSecond, other.Sm3SmallHashesPerSecond);
        }
    }
}
