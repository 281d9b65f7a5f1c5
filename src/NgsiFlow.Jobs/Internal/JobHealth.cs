using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NgsiFlow.Connector;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> on a running job's receiver (ASP.NET Core health checks): ready when
/// the broker answers and the job's subscription exists; other requests go on to <c>next</c>.
/// </summary>
internal sealed class JobHealth(RequestDelegate? next)
{
    private HealthCheckService? _health;

    public void Attach(JobRunner runner)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks()
            .AddCheck("broker", new BrokerHealthCheck(runner.Broker), tags: [HealthReportWriter.ReadyTag])
            .AddCheck("subscription", () => runner.Subscription.Id is { } id
                ? HealthCheckResult.Healthy($"subscription {id} on {runner.BrokerAddress}")
                : HealthCheckResult.Unhealthy("the job's subscription is not made yet"), tags: [HealthReportWriter.ReadyTag]);
        _health = services.BuildServiceProvider().GetRequiredService<HealthCheckService>();
    }

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (_health is { } health && HttpMethods.IsGet(context.Request.Method) && path is "/health/live" or "/health/ready")
        {
            return HealthReportWriter.AnswerAsync(context, health, path == "/health/ready");
        }

        if (next is not null)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["error"] = "NotFound",
            ["description"] = $"no endpoint at '{path}'; notifications go to /notify/{{job}}, health to /health/live and /health/ready",
        }), context.RequestAborted);
    }
}
