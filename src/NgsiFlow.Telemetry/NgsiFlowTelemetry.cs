using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NgsiFlow.Telemetry;

/// <summary>What a process exports.</summary>
public sealed class NgsiFlowTelemetryOptions
{
    /// <summary>The <c>service.name</c> resource attribute (<c>OTEL_SERVICE_NAME</c> wins when set).</summary>
    public string ServiceName { get; set; } = "ngsiflow";

    /// <summary>Serve every NgsiFlow meter at <c>/metrics</c> in the Prometheus text format. Default true.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Export metrics and traces over OTLP, configured by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables
    /// (endpoint, protocol, headers). Default: when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public bool Otlp { get; set; } = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));

    /// <summary>More trace processing (an in-memory exporter in tests, a console exporter while debugging).</summary>
    public Action<TracerProviderBuilder>? ConfigureTracing { get; set; }

    /// <summary>More metric processing.</summary>
    public Action<MeterProviderBuilder>? ConfigureMetrics { get; set; }
}

/// <summary>
/// OpenTelemetry for an NgsiFlow process: every <c>NgsiFlow.*</c> meter and activity source, exported through OTLP
/// and served to Prometheus at <c>/metrics</c>. One per process; dispose it at exit to flush the exporters.
/// </summary>
/// <example>
/// <code>
/// using var telemetry = NgsiFlowTelemetry.Start(new NgsiFlowTelemetryOptions { ServiceName = "concrete-job" });
/// var receiver = new ReceiverOptions { OtherRequests = telemetry.Endpoint(null) };   // GET /metrics on the receiver
/// </code>
/// </example>
public sealed class NgsiFlowTelemetry : IDisposable
{
    /// <summary>The meters exported: every one NgsiFlow's libraries create.</summary>
    public const string Meters = "NgsiFlow.*";

    /// <summary>The activity sources traced: the connector's, the jobs', the broker's.</summary>
    public const string Sources = "NgsiFlow.*";

    /// <summary>The scrape path.</summary>
    public const string MetricsPath = "/metrics";

    private readonly RequestDelegate? _scrape;

    private NgsiFlowTelemetry(MeterProvider meters, TracerProvider? tracer, RequestDelegate? scrape)
    {
        MeterProvider = meters;
        TracerProvider = tracer;
        _scrape = scrape;
    }

    /// <summary>The metric pipeline.</summary>
    public MeterProvider MeterProvider { get; }

    /// <summary>The trace pipeline, or null when nothing consumes spans (no OTLP, no extra tracing).</summary>
    public TracerProvider? TracerProvider { get; }

    /// <summary>Starts exporting.</summary>
    /// <param name="options">What to export.</param>
    /// <returns>The running telemetry.</returns>
    public static NgsiFlowTelemetry Start(NgsiFlowTelemetryOptions? options = null)
    {
        options ??= new NgsiFlowTelemetryOptions();
        var resource = ResourceBuilder.CreateDefault().AddService(options.ServiceName);
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters);
        if (options.Prometheus)
        {
            metrics.AddPrometheusExporter();
        }

        if (options.Otlp)
        {
            metrics.AddOtlpExporter();
        }

        options.ConfigureMetrics?.Invoke(metrics);
        var meterProvider = metrics.Build();
        TracerProvider? tracer = null;
        if (options.Otlp || options.ConfigureTracing is not null)
        {
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources);
            if (options.Otlp)
            {
                tracing.AddOtlpExporter();
            }

            options.ConfigureTracing?.Invoke(tracing);
            tracer = tracing.Build();
        }

        return new NgsiFlowTelemetry(meterProvider, tracer, options.Prometheus ? Scrape(meterProvider) : null);
    }

    /// <summary>
    /// A request handler that answers <c>GET /metrics</c> and passes every other request to <paramref name="next"/>
    /// (a 404 when null): plug it into <c>ReceiverOptions.OtherRequests</c> or a broker's pipeline.
    /// </summary>
    /// <param name="next">What handles the other requests.</param>
    /// <returns>The handler.</returns>
    public RequestDelegate Endpoint(RequestDelegate? next) => context =>
    {
        if (_scrape is not null && context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal) && HttpMethods.IsGet(context.Request.Method))
        {
            return _scrape(context);
        }

        if (next is not null)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($$"""{"error":"NotFound","description":"no endpoint at '{{System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(context.Request.Path.Value ?? string.Empty)}}'"}""", context.RequestAborted);
    };

    /// <inheritdoc />
    public void Dispose()
    {
        TracerProvider?.Dispose();
        MeterProvider.Dispose();
    }

    /// <summary>The Prometheus exporter's middleware on a pipeline of its own (the servers of NgsiFlow are not DI apps).</summary>
    private static RequestDelegate Scrape(MeterProvider meterProvider)
    {
        var services = new ServiceCollection().AddOptions().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, path: MetricsPath, configureBranchedPipeline: null, optionsName: null);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app.Build();
    }
}
