using Ledger.Node.Configuration;
using Ledger.Node.Web;

namespace Ledger.Node.Tests.Web;

public sealed class WebListenerUrlTests
{
    [Test]
    public void Resolve_EmptyInDevelopmentMode_IsLocalhost7080()
    {
        Assert.That(WebListenerUrl.Resolve("", development: true), Is.EqualTo(new Uri("http://localhost:7080")));
    }

    [Test]
    public void Resolve_EmptyWithAGenesisFile_IsOff()
    {
        Assert.That(WebListenerUrl.Resolve("", development: false), Is.Null);
    }

    [Test]
    public void Resolve_OffInDevelopmentMode_IsOff()
    {
        Assert.That(WebListenerUrl.Resolve("off", development: true), Is.Null);
    }

    [Test]
    public void Resolve_GivenUrl_IsUsedInEitherMode()
    {
        Assert.That(WebListenerUrl.Resolve("http://127.0.0.1:9000", development: false), Is.EqualTo(new Uri("http://127.0.0.1:9000")));
    }

    [TestCase("ftp://127.0.0.1:7080", TestName = "Validate_NotHttp_IsRefused")]
    [TestCase("http://127.0.0.1:7080/web", TestName = "Validate_WithAPath_IsRefused")]
    [TestCase("http://127.0.0.1:7080/?a=b", TestName = "Validate_WithAQuery_IsRefused")]
    [TestCase("http://user@127.0.0.1:7080", TestName = "Validate_WithUserInfo_IsRefused")]
    [TestCase("http://127.0.0.1:0", TestName = "Validate_PortZero_IsRefused")]
    [TestCase("127.0.0.1:7080", TestName = "Validate_NotAnAbsoluteUrl_IsRefused")]
    [TestCase("http://localhost:7050", TestName = "Validate_ThePublicGrpcPort_IsRefused")]
    [TestCase("http://127.0.0.1:7051", TestName = "Validate_ThePeerPort_IsRefused")]
    public void Validate_BadWebUrl_IsRefusedWithTheSettingNamed(string webUrl)
    {
        var options = new NodeOptions { WebUrl = webUrl };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.StartWith("Node:WebUrl"));
    }

    [Test]
    public void Validate_TheMetricsPort_IsRefused()
    {
        var options = new NodeOptions { WebUrl = "http://127.0.0.1:9464", MetricsUrl = "http://127.0.0.1:9464" };

        Assert.That(Assert.Throws<InvalidOperationException>(options.Validate)!.Message, Does.Contain("port of its own"));
    }

    [TestCase("")]
    [TestCase("off")]
    [TestCase("http://127.0.0.1:7080")]
    [TestCase("https://0.0.0.0:8443")]
    public void Validate_GoodWebUrl_IsAccepted(string webUrl)
    {
        Assert.DoesNotThrow(new NodeOptions { WebUrl = webUrl }.Validate);
    }

    [Test]
    public void CommandLineFlags_WebUrl_MapsToTheSetting()
    {
        Assert.That(CommandLineFlags.Map["--web-url"], Is.EqualTo("Node:WebUrl"));
    }
}
