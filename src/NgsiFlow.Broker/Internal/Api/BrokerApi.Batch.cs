using Microsoft.AspNetCore.Http;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>/v2/op/update, /v2/op/query, /v2/op/notify and /v2/types.</summary>
internal sealed partial class BrokerApi
{
    private async Task BatchUpdateAsync(HttpContext context, string correlator)
    {
        var options = HttpIo.Options(context, "keyValues", "forcedUpdate", "overrideMetadata", "flowControl");
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var servicePath = HttpIo.UpdatePath(context);
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        if (body is not JsonMap map)
        {
            throw OrionException.Parse();
        }

        if (!map.TryGet("actionType", out var actionValue) || actionValue is not string actionText)
        {
            throw OrionException.BadRequest("invalid update action type: right ones are: append, appendStrict, delete, replace, update");
        }

        var action = actionText.ToLowerInvariant() switch
        {
            "append" => "append",
            "appendstrict" => "appendStrict",
            "update" => "update",
            "delete" => "delete",
            "replace" => "replace",
            _ => throw OrionException.BadRequest("invalid update action type: right ones are: append, appendStrict, delete, replace, update"),
        };
        if (!map.TryGet("entities", out var entitiesValue) || entitiesValue is not List<object?> items)
        {
            throw OrionException.BadRequest("Invalid JSON payload: entities field must be an array");
        }

        if (items.Count == 0)
        {
            throw OrionException.BadRequest("empty entities vector");
        }

        foreach (var item in items)
        {
            // As in Orion, a batch update names each entity by id; a pattern is not implemented there.
            if (item is JsonMap entity && entity.TryGet("idPattern", out _))
            {
                throw entity.TryGet("id", out _)
                    ? OrionException.BadRequest("both /id/ and /idPattern/ present")
                    : new OrionException(501, "NotImplemented", "NotImplemented");
            }
        }

        var keyValues = options.Contains("keyValues");
        var parsed = items.Select(item => PayloadReader.ReadEntity(item, keyValues)).ToList();
        var request = new RequestContext(correlator) { ForcedUpdate = options.Contains("forcedUpdate"), OverrideMetadata = options.Contains("overrideMetadata") };
        await ApplyBatchAsync(tenant, servicePath, action, parsed, request, context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }

    private async Task ApplyBatchAsync(Store.TenantIndex tenant, string servicePath, string action, List<ParsedEntity> entities, RequestContext request, CancellationToken cancellationToken)
    {
        var scope = ServicePathScope.Exact(servicePath);
        var report = new PartialUpdateReport(appendStrict: action == "appendStrict");
        foreach (var entity in entities)
        {
            try
            {
                var existing = FindLocal(tenant, entity.Id, entity.Type, scope);

                IReadOnlyList<string> refused = [];
                if (action == "update" && await UpdateWithForwardingAsync(tenant, servicePath, entity.Id, entity.Type, existing, entity.Attributes, request, cancellationToken).ConfigureAwait(false) is { } outcome)
                {
                    if (outcome.NotDone.Count == 0)
                    {
                        report.Applied();
                    }
                    else if (!outcome.AnyDone && existing is null)
                    {
                        report.EntityMissing(entity.Id, entity.Type);
                    }
                    else
                    {
                        report.Refused(entity.Id, entity.Type, outcome.NotDone, nothingApplied: !outcome.AnyDone);
                    }

                    continue;
                }

                switch (action)
                {
                    case "append" or "appendStrict" when existing is null:
                        await _core.CreateAsync(tenant, servicePath, entity, upsert: action == "append", request, cancellationToken).ConfigureAwait(false);
                        break;
                    case "append" or "appendStrict":
                        if (entity.Attributes.Count > 0)
                        {
                            refused = await _core.UpdateAsync(tenant, existing!, entity.Attributes, action == "append" ? UpdateMode.Append : UpdateMode.AppendStrict, request, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case "update" or "replace" or "delete" when existing is null:
                        report.EntityMissing(entity.Id, entity.Type);
                        continue;
                    case "update":
                        refused = await _core.UpdateAsync(tenant, existing!, entity.Attributes, UpdateMode.Update, request, cancellationToken).ConfigureAwait(false);
                        break;
                    case "replace":
                        await _core.UpdateAsync(tenant, existing!, entity.Attributes, UpdateMode.Replace, request, cancellationToken).ConfigureAwait(false);
                        break;
                    case "delete" when entity.Attributes.Count == 0:
                        await _core.DeleteEntityAsync(tenant, existing!, request, cancellationToken).ConfigureAwait(false);
                        break;
                    case "delete":
                        var missing = new List<string>();
                        foreach (var attribute in entity.Attributes)
                        {
                            try
                            {
                                await _core.DeleteAttributeAsync(tenant, existing!, attribute.Name, request, cancellationToken).ConfigureAwait(false);
                            }
                            catch (OrionException e) when (e.Status == 404)
                            {
                                missing.Add(attribute.Name);
                            }
                        }

                        refused = missing;
                        break;
                }

                if (refused.Count > 0)
                {
                    report.Refused(entity.Id, entity.Type, refused, nothingApplied: refused.Count == entity.Attributes.Count);
                }
                else
                {
                    report.Applied();
                }
            }
            catch (OrionException error) when (error.Status == 404)
            {
                // Deleted by a concurrent request between the lookup and the update.
                report.EntityMissing(entity.Id, entity.Type);
            }
            catch (OrionException error) when (error.Status is 409 or 422)
            {
                report.Failed(error.Description);
            }
        }

        if (report.ToError() is { } failure)
        {
            throw failure;
        }
    }

    private async Task BatchQueryAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var options = HttpIo.Options(context, "count", "keyValues", "values", "unique", "skipForwarding");
        var (limit, offset) = HttpIo.Pagination(context);
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        if (body is not JsonMap map)
        {
            throw OrionException.Parse();
        }

        var matchers = new List<EntityMatcher>();
        List<string>? attrs = null, metadata = null;
        SimpleQuery? q = null, mq = null;
        string? georel = null, geometry = null, coords = null;
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "entities":
                    if (pair.Value is not List<object?> list)
                    {
                        throw OrionException.BadRequest("entities is not an array");
                    }

                    foreach (var item in list)
                    {
                        matchers.Add(ReadMatcher(item));
                    }

                    break;
                case "attrs":
                    attrs = StringArray(pair.Value, "attrs");
                    break;
                case "metadata":
                    metadata = StringArray(pair.Value, "metadata");
                    break;
                case "expression":
                    if (pair.Value is not JsonMap expression)
                    {
                        throw OrionException.BadRequest("expression is not an object");
                    }

                    foreach (var field in expression)
                    {
                        var text = field.Value as string ?? throw OrionException.BadRequest($"{field.Key} is not a string");
                        switch (field.Key)
                        {
                            case "q":
                                q = SimpleQuery.ParseOrNull(text, metadata: false);
                                break;
                            case "mq":
                                mq = SimpleQuery.ParseOrNull(text, metadata: true);
                                break;
                            case "georel":
                                georel = text;
                                break;
                            case "geometry":
                                geometry = text;
                                break;
                            case "coords":
                                coords = text;
                                break;
                            default:
                                throw OrionException.BadRequest($"unrecognized field in expression: /{field.Key}/");
                        }
                    }

                    break;
                default:
                    throw OrionException.BadRequest($"Invalid JSON payload: unrecognized field /{pair.Key}/");
            }
        }

        var spec = RenderFrom(context, options);
        spec = new RenderSpec { Format = spec.Format, Attrs = attrs, Metadata = metadata };
        var query = new EntityQuery { Matchers = matchers, Q = q, Mq = mq, Scope = HttpIo.QueryScope(context), Geo = Geo.GeoFilter.Parse(georel, geometry, coords) };
        await WriteEntityListAsync(context, correlator, tenant, query, spec, options, limit, offset, HttpIo.Param(context, "orderBy")).ConfigureAwait(false);
    }

