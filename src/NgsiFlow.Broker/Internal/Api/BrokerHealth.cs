using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NgsiFlow.Broker.Internal.Store;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the store answers), as ASP.NET Core health checks.</summary>
internal static class BrokerHealth
{
    private const string ReadyTag = "ready";

    public static void Add(IServiceCollection services, IBrokerStore store) =>
        services.AddHealthChecks().Add(new HealthCheckRegistration("store", _ => new StoreCheck(store), HealthStatus.Unhealthy, [ReadyTag]));

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
    }

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteString("description", entry.Description);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private sealed class StoreCheck(IBrokerStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await store.CheckAsync(cancellationToken).ConfigureAwait(false) is { } problem
                ? HealthCheckResult.Unhealthy(problem)
                : HealthCheckResult.Healthy("the store answers");
    }
}
