using System.Text.Json;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.RabbitMq;
using NgsiFlow.Sinks.Tests.Compliance;
using NgsiFlow.Sinks.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Sinks.Tests.RabbitMq;

[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqSinkComplianceTests(RabbitMqFixture fixture) : SinkComplianceTests
{
    protected override int ServerPort => fixture.Server.Port;

    protected override string ExpectedSinkType => "RabbitMQ";

    protected override string MisconfiguredTarget => "no_such_exchange";

    protected override string MisconfiguredCause => "NOT_FOUND";

    protected override Task PrepareScopeAsync() => RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, Scope);

    protected override IStreamSink<SinkEvent> CreateSink(SinkTestSettings settings, int proxyPort) =>
        new RabbitMqSink<SinkEvent>(
            settings.Apply(new RabbitMqSinkOptions { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{proxyPort}/"), RoutingKey = Scope }),
            e => new RabbitMqMessage(JsonSerializer.SerializeToUtf8Bytes(e)));

    protected override IStreamSink<SinkEvent> CreateMisconfiguredSink(SinkTestSettings settings) =>
        new RabbitMqSink<SinkEvent>(
            settings.Apply(new RabbitMqSinkOptions { Uri = fixture.Server.Uri, Exchange = "no_such_exchange", RoutingKey = Scope }),
            e => new RabbitMqMessage(JsonSerializer.SerializeToUtf8Bytes(e)));

    protected override async Task<IReadOnlyList<SinkEvent>> ReadBackAsync() =>
        (await RabbitMqTestClient.PeekAllAsync(fixture.Server.Uri, Scope)).Select(m => JsonSerializer.Deserialize<SinkEvent>(m.Body.Span)!).ToList();
}
