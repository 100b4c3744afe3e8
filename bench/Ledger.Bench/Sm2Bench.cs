using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;

namespace Ledger.Bench;

/// <summary>
/// SM2 and SM3 on the system's OpenSSL 3 against BouncyCastle, in the same run, on one thread:
/// verifications, signatures and key parses per CPU-second (so per core, and insensitive to other
/// load on a shared machine) and SM3 throughput on large and transaction-sized inputs. Rounds
/// alternate the backends; the best round of each is reported.
/// </summary>
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
        var bouncyCastleSigner = 0.0;
        for (var round = 0; round < rounds; round++)
        {
            var signerRate = MeasureBouncyCastleSigner(verificationsPerRound);
            bouncyCastleSigner = Math.Max(bouncyCastleSigner, signerRate);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} BouncyCastle SM2Signer (key parameters reused): verify {signerRate,8:F0}/s"));
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

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BouncyCastle SM2Signer, its own API with the key parameters reused: SM2 verify {bouncyCastleSigner,8:F0}/s per core"));
        var bouncyCastle = results[Sm2Sm3Backends.BouncyCastle];
        var openSsl = results.GetValueOrDefault(Sm2Sm3Backends.OpenSsl) ?? new Result();
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"sm2_backend={Sm2Sm3Backends.SignatureBackend} sm2_verify_per_s_openssl={openSsl.VerifiesPerCpuSecond:F0} sm2_verify_per_s_bouncycastle={bouncyCastle.VerifiesPerCpuSecond:F0} sm2_verify_ratio={openSsl.VerifiesPerCpuSecond / bouncyCastle.VerifiesPerCpuSecond:F2} sm2_verify_uncached_per_s_openssl={openSsl.UncachedVerifiesPerCpuSecond:F0} sm2_verify_uncached_per_s_bouncycastle={bouncyCastle.UncachedVerifiesPerCpuSecond:F0} sm3_mb_per_s_openssl={openSsl.Sm3LargeMegabytesPerSecond:F0} sm3_mb_per_s_bouncycastle={bouncyCastle.Sm3LargeMegabytesPerSecond:F0} sm2_verify_per_s_bc_sm2signer={bouncyCastleSigner:F0} sm2_verify_in_use_vs_bc_sm2signer={Math.Max(openSsl.VerifiesPerCpuSecond, bouncyCastle.VerifiesPerCpuSecond) / bouncyCastleSigner:F2}"));
        return 0;
    }

    /// <summary>
    /// The baseline: BouncyCastle's SM2Signer as its API is meant to be used, a new signer per verification
    /// over one decoded public key (it recomputes Z_A and the key point's tables each time), on the same
    /// message size. The suite's BouncyCastle backend computes both once per key (Sm2BouncyCastleVerifyingKey).
    /// </summary>
    private static double MeasureBouncyCastleSigner(int verifications)
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
        var seconds = CpuSeconds(() =>
        {
            for (var i = 0; i < verifications; i++)
            {
                var signer = new Org.BouncyCastle.Crypto.Signers.SM2Signer(Org.BouncyCastle.Crypto.Signers.PlainDsaEncoding.Instance, new Org.BouncyCastle.Crypto.Digests.SM3Digest());
                signer.Init(false, new Org.BouncyCastle.Crypto.Parameters.ParametersWithID(publicKey, userId));
                var message = messages[i % messages.Length];
                signer.BlockUpdate(message, 0, message.Length);
                if (!signer.VerifySignature(signatures[i % messages.Length]))
                {
                    throw new InvalidOperationException("BouncyCastle SM2Signer: a valid signature did not verify");
                }
            }
        });
        return verifications / seconds;
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

        // The path before the suite cached parsed keys: every verification decoded the signer's key
        // first (a fresh suite per call has an empty cache), and BouncyCastle lost its per-point tables.
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

    private sealed class Result
    {
        public double VerifiesPerCpuSecond { get; set; }

        public double UncachedVerifiesPerCpuSecond { get; set; }

        public double SignsPerCpuSecond { get; set; }

        public double ParsesPerCpuSecond { get; set; }

        public double Sm3LargeMegabytesPerSecond { get; set; }

        public double Sm3SmallHashesPerSecond { get; set; }

        public void KeepBest(Result other)
        {
            VerifiesPerCpuSecond = Math.Max(VerifiesPerCpuSecond, other.VerifiesPerCpuSecond);
            UncachedVerifiesPerCpuSecond = Math.Max(UncachedVerifiesPerCpuSecond, other.UncachedVerifiesPerCpuSecond);
            SignsPerCpuSecond = Math.Max(SignsPerCpuSecond, other.SignsPerCpuSecond);
            ParsesPerCpuSecond = Math.Max(ParsesPerCpuSecond, other.ParsesPerCpuSecond);
            Sm3LargeMegabytesPerSecond = Math.Max(Sm3LargeMegabytesPerSecond, other.Sm3LargeMegabytesPerSecond);
            Sm3SmallHashesPerSecond = Math.Max(Sm3SmallHashesPerSecond, other.Sm3SmallHashesPerSecond);
        }
    }
}
