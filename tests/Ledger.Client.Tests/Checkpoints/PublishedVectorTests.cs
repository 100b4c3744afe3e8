using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;

namespace Ledger.Client.Tests.Checkpoints;

/// <summary>
/// Published examples from other implementations: if our bytes match theirs, their verifiers accept
/// ours. Sources: golang.org/x/mod/sumdb/note note_test.go (PeterNeumann, EnochRoot);
/// transparency-dev/formats note_rfc6962_test.go (Sunlight "rome" checkpoint, Google "argon2024" STH);
/// a real arche2025h1 staging checkpoint with the remora.n621.de witness's cosignature/v1.
/// </summary>
public sealed class PublishedVectorTests
{
    private const string PeterText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string PeterSignatureLine = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private const string EnochSignatureLine = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    // "PRIVATE+KEY+PeterNeumann+c74f20a3+<base64(0x01 || seed)>" and "PeterNeumann+c74f20a3+<base64(0x01 || public key)>".
    private const string PeterSecretKeyBase64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string PeterVerifierKeyBase64 = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string EnochVerifierKeyBase64 = "ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

    private const string RomeCheckpoint = "rome.ct.filippo.io/2024h1\n115474666\n2q1K6aiIJR+F7TyhiWOghoWOjY0/3dVBLsBbAvB4xCw=\n\n— rome.ct.filippo.io/2024h1 ePSrrgAAAY5+gVlSBAMARzBFAiEAv8bOMzo3Ed/GbU9fzzJvaStX6i8xTsmEF+NqvpGhIO0CIEn1X+zzVEerdix64GEn97XCXObA2G5JQ8UDDqCKdG5m\n";
    private const string RomeSubjectPublicKeyInfo = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAXM8Ld9qn64g1zVFDh5FtgxS3zj5sqQDwYMs3wrBV3MCBiFhK/iRLxdKF4YsAcJaEglMlu4Lewvzxs0xO2uwEw==";
    private const string ArgonSubjectPublicKeyInfo = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHblsqctplMVc5ramA7vSuNxUQxcomQwGAVAdnWTAWUYr3MgDHQW0LagJ95lB7QT75Ve6JgT2EVLOFGU7L3YrwA==";

    private const string ArcheCheckpoint =
        "arche2025h1.staging.ct.transparency.dev\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n\n"
        + "— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=\n"
        + "— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n"
        + "— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n"
        + "— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n"
        + "— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==\n"
        + "— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==\n";

    // "arche2025h1.staging.ct.transparency.dev+ba2f06c0+<0x01 || key>" and "remora.n621.de+da77ade7+<0x04 || key>".
    private const string ArcheLogKeyBase64 = "AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f";
    private const string RemoraWitnessKeyBase64 = "BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";

    [Test]
    public void NoteKeyId_PeterNeumannKey_MatchesGoKeyHash()
    {
        var verifierKey = Convert.FromBase64String(PeterVerifierKeyBase64);

        Assert.That(NoteKeyId.Compute("PeterNeumann", verifierKey), Is.EqualTo(0xc74f20a3u));
        Assert.That(NoteKeyId.Compute("EnochRoot", Convert.FromBase64String(EnochVerifierKeyBase64)), Is.EqualTo(0xaf0cfe78u));
    }

    [Test]
    public void Sign_PeterNeumannSeed_ReproducesGoNoteByteForByte()
    {
        var seed = Convert.FromBase64String(PeterSecretKeyBase64)[1..];
        var key = CryptoSuites.Ed25519.ImportPrivateKey(seed);
        Assert.That(key.Public.Encoded.ToArray(), Is.EqualTo(Convert.FromBase64String(PeterVerifierKeyBase64)[1..]));

        var signature = new NoteSignature("PeterNeumann", NoteKeyId.Compute("PeterNeumann", NoteSignatureTypes.Ed25519, key.Public.Encoded), key.Sign(System.Text.Encoding.UTF8.GetBytes(PeterText)));
        var note = new SignedNote(PeterText, [signature]);

        Assert.That(note.Format(), Is.EqualTo(PeterText + "\n" + PeterSignatureLine));
    }

    [Test]
    public void Parse_GoOpenExample_ReadsTextAndBothSignatures()
    {
        var note = SignedNote.Parse(PeterText + "\n" + PeterSignatureLine + EnochSignatureLine);

        Assert.That(note.Text, Is.EqualTo(PeterText));
        Assert.That(note.Signatures.Select(s => (s.KeyName, s.KeyId)), Is.EqualTo(new[] { ("PeterNeumann", 0xc74f20a3u), ("EnochRoot", 0xaf0cfe78u) }));
        Assert.That(note.Format(), Is.EqualTo(PeterText + "\n" + PeterSignatureLine + EnochSignatureLine));
        var enoch = CryptoSuites.Ed25519.DecodePublicKey(Convert.FromBase64String(EnochVerifierKeyBase64)[1..]);
        Assert.That(enoch.Verify(System.Text.Encoding.UTF8.GetBytes(PeterText), note.Signatures[1].Signature), Is.True);
    }

    [TestCase("")]
    [TestCase("\n")]
    [TestCase("TRUNCATED")]
    [TestCase("\u0001")]
    [TestCase("BADNAME")]
    [TestCase("UNEXPECTED")]
    public void Parse_GoMalformedNotes_ThrowNoteFormatException(string variant)
    {
        // The malformed messages of Go's TestOpen.
        var note = variant switch
        {
            "" => PeterText,
            "\n" => PeterText + "\n",
            "TRUNCATED" => PeterText + "\n" + PeterSignatureLine[..^1],
            "\u0001" => "\u0001" + PeterText + "\n" + PeterSignatureLine,
            "BADNAME" => PeterText + "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            _ => PeterText + "\n" + PeterSignatureLine + "Unexpected line.\n",
        };

        Assert.That(() => SignedNote.Parse(note), Throws.TypeOf<NoteFormatException>());
    }

