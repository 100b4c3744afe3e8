using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Hosting;

/// <summary>The node's HTTP/2 bounds come from Node:Api options, not framework defaults: a client sees them in the server's SETTINGS.</summary>
[NonParallelizable]
public sealed class Http2LimitsTests
{
    private const ushort SettingsHeaderTableSize = 0x1;
    private const ushort SettingsMaxConcurrentStreams = 0x3;
    private const ushort SettingsInitialWindowSize = 0x4;
    private const ushort SettingsMaxFrameSize = 0x5;
    private const ushort SettingsMaxHeaderListSize = 0x6;

    [Test]
    public async Task PublicListener_ConfiguredHttp2Limits_AreAdvertisedInTheServersSettings()
    {
        using var consortium = new TestConsortium(1);
        await using var node = new InProcessNode(
            consortium.ArgumentsFor(0, [
                "--Node:Api:Http2StreamsPerConnectionMax=7",
                "--Node:Api:Http2FrameBytesMax=32768",
                "--Node:Api:Http2HeaderTableBytes=2048",
                "--Node:Api:Http2StreamWindowBytes=100000",
                "--Node:Api:RequestHeadersTotalBytesMax=20000",
            ]),
            consortium.Nodes[0].PublicUrl);
        await node.StartAsync();

        await using var client = await RapidResetClient.ConnectAsync(new Uri(node.PublicUrl).Port);
        var settings = await client.ServerSettings.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(settings[SettingsMaxConcurrentStreams], Is.EqualTo(7));
            Assert.That(settings[SettingsMaxFrameSize], Is.EqualTo(32768));
            Assert.That(settings[SettingsHeaderTableSize], Is.EqualTo(2048));
            Assert.That(settings[SettingsInitialWindowSize], Is.EqualTo(100000));
            Assert.That(settings[SettingsMaxHeaderListSize], Is.EqualTo(20000));
        });
    }
}
