using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// Per-attempt timeout and retries (Polly.Core) around the rest of the pipeline, with the call metrics. Only calls that
/// are safe to repeat are retried; the request content is a byte array, so it can be sent again.
/// </summary>
internal sealed class ResilienceHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _retrying;
    private readonly ResiliencePipeline<HttpResponseMessage> _once;
    private readonly bool _retryNonIdempotent;
    private readonly ILogger _logger;

    public ResilienceHandler(HttpMessageHandler inner, NgsiClientOptions options, ILogger logger)
        : base(inner)
    {
        _logger = logger;
        var retry = options.Retry;
        _retryNonIdempotent = retry.RetryNonIdempotent;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (retry.MaxRetries > 0)
        {
            var maxDelay = retry.MaxDelay;
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                Delay = retry.BaseDelay,
                MaxDelay = maxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, maxDelay)),
                OnRetry = OnRetry,
            });
        }

        builder.AddTimeout(options.RequestTimeout);
        _retrying = builder.Build();
        _once = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider }.AddTimeout(options.RequestTimeout).Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = RequestFlags.IsRetryable(request, _retryNonIdempotent) ? _retrying : _once;
        var started = Stopwatch.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        var status = 0;
        try
        {
            var response = await pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            var tags = new TagList { { "http.request.method", request.Method.Method }, { "http.response.status_code", status } };
            ClientMetrics.Requests.Add(1, tags);
            ClientMetrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("NgsiFlow.Request");

    /// <summary>
    /// One attempt, body included: reading the answer inside the attempt puts a stalled or cut body under the
    /// attempt's timeout and retry rules, instead of hanging after the pipeline returned.
    /// </summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        args.Context.Properties.TryGetValue(RequestKey, out var request);
        var reason = args.Outcome.Exception is { } ex ? ex.GetType().Name
            : args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture) : "unknown";
        ClientMetrics.Retries.Add(1, new KeyValuePair<string, object?>("http.request.method", request?.Method.Method));
        ClientLog.Retrying(_logger, request?.Method.Method ?? "?", request?.RequestUri, args.AttemptNumber + 1, reason, args.RetryDelay.TotalMilliseconds);
        args.Outcome.Result?.Dispose();
        return default;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or IOException or SocketException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        _ => false,
    };

    /// <summary>A broker's <c>Retry-After</c> (429, 503) wins over the backoff, capped by the maximum delay.</summary>
    private static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeSpan max)
    {
        var header = outcome.Result?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } at ? at - DateTimeOffset.UtcNow : null);
        if (delay is not { } d)
        {
            return null;
        }

        return d < TimeSpan.Zero ? TimeSpan.Zero : d > max ? max : d;
    }
}
