using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NgsiFlow.Connector;

/// <summary>
/// Answers <c>/health/live</c> and <c>/health/ready</c> the way every NgsiFlow process does: 200, or 503 when a check
/// is unhealthy, with <c>{"status": ..., "checks": {name: {"status", "description"}}}</c>.
/// </summary>
public static class HealthReportWriter
{
    /// <summary>The tag of checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Answers a health request from <paramref name="health"/>: live runs no check, ready runs those tagged <see cref="ReadyTag"/>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="health">The process's checks.</param>
    /// <param name="ready">Ready rather than live.</param>
    /// <returns>Completes when answered.</returns>
    public static async Task AnswerAsync(HttpContext context, HealthCheckService health, bool ready)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(health);
        var report = ready
            ? await health.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), context.RequestAborted).ConfigureAwait(false)
            : await health.CheckHealthAsync(_ => false, context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, report).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="report"/> as the answer.</summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The checks' results.</param>
    /// <returns>Completes when written.</returns>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
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
}
