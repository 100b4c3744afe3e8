using Ledger.Node.Configuration;

namespace Ledger.Node.Tests.Hosting;

public sealed class ApiLimitsOptionsTests
{
    [Test]
    public void Validate_Defaults_AreValid()
    {
        Assert.DoesNotThrow(() => new NodeOptions().Validate());
    }

    [Test]
    public void Validate_ConnectionBudgetBelowOneStreamsWindow_IsRefusedNamingBoth()
    {
        var options = new NodeOptions();
        options.Api.ConnectionAnswersMax = options.Api.SubmitStreamAnswersMax - 1;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Api:ConnectionAnswersMax").And.Contain("Node:Api:SubmitStreamAnswersMax"));
    }

    [Test]
    public void Validate_NodeBudgetBelowOneConnectionsBudget_IsRefusedNamingBoth()
    {
        var options = new NodeOptions();
        options.Api.NodeAnswersMax = options.Api.ConnectionAnswersMax - 1;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Api:NodeAnswersMax").And.Contain("Node:Api:ConnectionAnswersMax"));
    }

    [TestCase(ApiLimitsOptions.Http2FrameBytesFloor - 1)]
    [TestCase(ApiLimitsOptions.Http2FrameBytesCeiling + 1)]
    public void Validate_FrameSizeOutsideHttp2sRange_IsRefused(int frameBytes)
    {
        var options = new NodeOptions();
        options.Api.Http2FrameBytesMax = frameBytes;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Api:Http2FrameBytesMax"));
    }

    [Test]
    public void Validate_StreamWindowLargerThanTheConnectionWindow_IsRefused()
    {
        var options = new NodeOptions();
        options.Api.Http2StreamWindowBytes = options.Api.Http2ConnectionWindowBytes + 1;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Api:Http2ConnectionWindowBytes").And.Contain("Node:Api:Http2StreamWindowBytes"));
    }

    [Test]
    public void Validate_OneHeaderFieldLargerThanAllHeadersTogether_IsRefused()
    {
        var options = new NodeOptions();
        options.Api.RequestHeaderFieldBytesMax = options.Api.RequestHeadersTotalBytesMax + 1;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Api:RequestHeadersTotalBytesMax"));
    }

    [TestCase(0)]
    [TestCase(700_000)]
    public void Validate_WriteDeadlineOutOfRange_IsRefused(int milliseconds)
    {
        var options = new NodeOptions();
        options.Api.ResponseWriteTimeoutMilliseconds = milliseconds;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Api:ResponseWriteTimeoutMilliseconds"));
    }

    [Test]
    public void Validate_MetricsOnThePublicPort_IsRefused()
    {
        var options = new NodeOptions { PublicUrl = "http://127.0.0.1:7050", MetricsUrl = "http://127.0.0.1:7050" };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:MetricsUrl"));
    }

    [Test]
    public void RequestBodyBytesMax_AdmitsTheLargestMessageOfEitherService()
    {
        var options = new NodeOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.RequestBodyBytesMax, Is.GreaterThanOrEqualTo(options.PublicMessageBytesMax + NodeOptions.GrpcMessagePrefixBytes));
            Assert.That(options.RequestBodyBytesMax, Is.GreaterThanOrEqualTo(options.PeerMessageBytesMax + NodeOptions.GrpcMessagePrefixBytes));
            Assert.That(options.PublicMessageBytesMax, Is.GreaterThan(options.TransactionBytesMax), "a request carries one transaction and its framing");
        });
    }
}
