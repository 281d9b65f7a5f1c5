using System.Buffers;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NgsiFlow.Sinks.Internal;

namespace NgsiFlow.Sinks.InfluxDb.Internal;

/// <summary>Posts batches of points to <c>/write</c> as one line-protocol body each.</summary>
internal sealed class InfluxTransport : SinkTransport<InfluxPoint>
{
    private readonly HttpClient _http;
    private readonly InfluxDbSinkOptions _options;
    private readonly Uri _writeUri;
    private readonly Action<string> _created;
    private ArrayBufferWriter<byte> _body = new(64 * 1024);
    private bool _databaseReady;

    public InfluxTransport(InfluxDbSinkOptions options, Action<string> created)
    {
        _options = options;
        _created = created;
        _http = options.HttpMessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        _http.BaseAddress = options.ServerUri;
        _http.Timeout = options.RequestTimeout;
        if (options.Username is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        var query = new StringBuilder("write?db=").Append(Uri.EscapeDataString(options.Database))
            .Append("&precision=").Append(LineProtocol.PrecisionParameter(options.Precision));
        if (options.RetentionPolicy is not null)
        {
            query.Append("&rp=").Append(Uri.EscapeDataString(options.RetentionPolicy));
        }

        _writeUri = new Uri(query.ToString(), UriKind.Relative);
        _databaseReady = !options.CreateDatabase;
        Target = $"database '{options.Database}' at {options.ServerUri}";
    }

    public override string SinkType => "InfluxDB";

    public override string MetricType => "influxdb";

    public override string Target { get; }

    public override async ValueTask WriteAsync(OutgoingBatch<InfluxPoint> batch, CancellationToken cancellationToken)
    {
        if (!_databaseReady)
        {
            await CreateDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }

        // One buffer reused batch after batch: the writer loop sends one batch at a time.
        _body.ResetWrittenCount();
        foreach (var point in batch.Records)
        {
            LineProtocol.Write(_body, point, _options.Precision);
            _body.GetSpan(1)[0] = (byte)'\n';
            _body.Advance(1);
        }

        using var content = new ReadOnlyMemoryContent(_body.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        try
        {
            using var response = await _http.PostAsync(_writeUri, content, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not InfluxHttpException)
        {
            // An aborted request may still be reading the body; the retry must not rewrite it underneath.
            _body = new ArrayBufferWriter<byte>(64 * 1024);
            throw;
        }
    }

    public override bool IsTransient(Exception exception) => exception switch
    {
        InfluxHttpException http => http.IsTransient,
        HttpRequestException => true,

        // A connection refused or reset while the pool sets it up can surface unwrapped
        // (for example ENOTCONN from Socket.RemoteEndPoint) instead of as an HttpRequestException.
        SocketException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        IOException => true,
        _ => false,
    };

    public override string Describe(Exception exception) => exception switch
    {
        InfluxHttpException http => http.Message,
        TaskCanceledException { InnerException: TimeoutException } => $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s",
        HttpRequestException { InnerException: { } inner } http => $"{http.Message} ({inner.Message})",
        _ => exception.Message,
    };

    public override ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var statement = $"CREATE DATABASE \"{_options.Database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        using var content = new FormUrlEncodedContent([new("q", statement)]);
        using var response = await _http.PostAsync(new Uri("query", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        _databaseReady = true;
        _created($"database '{_options.Database}'");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new InfluxHttpException(response.StatusCode, ServerError(body));
    }

    private static string ServerError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return error.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): report it as is.
        }

        return body.Length > 500 ? body[..500] : body;
    }
}
