using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>Orion's management surface: /statistics and /admin/log.</summary>
internal sealed partial class BrokerApi
{
    private Task GetStatisticsAsync(HttpContext context, string correlator) =>
        HttpIo.WriteJsonAsync(context, 200, _statistics.Write);

    private Task ResetStatisticsAsync(HttpContext context, string correlator)
    {
        _statistics.Reset();
        return HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("message", "All statistics counter reset");
            writer.WriteEndObject();
        });
    }

    private Task GetAdminLogAsync(HttpContext context, string correlator) =>
        HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("deprecate", _adminLog.Deprecate);
            writer.WriteNumber("infoPayloadMaxSize", _adminLog.InfoPayloadMaxSize);
            writer.WriteString("level", _adminLog.LevelName);
            writer.WriteNumber("lineMaxSize", _adminLog.LineMaxSize);
            writer.WriteEndObject();
        });

    private Task PutAdminLogAsync(HttpContext context, string correlator)
    {
        _adminLog.Apply(context.Request.Query);
        context.Response.StatusCode = 200;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