    private async Task BatchNotifyAsync(HttpContext context, string correlator)
    {
        var options = HttpIo.Options(context, "keyValues");
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var servicePath = HttpIo.UpdatePath(context);
        var format = context.Request.Headers["Ngsiv2-AttrsFormat"].ToString();
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        var parsed = ReadNotification(body, options.Contains("keyValues") ? "keyValues" : format);
        await ApplyBatchAsync(tenant, servicePath, "append", parsed, new RequestContext(correlator), context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    /// <summary>
    /// A notification payload as Orion's /v2/op/notify reads it: only the normalized format, <c>subscriptionId</c> (a
    /// string) and <c>data</c> (an array of entity objects), every entity checked before any is applied.
    /// </summary>
    private static List<ParsedEntity> ReadNotification(object? body, string format)
    {
        if (format is not ("" or "normalized"))
        {
            throw OrionException.BadRequest(format switch
            {
                "keyValues" or "uniqueValues" or "custom" => $"attribute render format /{format}/ not supported for notifications",
                _ => "invalid render format for notifications",
            });
        }

        if (body is not JsonMap map)
        {
            throw OrionException.Parse();
        }

        if (map.Count == 0)
        {
            throw OrionException.BadRequest("empty payload");
        }

        if (!map.TryGet("subscriptionId", out _))
        {
            throw OrionException.BadRequest("invalid JSON payload, mandatory field /subscriptionId/ not found");
        }

        if (!map.TryGet("data", out _))
        {
            throw OrionException.BadRequest("Invalid JSON payload, mandatory field /data/ not found");
        }

        var parsed = new List<ParsedEntity>();
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "subscriptionId" when pair.Value is not string:
                    throw OrionException.BadRequest("/subscriptionId/ must be a JSON string");
                case "subscriptionId":
                    break;
                case "data" when pair.Value is List<object?> items:
                    foreach (var item in items)
                    {
                        parsed.Add(item is JsonMap ? PayloadReader.ReadEntity(item, keyValues: false)
                            : throw OrionException.BadRequest("notification data vector item must be a JSON object"));
                    }

                    break;
                case "data":
                    throw OrionException.BadRequest("notification field /data/ must be a JSON array");
                default:
                    throw OrionException.BadRequest($"Unrecognized field in JSON payload: /{pair.Key}/");
            }
        }

        return parsed;
    }