    [Test]
    public void Parse_InvalidUtf8_ThrowsNoteFormatException()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(PeterText + "\n" + PeterSignatureLine);
        var withBadByte = new byte[] { 0xff }.Concat(bytes).ToArray();

        Assert.That(() => SignedNote.Parse(withBadByte), Throws.TypeOf<NoteFormatException>());
    }

    [Test]
    public void Parse_MoreThan100Signatures_ThrowsNoteFormatException()
    {
        var note = PeterText + "\n" + string.Concat(Enumerable.Repeat(PeterSignatureLine, NoteLimits.SignatureLinesMax + 1));

        Assert.That(() => SignedNote.Parse(note), Throws.TypeOf<NoteFormatException>());
    }

    [Test]
    public void Rfc6962TreeHeadSignature_RomeCheckpoint_VerifiesWithItsLogKey()
    {
        var note = SignedNote.Parse(RomeCheckpoint);
        var checkpoint = Checkpoint.Parse(note.Text);
        var spki = Convert.FromBase64String(RomeSubjectPublicKeyInfo);

        Assert.That(Rfc6962TreeHeadSignature.KeyId(checkpoint.Origin, spki), Is.EqualTo(0x78f4abaeu));
        Assert.That(Rfc6962TreeHeadSignature.Verify(spki, checkpoint, note.Signatures[0]), Is.True);
        Assert.That(checkpoint.TreeSize, Is.EqualTo(115474666UL));
    }

    [Test]
    public void Rfc6962TreeHeadSignature_ArgonSthWithHighS_Verifies()
    {
        // get-sth: tree_size 1267285836, timestamp 1711642477482, tree_head_signature below (s > n/2).
        var spki = Convert.FromBase64String(ArgonSubjectPublicKeyInfo);
        var checkpoint = new Checkpoint("ct.googleapis.com/logs/us1/argon2024", 1267285836, Convert.FromBase64String("SHySaYoaGIV5oCMANTytRfUjfzXb7wvO9xQiGkDJlfQ="));
        var digitallySigned = Convert.FromBase64String("BAMARzBFAiAQWbsL/MbJdeR4jk8xYKWDBDGHyDcntBim9Jr1BvwPnAIhAMedQo0YuBo+ajNd9xyVOMvhOdVAeJYgOhBLQn8rca94");
        Assert.That(Rfc6962TreeHeadSignature.KeyId(checkpoint.Origin, spki), Is.EqualTo(0x7deb49d0u));
        var der = digitallySigned[4..];

        var line = new NoteSignature(checkpoint.Origin, 0x7deb49d0u, Rfc6962TreeHeadSignature.Encode(1711642477482, der));

        Assert.That(Rfc6962TreeHeadSignature.Verify(spki, checkpoint, line), Is.True);
        var otherSize = new Checkpoint(checkpoint.Origin, checkpoint.TreeSize + 1, checkpoint.RootHash);
        Assert.That(Rfc6962TreeHeadSignature.Verify(spki, otherSize, line), Is.False);
    }

    [Test]
    public void Cosignature_RemoraWitnessOnArcheCheckpoint_VerifiesWithItsTimestamp()
    {
        var note = SignedNote.Parse(ArcheCheckpoint);
        var witness = CryptoSuites.Ed25519.DecodePublicKey(Convert.FromBase64String(RemoraWitnessKeyBase64)[1..]);

        var check = Cosignature.Verify(witness, "remora.n621.de", note);

        Assert.That(Cosignature.KeyId("remora.n621.de", witness), Is.EqualTo(0xda77ade7u));
        Assert.That(check.Status, Is.EqualTo(CosignatureStatus.Valid));
        Assert.That(check.TimestampUnixSeconds, Is.EqualTo(0x6a122120UL));
    }

    [Test]
    public void CheckpointSignatures_ArcheEd25519LogSignature_Verifies()
    {
        var note = SignedNote.Parse(ArcheCheckpoint);
        var checkpoint = Checkpoint.Parse(note.Text);
        var logKey = CryptoSuites.Ed25519.DecodePublicKey(Convert.FromBase64String(ArcheLogKeyBase64)[1..]);
        var line = note.Signatures.Single(s => s.KeyId == 0xba2f06c0u);

        Assert.That(CheckpointSignatures.KeyId(logKey, checkpoint.Origin), Is.EqualTo(0xba2f06c0u));
        Assert.That(CheckpointSignatures.Verify(logKey, checkpoint, line), Is.True);
    }

    [Test]
    public void Cosignature_ArcheCheckpointWithOtherSize_DoesNotVerify()
    {
        var note = SignedNote.Parse(ArcheCheckpoint);
        var original = Checkpoint.Parse(note.Text);
        var altered = new Checkpoint(original.Origin, 42, original.RootHash);
        var witness = CryptoSuites.Ed25519.DecodePublicKey(Convert.FromBase64String(RemoraWitnessKeyBase64)[1..]);
        var line = note.Signatures.Single(s => s.KeyName == "remora.n621.de");

        Assert.That(Cosignature.Verify(witness, "remora.n621.de", altered, line), Is.Null);
        Assert.That(Cosignature.Verify(witness, "remora.n621.de", original, line), Is.Not.Null);
    }
}
