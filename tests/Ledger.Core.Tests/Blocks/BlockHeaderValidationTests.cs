using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Blocks;

public sealed class BlockHeaderValidationTests
{
    private static readonly IHashAlgorithm Sha256 = Sha256HashAlgorithm.Instance;

    public static IEnumerable<TestCaseData> BrokenLinks()
    {
        yield return Broken(BlockValidationError.ChainIdMismatch, next => next.ChainId = "chain-b");
        yield return Broken(BlockValidationError.HeightNotSuccessor, next => next.Height += 1);
        yield return Broken(BlockValidationError.HeightNotSuccessor, next => next.Height -= 1);
        yield return Broken(BlockValidationError.PrevBlockHashMismatch, next => next.PrevBlockHash = BlockHeaderFixtures.Filled(0xEE));
        yield return Broken(BlockValidationError.PrevBlockHashMismatch, next => next.PrevBlockHash = ByteString.Empty);
        yield return Broken(BlockValidationError.LogSizeDecreased, next => next.LogSize = 0);
        yield return Broken(BlockValidationError.LogSizeNotPreviousPlusTxCount, next => next.LogSize += 1);
        yield return Broken(BlockValidationError.LogSizeNotPreviousPlusTxCount, next => next.TxCount += 1);
        yield return Broken(BlockValidationError.RaftTermDecreased, next => next.RaftTerm = 0);
        yield return Broken(BlockValidationError.RaftIndexNotIncreasing, next => next.RaftIndex = 1);
    }

    public static IEnumerable<TestCaseData> BrokenShapes()
    {
        yield return Broken(BlockValidationError.ChainIdInvalid, header => header.ChainId = string.Empty);
        yield return Broken(BlockValidationError.ChainIdInvalid, header => header.ChainId = new string('x', 129));
        yield return Broken(BlockValidationError.ProposerNodeIdInvalid, header => header.ProposerNodeId = new string('x', 129));
        yield return Broken(BlockValidationError.PrevBlockHashLengthInvalid, header => header.PrevBlockHash = BlockHeaderFixtures.Filled(1, 31));
        yield return Broken(BlockValidationError.PrevBlockHashLengthInvalid, header => header.PrevBlockHash = ByteString.Empty);
        yield return Broken(BlockValidationError.TxRootLengthInvalid, header => header.TxRoot = ByteString.Empty);
        yield return Broken(BlockValidationError.TxRootLengthInvalid, header => header.TxRoot = BlockHeaderFixtures.Filled(1, 65));
        yield return Broken(BlockValidationError.LogRootLengthInvalid, header => header.LogRoot = BlockHeaderFixtures.Filled(1, 33));
        yield return Broken(BlockValidationError.StateRootLengthInvalid, header => header.StateRoot = BlockHeaderFixtures.Filled(1, 16));
        yield return Broken(BlockValidationError.LogSizeLessThanTxCount, header => header.LogSize = header.TxCount - 1);
    }

    [Test]
    public void CheckLink_ChainOfThree_IsValid()
    {
        var genesis = BlockHeaderFixtures.Genesis();
        var second = BlockHeaderFixtures.Next(genesis);
        var third = BlockHeaderFixtures.Next(second, txCount: 0);

        Assert.That(BlockHeaderValidation.CheckLink(genesis, second, Sha256), Is.EqualTo(BlockValidationError.None));
        Assert.That(BlockHeaderValidation.CheckLink(second, third, Sha256), Is.EqualTo(BlockValidationError.None));
        Assert.That(() => BlockHeaderValidation.ValidateLink(second, third, Sha256), Throws.Nothing);
    }

