using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow parse FILE</c>: shows what a saved notification holds (a raw HTTP request or a bare JSON body):
/// format, tenant, service path, subscription, and each entity with its attributes and types.
/// </summary>
internal static class ParseCommand
{
    private const int ExitBadInput = 2;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A saved notification: a raw HTTP request (request line, headers, blank line, body) or a bare JSON body." };
        var attrs = new Option<string?>("--attrs") { Description = "Comma-separated attribute names of the subscription (notification.attrs), to name the values of the 'values' format." };
        var format = new Option<NotificationFormat>("--format") { Description = "Force a format instead of detecting it (e.g. V2KeyValues, LdConcise).", DefaultValueFactory = _ => NotificationFormat.Auto };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var command = new Command("parse", "Show what a saved NGSI-v2 or NGSI-LD notification holds.");
        command.Arguments.Add(file);
        command.Options.Add(attrs);
        command.Options.Add(format);
        command.Options.Add(json);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var path = parseResult.GetValue(file)!;
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                await error.WriteLineAsync($"ngsiflow parse: no such file: {path}").ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                await error.WriteLineAsync($"ngsiflow parse: cannot read {path}: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            var headers = new NotificationHeaders();
            var source = "JSON body";
            var body = bytes;
            if (RawHttpRequest.LooksLikeRequest(bytes))
            {
                try
                {
                    var request = RawHttpRequest.Parse(bytes);
                    headers = request.Headers;
                    body = request.Body;
                    source = $"HTTP request {request.Method} {request.Target}";
                }
                catch (FormatException e)
                {
                    await error.WriteLineAsync($"ngsiflow parse: {path}: {e.Message}").ConfigureAwait(false);
                    return ExitBadInput;
                }
            }

            var names = parseResult.GetValue(attrs)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var options = new NotificationParseOptions { Format = parseResult.GetValue(format), ValuesAttributeNames = names };
            NgsiNotification notification;
            try
            {
                notification = NotificationParser.Parse(body, headers, options);
            }
            catch (NgsiFormatException e)
            {
                await error.WriteLineAsync($"ngsiflow parse: {path}: not a valid notification: {e.Message}").ConfigureAwait(false);
                return ExitBadInput;
            }

            await output.WriteAsync(parseResult.GetValue(json) ? RenderJson(notification) : RenderText(path, source, notification)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static string FormatName(NotificationFormat format) => format switch
    {
        NotificationFormat.V2Normalized => "NGSI-v2 normalized",
        NotificationFormat.V2KeyValues => "NGSI-v2 keyValues",
        NotificationFormat.V2Values => "NGSI-v2 values",
        NotificationFormat.V2SimplifiedNormalized => "NGSI-v2 simplifiedNormalized",
        NotificationFormat.V2SimplifiedKeyValues => "NGSI-v2 simplifiedKeyValues",
        NotificationFormat.V2Custom => "NGSI-v2 custom (raw payload)",
        NotificationFormat.LdNormalized => "NGSI-LD normalized",
        NotificationFormat.LdConcise => "NGSI-LD concise",
        NotificationFormat.LdSimplified => "NGSI-LD simplified",
        _ => format.ToString(),
    };

    private static string RenderText(string path, string source, NgsiNotification n)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"File:          {path} ({source})\n");
        sb.Append(inv, $"Format:        {FormatName(n.Format)}\n");
        sb.Append(inv, $"Tenant:        {(n.Fiware.IsDefaultTenant ? "(default)" : n.Fiware.Tenant)}\n");
        sb.Append(inv, $"Service path:  {n.Fiware.ServicePath}\n");
        sb.Append(inv, $"Subscription:  {n.SubscriptionId ?? "(none)"}\n");
        if (n.Fiware.Correlator is not null)
        {
            sb.Append(inv, $"Correlator:    {n.Fiware.Correlator}\n");
        }

        if (n.NotifiedAt is { } at)
        {
            sb.Append(inv, $"Notified at:   {at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\n");
        }

        switch (n)
        {
            case NgsiLdNotification ld:
                if (!ld.Context.IsNull)
                {
                    sb.Append(inv, $"@context:      {ld.Context.ToJson()}{(ld.ContextFromLinkHeader ? " (Link header)" : string.Empty)}\n");
                }

                sb.Append(inv, $"Entities:      {ld.Entities.Count}\n");
                foreach (var e in ld.Entities)
                {
                    sb.Append(inv, $"\nEntity {e.Id} (type {string.Join(", ", e.Types)})\n");
                    AppendLdAttributes(sb, e.Attributes, "  ");
                }

                break;
            case NgsiV2Notification v2:
                sb.Append(inv, $"Entities:      {v2.Entities.Count}\n");
                foreach (var e in v2.Entities)
                {
                    sb.Append(e.Id.Length == 0 ? "\nEntity (no id in the values format)\n" : $"\nEntity {e.Id} (type {e.Type})\n");
                    var width = e.Attributes.Count == 0 ? 0 : e.Attributes.Max(a => a.Name.Length);
                    var typeWidth = e.Attributes.Count == 0 ? 0 : e.Attributes.Max(a => a.Type.Length);
                    foreach (var a in e.Attributes)
                    {
                        sb.Append(inv, $"  {a.Name.PadRight(width)}  {a.Type.PadRight(typeWidth)}  = {a.Value.ToJson()}\n");
                        foreach (var m in a.Metadata)
                        {
                            sb.Append(inv, $"  {string.Empty.PadRight(width)}    metadata {m.Name} ({m.Type}) = {m.Value.ToJson()}\n");
                        }
                    }
                }

                break;
            case NgsiCustomNotification custom:
                sb.Append(inv, $"Content type:  {custom.ContentType ?? "(none)"}\n");
                sb.Append(inv, $"Body:          {custom.Body.Length} bytes\n{custom.BodyText}\n");
                break;
        }

        return sb.ToString();
    }

