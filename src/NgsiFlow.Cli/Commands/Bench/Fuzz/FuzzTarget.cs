using System.Net.Http.Headers;
using NgsiFlow.Broker;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Commands.Bench.Fuzz;

/// <summary>What one fuzz case got: an HTTP status, or for in-process targets 200 (accepted) / 400 (refused cleanly).</summary>
internal readonly record struct FuzzAnswer(int Status, string? Failure);

/// <summary>An input boundary under fuzz: where a case goes, its valid seed inputs, and a valid request that must still work.</summary>
internal abstract class FuzzTarget : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>The valid inputs the cases are mutated from.</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Sends case <paramref name="index"/> (mutated from seed <c>index % Seeds.Count</c>).</summary>
    public abstract Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken);

    /// <summary>Null when a valid request still succeeds, else what went wrong.</summary>
    public abstract Task<string?> CheckValidAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public static async Task<FuzzTarget> CreateAsync(string name, CancellationToken cancellationToken) => name switch
    {
        "receiver" => await ReceiverTarget.StartAsync(cancellationToken).ConfigureAwait(false),
        "ingest" => await IngestTarget.StartAsync(cancellationToken).ConfigureAwait(false),
        "broker" => await BrokerTarget.StartAsync(cancellationToken).ConfigureAwait(false),
        "parse" => new ParseTarget(),
        "sources" => new SourcesTarget(),
        "models" => new ModelsTarget(),
        "jobs" => new JobFileTarget(),
        _ => throw new ArgumentException($"unknown fuzz target '{name}': receiver, ingest, broker, parse, sources, models or jobs", nameof(name)),
    };

    protected static async Task<FuzzAnswer> PostAsync(HttpClient http, HttpMethod method, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (status >= 400 && !text.Contains("\"error\"", StringComparison.Ordinal))
            {
                return new FuzzAnswer(status, $"{status} without an Orion-style error body: '{text}'");
            }

            return new FuzzAnswer(status, status >= 500 ? $"{status}: {text}" : null);
        }
        catch (HttpRequestException e)
        {
            return new FuzzAnswer(0, $"no answer: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FuzzAnswer(0, "no answer within the request timeout (a hang)");
        }
    }

    /// <summary>The notification receiver with a job that takes every event.</summary>
    private sealed class ReceiverTarget(NgsiReceiver receiver, StreamInput<NgsiEvent> input, HttpClient http) : FuzzTarget
    {
        public override string Name => "receiver";

        public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Notifications;

        public static async Task<ReceiverTarget> StartAsync(CancellationToken cancellationToken)
        {
            var input = new JobDefinition<NgsiEvent>("fuzz", s => s.ForEachAsync((_, _) => default)).Create();
            input.Job.Start();
            var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0, MaxBodyBytes = 4 * 1024 * 1024 }, cancellationToken).ConfigureAwait(false);
            receiver.AddJob("fuzz", new StreamInputTarget(input));
            return new ReceiverTarget(receiver, input, new HttpClient { BaseAddress = receiver.BaseAddress, Timeout = TimeSpan.FromSeconds(10) });
        }

        public override Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken) =>
            PostAsync(http, HttpMethod.Post, "notify/fuzz", body, cancellationToken);

        public override async Task<string?> CheckValidAsync(CancellationToken cancellationToken)
        {
            var answer = await PostAsync(http, HttpMethod.Post, "notify/fuzz", Seeds[0], cancellationToken).ConfigureAwait(false);
            return answer.Status is >= 200 and < 300 ? null : $"a valid notification then got {answer.Status} {answer.Failure}";
        }

        public override async ValueTask DisposeAsync()
        {
            http.Dispose();
            await receiver.DisposeAsync().ConfigureAwait(false);
            input.Complete();
            await input.Job.Completion.ConfigureAwait(false);
        }
    }

    /// <summary>The embedded broker's write endpoints, in turn.</summary>
    private sealed class BrokerTarget(ContextBroker broker, HttpClient http) : FuzzTarget
    {
        private (HttpMethod Method, string Path)[] _endpoints = FuzzSeeds.BrokerEndpoints;

        public override string Name => "broker";

        public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.BrokerBodies;

        public static async Task<BrokerTarget> StartAsync(CancellationToken cancellationToken)
        {
            var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, cancellationToken).ConfigureAwait(false);
            var http = new HttpClient { BaseAddress = broker.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var target = new BrokerTarget(broker, http);
            var setup = await PostAsync(http, HttpMethod.Post, "v2/entities?options=upsert", """{"id":"F1","type":"Fuzz","temperature":{"type":"Number","value":1}}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);
            if (setup.Status is not (201 or 204))
            {
                throw new InvalidOperationException($"the broker refused the fuzz entity: {setup.Failure}");
            }

            using var subscription = new HttpRequestMessage(HttpMethod.Post, "v2/subscriptions")
            {
                Content = new ByteArrayContent(FuzzSeeds.BrokerBodies[3]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            using var created = await http.SendAsync(subscription, cancellationToken).ConfigureAwait(false);
            var id = created.Headers.Location?.ToString().Split('/')[^1]
                ?? throw new InvalidOperationException($"the broker refused the fuzz subscription: {(int)created.StatusCode}");
            target._endpoints = [.. FuzzSeeds.BrokerEndpoints.Select(e => (e.Method, e.Path.Replace("{subscription}", id, StringComparison.Ordinal)))];
            return target;
        }

        public override Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken)
        {
            var (method, path) = _endpoints[index % _endpoints.Length];
            return method == HttpMethod.Get
                ? GetAsync(http, path + Query(body), cancellationToken)
                : PostAsync(http, method, path, body, cancellationToken);
        }

        /// <summary>The case's bytes as a query string: '&amp;', '=' and the filter syntax kept, everything else percent-encoded.</summary>
        private static string Query(byte[] bytes)
        {
            var text = new System.Text.StringBuilder(bytes.Length * 2);
            foreach (var b in bytes.AsSpan(0, Math.Min(bytes.Length, 6_000)))
            {
                if (char.IsAsciiLetterOrDigit((char)b) || "&=,;:.!_-~*<>".Contains((char)b, StringComparison.Ordinal))
                {
                    text.Append((char)b);
                }
                else
                {
                    text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            return text.ToString();
        }

        private static async Task<FuzzAnswer> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
        {
            try
            {
                using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return status >= 400 && !text.Contains("\"error\"", StringComparison.Ordinal) && status != 414
                    ? new FuzzAnswer(status, $"{status} without an Orion-style error body: '{text}'")
                    : new FuzzAnswer(status, status >= 500 ? $"{status}: {text}" : null);
            }
            catch (HttpRequestException e)
            {
                return new FuzzAnswer(0, $"no answer: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new FuzzAnswer(0, "no answer within the request timeout (a hang)");
            }
        }

        public override async Task<string?> CheckValidAsync(CancellationToken cancellationToken)
        {
            var answer = await PostAsync(http, HttpMethod.Post, "v2/op/update", """{"actionType":"append","entities":[{"id":"F1","type":"Fuzz","temperature":{"type":"Number","value":2}}]}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return answer.Status == 204 ? null : $"a valid batch update then got {answer.Status} {answer.Failure}";
        }

        public override async ValueTask DisposeAsync()
        {
            http.Dispose();
            await broker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The parsers in process, as `ngsiflow parse` uses them: a case may be refused, never throw anything else.</summary>
    private sealed class ParseTarget : FuzzTarget
    {
        public override string Name => "parse";

        public override IReadOnlyList<byte[]> Seeds { get; } = [.. FuzzSeeds.Notifications, .. FuzzSeeds.Entities];

        public override Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken)
        {
            try
            {
                var parsed = NotificationParser.TryParse(body, NotificationHeaders.Empty, null, out _, out _);

                // The entity parsers must refuse cleanly too; whether they accept says nothing of the notification.
                try
                {
                    NgsiV2Parser.ParseEntity(body);
                }
                catch (NgsiFormatException)
                {
                    // Refused with a format error: what a bad entity must get.
                }

                try
                {
                    NgsiLdParser.ParseEntity(body);
                }
                catch (NgsiFormatException)
                {
                    // Refused with a format error: what a bad entity must get.
                }

                return Task.FromResult(new FuzzAnswer(parsed ? 200 : 400, null));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Task.FromResult(new FuzzAnswer(500, $"{e.GetType().Name}: {e.Message}"));
            }
        }

        public override Task<string?> CheckValidAsync(CancellationToken cancellationToken) =>
            Task.FromResult(NotificationParser.TryParse(Seeds[0], NotificationHeaders.Empty, null, out _, out var error) ? null : "a valid notification then failed to parse: " + error?.Message);

        public override ValueTask DisposeAsync() => default;
    }

    /// <summary>The JSON-lines and CSV file sources: a bad file stops with a <see cref="Sinks.SourceReadException"/> naming file and line, never anything else.</summary>
    private sealed class SourcesTarget : FuzzTarget
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("ngsiflow-fuzz-").FullName;

        public override string Name => "sources";

        public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Files;

        public override async Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken)
        {
            var path = Path.Combine(_directory, "case" + (index % 2 == 0 ? ".jsonl" : ".csv"));
            await File.WriteAllBytesAsync(path, body, cancellationToken).ConfigureAwait(false);
            try
            {
                IStreamSource<string> source = index % 2 == 0
                    ? new Sinks.Files.JsonLinesFileSource<string>(path, line => System.Text.Json.JsonDocument.Parse(line.ToArray()).RootElement.GetRawText())
                    : new Sinks.Files.CsvFileSource<string>(path, record => record[0]);
                await foreach (var item in source.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    await source.AcknowledgeAsync(item.Position, cancellationToken).ConfigureAwait(false);
                }

                return new FuzzAnswer(200, null);
            }
            catch (Sinks.SourceReadException e) when (e.Message.Contains(path, StringComparison.Ordinal))
            {
                return new FuzzAnswer(400, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new FuzzAnswer(500, $"{e.GetType().Name}: {e.Message}");
            }
        }

        public override async Task<string?> CheckValidAsync(CancellationToken cancellationToken) =>
            (await SendAsync(0, Seeds[0], cancellationToken).ConfigureAwait(false)).Status == 200 ? null : "a valid JSON-lines file then failed";

        public override ValueTask DisposeAsync()
        {
            Directory.Delete(_directory, recursive: true);
            return default;
        }
    }

    /// <summary>ONNX model loading: damaged model bytes are refused with a <see cref="Inference.ModelLoadException"/>, never anything else.</summary>
    private sealed class ModelsTarget : FuzzTarget
    {
        public override string Name => "models";

        public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Models;

        public override Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken)
        {
            try
            {
                Inference.OnnxModel.Load(body, "fuzz");
                return Task.FromResult(new FuzzAnswer(200, null));
            }
            catch (Inference.ModelLoadException)
            {
                return Task.FromResult(new FuzzAnswer(400, null));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Task.FromResult(new FuzzAnswer(500, $"{e.GetType().Name}: {e.Message}"));
            }
        }

        public override Task<string?> CheckValidAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public override ValueTask DisposeAsync() => default;
    }
}
