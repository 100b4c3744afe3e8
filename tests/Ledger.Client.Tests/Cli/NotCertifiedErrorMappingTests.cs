using Grpc.Core;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Cli;

/// <summary>The CLI says "not certified" (not "rejected") when no endpoint given holds a block's certification, and says what to do.</summary>
public sealed class NotCertifiedErrorMappingTests
{
    [Test]
    public void Map_NotCertifiedAnswer_ExitsNotFoundAndSaysNotCertified()
    {
        var answer = NotCertifiedAnswer.Create("block 110 is not certified (yet) on this node; its latest certified height is 109", 109);

        var (exitCode, message) = ErrorMapping.Map(answer);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(message, Does.StartWith("not certified: block 110").And.Contains("--endpoint"));
    }

    [Test]
    public void Map_FailedPreconditionWithoutTheTrailer_IsStillARejection()
    {
        var (exitCode, _) = ErrorMapping.Map(new RpcException(new Status(StatusCode.FailedPrecondition, "something else")));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Rejected));
    }
}
