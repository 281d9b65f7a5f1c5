using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>The NGSI-v2 HTTP surface as minimal-API routes over <see cref="BrokerCore"/>.</summary>
internal sealed partial class BrokerApi
{
    private readonly BrokerCore _core;
    private readonly int _maxPayload;
    private readonly ILogger _logger;
    private readonly OrionCors _cors;
    private readonly BrokerStatistics _statistics;
    private readonly AdminLog _adminLog;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly Registrations.ContextForwarder _forwarder;

    public BrokerApi(BrokerCore core, int maxPayload, OrionCors cors, BrokerStatistics statistics, AdminLog adminLog, ILogger logger)
    {
        _core = core;
        _forwarder = core.Forwarder;
        _maxPayload = maxPayload;
        _cors = cors;
        _statistics = statistics;
        _adminLog = adminLog;
        _logger = logger;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        Get(app, "/version", VersionAsync);
        Get(app, "/v2", RootAsync);
        Get(app, "/v2/entities", ListEntitiesAsync);
        Post(app, "/v2/entities", CreateEntityAsync);
        Get(app, "/v2/entities/{entityId}", GetEntityAsync);
        Delete(app, "/v2/entities/{entityId}", DeleteEntityAsync);
        Get(app, "/v2/entities/{entityId}/attrs", GetAttrsAsync);
        Patch(app, "/v2/entities/{entityId}/attrs", PatchAttrsAsync);
        Post(app, "/v2/entities/{entityId}/attrs", PostAttrsAsync);
        Put(app, "/v2/entities/{entityId}/attrs", PutAttrsAsync);
        Get(app, "/v2/entities/{entityId}/attrs/{attrName}", GetAttributeAsync);
        Put(app, "/v2/entities/{entityId}/attrs/{attrName}", PutAttributeAsync);
        Delete(app, "/v2/entities/{entityId}/attrs/{attrName}", DeleteAttributeAsync);
        Get(app, "/v2/entities/{entityId}/attrs/{attrName}/value", GetValueAsync);
        Put(app, "/v2/entities/{entityId}/attrs/{attrName}/value", PutValueAsync);
        Get(app, "/v2/types", ListTypesAsync);
        Get(app, "/v2/types/{entityType}", GetTypeAsync);
        Post(app, "/v2/op/update", BatchUpdateAsync);
        Post(app, "/v2/op/query", BatchQueryAsync);
        Post(app, "/v2/op/notify", BatchNotifyAsync);
        Get(app, "/v2/subscriptions", ListSubscriptionsAsync);
        Post(app, "/v2/subscriptions", CreateSubscriptionAsync);
        Get(app, "/v2/subscriptions/{subscriptionId}", GetSubscriptionAsync);
        Delete(app, "/v2/subscriptions/{subscriptionId}", DeleteSubscriptionAsync);
        Patch(app, "/v2/subscriptions/{subscriptionId}", PatchSubscriptionAsync);
        Get(app, "/v2/registrations", ListRegistrationsAsync);
        Post(app, "/v2/registrations", CreateRegistrationAsync);
        Get(app, "/v2/registrations/{registrationId}", GetRegistrationAsync);
        Delete(app, "/v2/registrations/{registrationId}", DeleteRegistrationAsync);
        Get(app, "/statistics", GetStatisticsAsync);
        Delete(app, "/statistics", ResetStatisticsAsync);
        Get(app, "/admin/log", GetAdminLogAsync);
        Put(app, "/admin/log", PutAdminLogAsync);

        // Orion answers a known path with an unsupported method with 405 and the methods it allows; with CORS on, OPTIONS
        // is one of them and answers the preflight. The any-method endpoint is ordered after the method-specific ones.
        foreach (var (pattern, methods) in _methods)
        {
            var allowed = _cors.Enabled ? [.. methods, "OPTIONS"] : methods;
            var allow = string.Join(", ", allowed);
            var resource = BrokerStatistics.Resource(pattern);
            if (_cors.Enabled)
            {
                app.MapMethods(pattern, ["OPTIONS"], context =>
                {
                    HttpIo.Correlator(context);
                    _statistics.Count(context, resource);
                    _cors.Preflight(context, allow);
                    return Task.CompletedTask;
                });
            }

            app.Map(pattern, context =>
            {
                HttpIo.Correlator(context);
                _statistics.Count(context, resource);
                _cors.Apply(context);
                context.Response.Headers.Allow = allow;
                return HttpIo.WriteErrorAsync(context, new OrionException(405, "MethodNotAllowed", "method not allowed"));
            }).Add(endpoint => ((RouteEndpointBuilder)endpoint).Order = 1);
        }
    }

    private readonly Dictionary<string, List<string>> _methods = new(StringComparer.Ordinal);

    private void Remember(string pattern, string method)
    {
        if (!_methods.TryGetValue(pattern, out var list))
        {
            _methods[pattern] = list = [];
        }

        list.Add(method);
    }

    /// <summary>Unknown paths answer as Orion does.</summary>
    public Task NotFoundAsync(HttpContext context)
    {
        HttpIo.Correlator(context);
        _cors.Apply(context);
        return HttpIo.WriteErrorAsync(context, OrionException.BadRequest($"service '{context.Request.Path}' not found"));
    }