    private static void AppendLdAttributes(StringBuilder sb, NgsiLdAttributeCollection attributes, string indent)
    {
        var width = attributes.Count == 0 ? 0 : attributes.Max(a => a.Name.Length);
        foreach (var a in attributes)
        {
            sb.Append(indent).Append(a.Name.PadRight(width)).Append("  ").Append(a.Kind.ToString().PadRight(16)).Append("  = ").Append(a.MainValue.ToJson());
            if (a is NgsiLdProperty { UnitCode: { } unit })
            {
                sb.Append("  unitCode=").Append(unit);
            }

            if (a is NgsiLdProperty { Lang: { } lang })
            {
                sb.Append("  lang=").Append(lang);
            }

            if (a.DatasetId is not null)
            {
                sb.Append("  datasetId=").Append(a.DatasetId);
            }

            if (a.ObservedAt is { } observed)
            {
                sb.Append("  observedAt=").Append(observed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
            if (a.HasSubAttributes)
            {
                AppendLdAttributes(sb, a.SubAttributes, indent + "    ");
            }
        }
    }

    private static string RenderJson(NgsiNotification n)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", n.Format.ToString());
            w.WriteString("tenant", n.Fiware.Tenant);
            w.WriteString("servicePath", n.Fiware.ServicePath);
            WriteNullable(w, "subscriptionId", n.SubscriptionId);
            WriteNullable(w, "correlator", n.Fiware.Correlator);
            WriteNullable(w, "notifiedAt", n.NotifiedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteStartArray("entities");
            switch (n)
            {
                case NgsiV2Notification v2:
                    foreach (var e in v2.Entities)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", e.Id);
                        w.WriteString("type", e.Type);
                        w.WriteStartArray("attributes");
                        foreach (var a in e.Attributes)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", a.Name);
                            w.WriteString("type", a.Type);
                            w.WritePropertyName("value");
                            a.Value.WriteTo(w);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    break;
                case NgsiLdNotification ld:
                    foreach (var e in ld.Entities)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", e.Id);
                        w.WriteString("type", e.Type);
                        w.WritePropertyName("entity");
                        NgsiLdWriter.WriteEntity(w, e, NgsiLdRepresentation.Normalized);
                        w.WriteEndObject();
                    }

                    break;
            }

            w.WriteEndArray();
            if (n is NgsiCustomNotification custom)
            {
                w.WriteString("body", custom.BodyText);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
