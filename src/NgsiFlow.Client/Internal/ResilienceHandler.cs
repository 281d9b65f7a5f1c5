using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// The client's retries and per-attempt timeout on the standard .NET resilience handler
/// (Microsoft.Extensions.Http.Resilience), with the project's rules: only calls that are safe to repeat are retried
/// (<see cref="RequestFlags.IsRetryable"/>), a broker's <c>Retry-After</c> wins over the backoff, and each attempt
/// reads the whole answer, so that a stalled or cut body is under the attempt's timeout. The request content is a
/// byte array, so it can be sent again. Around it, the call metrics.
/// </summary>
internal static class ResilienceHandler
{
    public static HttpMessageHandler Create(HttpMessageHandler inner, NgsiClientOptions options, ILogger logger)
    {
        var retry = options.Retry;
        var retrying = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (retry.MaxRetries > 0)
        {
            var maxDelay = retry.MaxDelay;
            retrying.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                Delay = retry.BaseDelay,
                MaxDelay = maxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, maxDelay)),
                OnRetry = args => OnRetry(args, logger),
            });
        }

        var timeout = new HttpTimeoutStrategyOptions { Timeout = options.RequestTimeout };
        var retryingPipeline = retrying.AddTimeout(timeout).Build();
        var once = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider }.AddTimeout(timeout).Build();
        var retryNonIdempotent = retry.RetryNonIdempotent;
        var resilience = new Microsoft.Extensions.Http.Resilience.ResilienceHandler(
            request => RequestFlags.IsRetryable(request, retryNonIdempotent) ? retryingPipeline : once)
        {
            InnerHandler = new BufferingHandler(inner),
        };
        return new MetricsHandler(resilience);
    }

    private static ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args, ILogger logger)
    {
        var request = args.Context.GetRequestMessage();
        var reason = args.Outcome.Exception is { } ex ? ex.GetType().Name
            : args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture) : "unknown";
        ClientMetrics.Retries.Add(1, new KeyValuePair<string, object?>("http.request.method", request?.Method.Method));
        ClientLog.Retrying(logger, request?.Method.Method ?? "?", request?.RequestUri, args.AttemptNumber + 1, reason, args.RetryDelay.TotalMilliseconds);
        args.Outcome.Result?.Dispose();
        return default;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or IOException or SocketException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        _ => false,
    };

    /// <summary>Counts every call (attempts retried inside it included) with its final status and duration.</summary>
    private sealed class MetricsHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var status = 0;
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
                return response;
            }
            finally
            {
                var tags = new TagList { { "http.request.method", request.Method.Method }, { "http.response.status_code", status } };
                ClientMetrics.Requests.Add(1, tags);
                ClientMetrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
            }
        }
    }

    /// <summary>One attempt, body included: the answer is read inside the attempt, under its timeout and retry rules.</summary>
    private sealed class BufferingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
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
    }

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
