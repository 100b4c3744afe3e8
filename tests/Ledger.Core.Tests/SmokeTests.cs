namespace Ledger.Core.Tests;

public sealed class SmokeTests
{
    [Test]
    public void Protocol_TypesAreGenerated() => Assert.That(new Ledger.Core.Protocol.BlockHeader().Height, Is.Zero);
}