    [TestCaseSource(nameof(BrokenLinks))]
    public void CheckLink_BrokenRule_ReportsThatRule(BlockValidationError expected, Action<BlockHeader> breakIt)
    {
        var previous = BlockHeaderFixtures.Next(BlockHeaderFixtures.Genesis());
        var next = BlockHeaderFixtures.Next(previous);
        breakIt(next);

        Assert.That(BlockHeaderValidation.CheckLink(previous, next, Sha256), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(BrokenLinks))]
    public void ValidateLink_BrokenRule_ThrowsNamingThatRule(BlockValidationError expected, Action<BlockHeader> breakIt)
    {
        var previous = BlockHeaderFixtures.Next(BlockHeaderFixtures.Genesis());
        var next = BlockHeaderFixtures.Next(previous);
        breakIt(next);

        var exception = Assert.Throws<BlockValidationException>(() => BlockHeaderValidation.ValidateLink(previous, next, Sha256));

        Assert.That(exception.Error, Is.EqualTo(expected));
        Assert.That(exception.Message, Does.Contain(expected.ToString()));
    }

    [Test]
    public void CheckLink_WithKnownPreviousHash_MatchesHashingForm()
    {
        var previous = BlockHeaderFixtures.Genesis();
        var next = BlockHeaderFixtures.Next(previous);
        var previousHash = BlockHash.Compute(previous, Sha256);

        Assert.That(BlockHeaderValidation.CheckLink(previous, previousHash, next), Is.EqualTo(BlockValidationError.None));
        Assert.That(BlockHeaderValidation.CheckLink(previous, new byte[32], next), Is.EqualTo(BlockValidationError.PrevBlockHashMismatch));
    }

    [Test]
    public void CheckLink_PreviousHashedWithOtherAlgorithm_IsPrevBlockHashMismatch()
    {
        var previous = BlockHeaderFixtures.Genesis();
        var next = BlockHeaderFixtures.Next(previous);

        Assert.That(BlockHeaderValidation.CheckLink(previous, next, Sm3HashAlgorithm.Instance), Is.EqualTo(BlockValidationError.PrevBlockHashMismatch));
    }

    [Test]
    public void CheckShape_ValidGenesisAndSuccessor_AreValid()
    {
        var genesis = BlockHeaderFixtures.Genesis();

        Assert.That(BlockHeaderValidation.CheckShape(genesis, Sha256), Is.EqualTo(BlockValidationError.None));
        Assert.That(BlockHeaderValidation.CheckShape(BlockHeaderFixtures.Next(genesis), Sha256), Is.EqualTo(BlockValidationError.None));
    }

    [TestCaseSource(nameof(BrokenShapes))]
    public void CheckShape_BrokenRule_ReportsThatRule(BlockValidationError expected, Action<BlockHeader> breakIt)
    {
        var header = BlockHeaderFixtures.Next(BlockHeaderFixtures.Genesis());
        breakIt(header);

        Assert.That(BlockHeaderValidation.CheckShape(header, Sha256), Is.EqualTo(expected));
        Assert.That(() => BlockHeaderValidation.ValidateShape(header, Sha256), Throws.TypeOf<BlockValidationException>().With.Property("Error").EqualTo(expected));
    }

    [Test]
    public void CheckShape_GenesisWithPreviousHash_IsPrevBlockHashLengthInvalid()
    {
        var genesis = BlockHeaderFixtures.Genesis();
        genesis.PrevBlockHash = BlockHeaderFixtures.Filled(0);

        Assert.That(BlockHeaderValidation.CheckShape(genesis, Sha256), Is.EqualTo(BlockValidationError.PrevBlockHashLengthInvalid));
    }

    [Test]
    public void CheckShape_GenesisLogSizeNotTxCount_IsLogSizeLessThanTxCount()
    {
        var genesis = BlockHeaderFixtures.Genesis();
        genesis.LogSize = genesis.TxCount + 1;

        Assert.That(BlockHeaderValidation.CheckShape(genesis, Sha256), Is.EqualTo(BlockValidationError.LogSizeLessThanTxCount));
    }

    private static TestCaseData Broken(BlockValidationError expected, Action<BlockHeader> breakIt) =>
        new TestCaseData(expected, breakIt).SetArgDisplayNames(expected.ToString());
}
