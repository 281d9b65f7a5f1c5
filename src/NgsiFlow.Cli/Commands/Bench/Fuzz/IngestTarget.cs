using NgsiFlow.Connector;
using NgsiFlow.Engine;

namespace NgsiFlow.Cli.Commands.Bench.Fuzz;

/// <summary>The receiver's ingest endpoint (<c>POST /ingest/{route}</c>) with a job that takes every record.</summary>
internal sealed class IngestTarget(NgsiReceiver receiver, StreamInput<IngestedRecord> input, HttpClient http) : FuzzTarget
{
    public override string Name => "ingest";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        """{"uuid":"rpi-1_1","host":"rpi-1","systemtime":"12/04/2026 10:00:00","cputemp":51.2,"bme680_tempc":"23.97","lsm303d_accelerometer":"+00.08g : -01.01g : +00.09g","network":{"ip":"192.168.1.11","rssi":-51}}"""u8.ToArray(),
        """[{"n":1,"t":"x ü"},{"n":2.5,"ok":true,"none":null,"xs":[1,"a",{"b":[]}]}]"""u8.ToArray(),
        "{\"n\":1}\n{\"n\":2,\"s\":\"\\u00e9\"}\r\n\n{\"n\":3}\n"u8.ToArray(),
    ];

    public static async Task<IngestTarget> StartAsync(CancellationToken cancellationToken)
    {
        var input = new JobDefinition<IngestedRecord>("fuzz-ingest", s => s.ForEachAsync((_, _) => default)).Create();
        input.Job.Start();
        var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0, MaxBodyBytes = 4 * 1024 * 1024 }, cancellationToken).ConfigureAwait(false);
        receiver.AddIngest("fuzz", new RecordInputTarget(input));
        return new IngestTarget(receiver, input, new HttpClient { BaseAddress = receiver.BaseAddress, Timeout = TimeSpan.FromSeconds(10) });
    }

    public override Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken) =>
        PostAsync(http, HttpMethod.Post, "ingest/fuzz", body, cancellationToken);

    public override async Task<string?> CheckValidAsync(CancellationToken cancellationToken)
    {
        var answer = await PostAsync(http, HttpMethod.Post, "ingest/fuzz", Seeds[0], cancellationToken).ConfigureAwait(false);
        return answer.Status == 200 ? null : $"a valid record then got {answer.Status} {answer.Failure}";
    }

    public override async ValueTask DisposeAsync()
    {
        http.Dispose();
        await receiver.DisposeAsync().ConfigureAwait(false);
        input.Complete();
        await input.Job.Completion.ConfigureAwait(false);
    }
}