    private static EntityMatcher ReadMatcher(object? item)
    {
        if (item is not JsonMap map)
        {
            throw OrionException.BadRequest("entities element is not an object");
        }

        string? id = null, idPattern = null, type = null, typePattern = null;
        foreach (var pair in map)
        {
            var text = pair.Value as string ?? throw OrionException.BadRequest($"entities element {pair.Key} is not a string");
            switch (pair.Key)
            {
                case "id":
                    id = text;
                    break;
                case "idPattern":
                    idPattern = text;
                    break;
                case "type":
                    type = text;
                    break;
                case "typePattern":
                    typePattern = text;
                    break;
                default:
                    throw OrionException.BadRequest($"unrecognized field in entities element: /{pair.Key}/");
            }
        }

        if (id is not null && idPattern is not null)
        {
            throw OrionException.BadRequest("both /id/ and /idPattern/ present");
        }

        if (id is null && idPattern is null)
        {
            throw OrionException.BadRequest("nor /id/ nor /idPattern/ present");
        }

        if (type is not null && typePattern is not null)
        {
            throw OrionException.BadRequest("both /type/ and /typePattern/ present");
        }

        return new EntityMatcher
        {
            Id = id,
            IdPattern = idPattern is null ? null : EntityMatcher.Pattern(idPattern, "entity id pattern"),
            Type = type,
            TypePattern = typePattern is null ? null : EntityMatcher.Pattern(typePattern, "entity type pattern"),
        };
    }

    private static List<string> StringArray(object? value, string what)
    {
        if (value is not List<object?> list)
        {
            throw OrionException.BadRequest($"{what} is not an array");
        }

        return list.Select(item => item as string ?? throw OrionException.BadRequest($"{what} element is not a string")).ToList();
    }

    private Task ListTypesAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var options = HttpIo.Options(context, "count", "values", "noAttrDetail");
        var (limit, offset) = HttpIo.Pagination(context);
        var scope = HttpIo.QueryScope(context);
        var types = tenant.Types().Select(t => (Type: t, Entities: InScope(tenant.OfType(t), scope))).Where(t => t.Entities.Count > 0).ToList();
        if (options.Contains("count"))
        {
            context.Response.Headers["Fiware-Total-Count"] = types.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var page = types.Skip(offset).Take(limit).ToList();
        return HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var (type, entities) in page)
            {
                if (options.Contains("values"))
                {
                    writer.WriteStringValue(type);
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("type", type);
                WriteTypeDetail(writer, entities, options.Contains("noAttrDetail"));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    private Task GetTypeAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var type = RouteValue(context, "entityType");
        var entities = InScope(tenant.OfType(type), HttpIo.QueryScope(context));
        if (entities.Count == 0)
        {
            throw OrionException.NotFound("Entity type not found");
        }

        return HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            WriteTypeDetail(writer, entities, noAttrDetail: false);
            writer.WriteEndObject();
        });
    }

    private static List<Entity> InScope(IEnumerable<Entity> entities, ServicePathScope scope) =>
        entities.Where(e => !e.Deleted && scope.Contains(e.ServicePath)).ToList();

    private static void WriteTypeDetail(System.Text.Json.Utf8JsonWriter writer, List<Entity> entities, bool noAttrDetail)
    {
        var attrs = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            lock (entity)
            {
                foreach (var pair in entity.Attributes)
                {
                    if (pair.Key == Transient.AttributeName)
                    {
                        continue; // a builtin: not one of the type's attributes
                    }

                    if (!attrs.TryGetValue(pair.Key, out var types))
                    {
                        attrs[pair.Key] = types = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    types.Add(pair.Value.Type);
                }
            }
        }

        writer.WriteStartObject("attrs");
        foreach (var (name, types) in attrs)
        {
            writer.WriteStartObject(name);
            if (!noAttrDetail)
            {
                writer.WriteStartArray("types");
                foreach (var type in types)
                {
                    writer.WriteStringValue(type);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteNumber("count", entities.Count);
    }
}
