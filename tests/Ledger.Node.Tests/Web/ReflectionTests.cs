using Google.Protobuf.Reflection;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Ledger.Node.Tests.Web;

/// <summary>gRPC server reflection on the gRPC port: grpcurl and similar tools work without the .proto files.</summary>
[NonParallelizable]
public sealed class ReflectionTests
{
    [Test]
    public async Task ListServices_OnTheGrpcPort_NamesThePublicServices()
    {
        await using var web = await WebTestNode.StartAsync();
        using var channel = GrpcChannel.ForAddress(web.Node.PublicUrl);

        var answer = await AskAsync(channel, new ServerReflectionRequest { ListServices = "" });

        Assert.That(answer.ListServicesResponse.Service.Select(s => s.Name), Is.SupersetOf(new[] { "ledger.v1.LedgerApi", "ledger.v1.RegistryQuery", "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection" }));
    }

    [Test]
    public async Task FileContainingSymbol_RegistryQuery_ResolvesItsProtoFile()
    {
        await using var web = await WebTestNode.StartAsync();
        using var channel = GrpcChannel.ForAddress(web.Node.PublicUrl);

        var answer = await AskAsync(channel, new ServerReflectionRequest { FileContainingSymbol = "ledger.v1.RegistryQuery" });

        var files = answer.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        var registryApi = files.Single(f => f.Name == "ledger/v1/registry_api.proto");
        Assert.That(registryApi.Service.Single().Method.Select(m => m.Name), Does.Contain("GetWork").And.Contain("FindSimilarWorks"));
    }

    private static async Task<ServerReflectionResponse> AskAsync(GrpcChannel channel, ServerReflectionRequest request)
    {
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True, "one answer");
        var answer = call.ResponseStream.Current;
        Assert.That(answer.ErrorResponse, Is.Null, answer.ErrorResponse?.ErrorMessage);
        return answer;
    }
}