    private void Get(IEndpointRouteBuilder app, string pattern, Func<HttpContext, string, Task> handler)
    {
        Remember(pattern, "GET");
        app.MapMethods(pattern, ["GET"], Wrap(pattern, handler));
    }

    private void Post(IEndpointRouteBuilder app, string pattern, Func<HttpContext, string, Task> handler)
    {
        Remember(pattern, "POST");
        app.MapMethods(pattern, ["POST"], Wrap(pattern, handler));
    }

    private void Put(IEndpointRouteBuilder app, string pattern, Func<HttpContext, string, Task> handler)
    {
        Remember(pattern, "PUT");
        app.MapMethods(pattern, ["PUT"], Wrap(pattern, handler));
    }

    private void Patch(IEndpointRouteBuilder app, string pattern, Func<HttpContext, string, Task> handler)
    {
        Remember(pattern, "PATCH");
        app.MapMethods(pattern, ["PATCH"], Wrap(pattern, handler));
    }

    private void Delete(IEndpointRouteBuilder app, string pattern, Func<HttpContext, string, Task> handler)
    {
        Remember(pattern, "DELETE");
        app.MapMethods(pattern, ["DELETE"], Wrap(pattern, handler));
    }

    private RequestDelegate Wrap(string pattern, Func<HttpContext, string, Task> handler)
    {
        var resource = BrokerStatistics.Resource(pattern);
        return context =>
        {
            _statistics.Count(context, resource);
            return HandleAsync(context, handler);
        };
    }

    private async Task HandleAsync(HttpContext context, Func<HttpContext, string, Task> handler)
    {
        var correlator = HttpIo.Correlator(context);
        _cors.Apply(context);
        try
        {
            CheckAccept(context);
            await handler(context, correlator).ConfigureAwait(false);
        }
        catch (OrionException error)
        {
            if (!context.Response.HasStarted)
            {
                await HttpIo.WriteErrorAsync(context, error).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException ex)
        {
            if (!context.Response.HasStarted)
            {
                await HttpIo.WriteErrorAsync(context, OrionException.BadRequest(ex.Message)).ConfigureAwait(false);
            }
        }
        catch (Npgsql.NpgsqlException ex)
        {
            LogStoreFailure(ex);
            if (!context.Response.HasStarted)
            {
                await HttpIo.WriteErrorAsync(context, new OrionException(500, "InternalServerError", "Database Error: " + ex.Message)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // A bug must not take the broker down nor leave the client without an answer.
            LogUnexpected(ex, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            if (!context.Response.HasStarted)
            {
                await HttpIo.WriteErrorAsync(context, new OrionException(500, "InternalServerError", "unexpected error: " + ex.GetType().Name)).ConfigureAwait(false);
            }
        }
    }

    private static void CheckAccept(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length == 0 || accept.Contains("*/*", StringComparison.Ordinal) || accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || accept.Contains("text/plain", StringComparison.OrdinalIgnoreCase) || accept.Contains("application/*", StringComparison.OrdinalIgnoreCase)
            || accept.Contains("text/*", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw new OrionException(406, "NotAcceptable", "no acceptable mime-type in accept header");
    }

    private Task VersionAsync(HttpContext context, string correlator)
    {
        var uptime = DateTime.UtcNow - _started;
        return HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("orion");
            writer.WriteString("version", "4.0.0");
            writer.WriteString("uptime", $"{uptime.Days} d, {uptime.Hours} h, {uptime.Minutes} m, {uptime.Seconds} s");
            writer.WriteString("git_hash", "nogitversion");
            writer.WriteString("compile_time", "nodate");
            writer.WriteString("compiled_by", "ngsiflow");
            writer.WriteString("compiled_in", "ngsiflow");
            writer.WriteString("release_date", "nodate");
            writer.WriteString("machine", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString());
            writer.WriteString("doc", "https://fiware-orion.rtfd.io/");
            writer.WriteString("implementation", "NgsiFlow embedded broker");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private static Task RootAsync(HttpContext context, string correlator) =>
        HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("entities_url", "/v2/entities");
            writer.WriteString("types_url", "/v2/types");
            writer.WriteString("subscriptions_url", "/v2/subscriptions");
            writer.WriteString("registrations_url", "/v2/registrations");
            writer.WriteEndObject();
        });

    private static string RouteValue(HttpContext context, string name)
    {
        // Routing has already decoded the segment (a '/' stays %2F, and is forbidden in ids anyway).
        return context.Request.RouteValues[name] as string ?? string.Empty;
    }

    private static RenderSpec RenderFrom(HttpContext context, HashSet<string> options) => new()
    {
        Format = options.Contains("keyValues") ? RenderFormat.KeyValues
            : options.Contains("values") ? RenderFormat.Values
            : options.Contains("unique") ? RenderFormat.Unique
            : RenderFormat.Normalized,
        Attrs = HttpIo.ListParam(context, "attrs"),
        Metadata = HttpIo.ListParam(context, "metadata"),
    };

    private static void WriteEntity(Utf8JsonWriter writer, Entity entity, RenderSpec spec, bool includeIdType = true)
    {
        lock (entity)
        {
            EntityWriter.WriteEntity(writer, entity, spec, includeIdType: includeIdType);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Path}")]
    private partial void LogUnexpected(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store operation failed")]
    private partial void LogStoreFailure(Exception exception);
}
