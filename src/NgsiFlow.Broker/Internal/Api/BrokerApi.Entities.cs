using System.Globalization;
using Microsoft.AspNetCore.Http;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>/v2/entities and /v2/entities/{id}.</summary>
internal sealed partial class BrokerApi
{
    private async Task ListEntitiesAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var options = HttpIo.Options(context, "count", "keyValues", "values", "unique", "skipForwarding");
        var (limit, offset) = HttpIo.Pagination(context);
        var query = context.Request.Query;
        var id = HttpIo.ListParam(context, "id");
        var type = HttpIo.ListParam(context, "type");
        var idPattern = query["idPattern"].ToString();
        var typePattern = query["typePattern"].ToString();
        if (id is not null && idPattern.Length > 0)
        {
            throw OrionException.BadRequest("Incompatible parameters: id, IdPattern");
        }

        if (type is not null && typePattern.Length > 0)
        {
            throw OrionException.BadRequest("Incompatible parameters: type, typePattern");
        }

        var geo = Geo.GeoFilter.Parse(query["georel"].ToString(), query["geometry"].ToString(), query["coords"].ToString());
        var matchers = new List<EntityMatcher>();
        var idRegex = idPattern.Length > 0 ? EntityMatcher.Pattern(idPattern, "entity id pattern") : null;
        var typeRegex = typePattern.Length > 0 ? EntityMatcher.Pattern(typePattern, "entity type pattern") : null;
        foreach (var oneId in id ?? [null!])
        {
            foreach (var oneType in type ?? [null!])
            {
                matchers.Add(new EntityMatcher { Id = oneId, Type = oneType, IdPattern = idRegex, TypePattern = typeRegex });
            }
        }

        var entityQuery = new EntityQuery
        {
            Matchers = matchers.Count == 1 && matchers[0] is { Id: null, Type: null, IdPattern: null, TypePattern: null } ? [] : matchers,
            Q = SimpleQuery.ParseOrNull(query["q"].ToString(), metadata: false),
            Mq = SimpleQuery.ParseOrNull(query["mq"].ToString(), metadata: true),
            Scope = HttpIo.QueryScope(context),
            Geo = geo,
        };
        var spec = RenderFrom(context, options);
        var orderBy = HttpIo.Param(context, "orderBy");
        await WriteEntityListAsync(context, correlator, tenant, entityQuery, spec, options, limit, offset, orderBy).ConfigureAwait(false);
    }

    private async Task WriteEntityListAsync(HttpContext context, string correlator, Store.TenantIndex tenant, EntityQuery entityQuery, RenderSpec spec, HashSet<string> options, int limit, int offset, string? orderBy)
    {
        var count = options.Contains("count");
        var found = BrokerCore.Query(tenant, entityQuery);
        if (orderBy is not null)
        {
            found = Ordering.Sort(found, orderBy, entityQuery.Geo);
        }

        long beyond = 0;
        if (!options.Contains("skipForwarding"))
        {
            // A provider is asked for no more than a page may hold (1000, Orion's maximum), whatever the offset.
            var ask = (int)Math.Min((long)offset + limit, 1000);
            (found, beyond) = await ForwardQueryAsync(tenant, correlator, entityQuery, spec.Attrs, found, ask, context.RequestAborted).ConfigureAwait(false);
        }

        if (count)
        {
            context.Response.Headers["Fiware-Total-Count"] = (found.Count + beyond).ToString(CultureInfo.InvariantCulture);
        }

        var page = found.Skip(offset).Take(limit);
        await HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var entity in page)
            {
                WriteEntity(writer, entity, spec);
            }

            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private async Task CreateEntityAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var servicePath = HttpIo.UpdatePath(context);
        var options = HttpIo.Options(context, "keyValues", "upsert", "forcedUpdate", "overrideMetadata");
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        var parsed = PayloadReader.ReadEntity(body, options.Contains("keyValues"));
        var request = new RequestContext(correlator) { ForcedUpdate = options.Contains("forcedUpdate"), OverrideMetadata = options.Contains("overrideMetadata") };
        var created = await _core.CreateAsync(tenant, servicePath, parsed, options.Contains("upsert"), request, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.Location = $"/v2/entities/{parsed.Id}?type={parsed.Type ?? "Thing"}";
        context.Response.StatusCode = created ? 201 : 204;
    }

    /// <summary>Whether the request's <c>options</c> name skipForwarding (for the reads that take no other option).</summary>
    private static bool SkipsForwarding(HttpContext context) =>
        context.Request.Query["options"].ToString().Split(',', StringSplitOptions.TrimEntries).Contains("skipForwarding");

    private Entity FindForUpdate(HttpContext context, out Store.TenantIndex tenant)
    {
        tenant = _core.Tenant(HttpIo.Tenant(context));
        var id = RouteValue(context, "entityId");
        var type = HttpIo.Param(context, "type");
        var path = HttpIo.UpdatePath(context);
        return BrokerCore.FindOne(tenant, id, type, ServicePathScope.Exact(path));
    }

    private async Task GetEntityAsync(HttpContext context, string correlator)
    {
        var options = HttpIo.Options(context, "keyValues", "values", "unique", "skipForwarding");
        var spec = RenderFrom(context, options);
        var entity = await ReadOneAsync(context, correlator, spec.Attrs, options.Contains("skipForwarding")).ConfigureAwait(false);
        await HttpIo.WriteJsonAsync(context, 200, writer => WriteEntity(writer, entity, spec)).ConfigureAwait(false);
    }

    private async Task DeleteEntityAsync(HttpContext context, string correlator)
    {
        var entity = FindForUpdate(context, out var tenant);
        await _core.DeleteEntityAsync(tenant, entity, new RequestContext(correlator), context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }

    private async Task GetAttrsAsync(HttpContext context, string correlator)
    {
        var options = HttpIo.Options(context, "keyValues", "values", "unique", "skipForwarding");
        var spec = RenderFrom(context, options);
        var entity = await ReadOneAsync(context, correlator, spec.Attrs, options.Contains("skipForwarding")).ConfigureAwait(false);
        await HttpIo.WriteJsonAsync(context, 200, writer => WriteEntity(writer, entity, spec, includeIdType: false)).ConfigureAwait(false);
    }

    private Task PostAttrsAsync(HttpContext context, string correlator) =>
        UpdateAttrsAsync(context, correlator, HttpIo.Options(context, "keyValues", "append", "forcedUpdate", "overrideMetadata"), mode: null);

    private Task PatchAttrsAsync(HttpContext context, string correlator) =>
        UpdateAttrsAsync(context, correlator, HttpIo.Options(context, "keyValues", "forcedUpdate", "overrideMetadata"), UpdateMode.Update);

    private Task PutAttrsAsync(HttpContext context, string correlator) =>
        UpdateAttrsAsync(context, correlator, HttpIo.Options(context, "keyValues", "forcedUpdate", "overrideMetadata"), UpdateMode.Replace);

    private async Task UpdateAttrsAsync(HttpContext context, string correlator, HashSet<string> options, UpdateMode? mode)
    {
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        var attributes = PayloadReader.ReadAttributes(body, options.Contains("keyValues"));
        var effective = mode ?? (options.Contains("append") ? UpdateMode.AppendStrict : UpdateMode.Append);
        var request = new RequestContext(correlator) { ForcedUpdate = options.Contains("forcedUpdate"), OverrideMetadata = options.Contains("overrideMetadata") };
        if (effective == UpdateMode.Update && await ForwardedUpdateAsync(context, attributes, request).ConfigureAwait(false))
        {
            return;
        }

        var entity = FindForUpdate(context, out var tenant);
        var refused = await _core.UpdateAsync(tenant, entity, attributes, effective, request, context.RequestAborted).ConfigureAwait(false);
        if (refused.Count > 0)
        {
            var report = new PartialUpdateReport(appendStrict: effective == UpdateMode.AppendStrict);
            report.Refused(entity.Id, HttpIo.Param(context, "type"), refused, nothingApplied: refused.Count == attributes.Count);
            throw report.ToError()!;
        }

        HttpIo.NoContent(context);
    }

    private async Task GetAttributeAsync(HttpContext context, string correlator)
    {
        var name = RouteValue(context, "attrName");
        var metadata = HttpIo.ListParam(context, "metadata");
        var entity = await ReadOneAsync(context, correlator, [name], SkipsForwarding(context)).ConfigureAwait(false);
        await HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            lock (entity)
            {
                if (!entity.Attributes.TryGetValue(name, out var attribute))
                {
                    throw OrionException.AttributeNotFound();
                }

                EntityWriter.WriteNormalizedAttribute(writer, attribute.Type, attribute.Value, attribute, metadata, null);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// An update of one entity that reaches context providers; true when answered here, false when no registered
    /// attribute is involved and the local update goes on.
    /// </summary>
    private async Task<bool> ForwardedUpdateAsync(HttpContext context, IReadOnlyList<ParsedAttribute> attributes, RequestContext request)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        if (!_forwarder.Reaches(tenant))
        {
            return false;
        }

        var id = RouteValue(context, "entityId");
        var type = HttpIo.Param(context, "type");
        var path = HttpIo.UpdatePath(context);
        var local = FindLocal(tenant, id, type, ServicePathScope.Exact(path));
        if (await UpdateWithForwardingAsync(tenant, path, id, type, local, attributes, request, context.RequestAborted).ConfigureAwait(false) is not { } outcome)
        {
            return false;
        }

        if (outcome.NotDone.Count > 0)
        {
            if (!outcome.AnyDone && local is null)
            {
                throw OrionException.EntityNotFound();
            }

            var report = new PartialUpdateReport(appendStrict: false);
            report.Refused(id, type, outcome.NotDone, nothingApplied: !outcome.AnyDone);
            throw report.ToError()!;
        }

        HttpIo.NoContent(context);
        return true;
    }

    private async Task PutAttributeAsync(HttpContext context, string correlator)
    {
        var name = RouteValue(context, "attrName");
        var options = HttpIo.Options(context, "forcedUpdate");
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        var attribute = PayloadReader.ReadAttribute(name, body, keyValues: false);
        if (await ForwardedUpdateAsync(context, [attribute], new RequestContext(correlator) { ForcedUpdate = options.Contains("forcedUpdate") }).ConfigureAwait(false))
        {
            return;
        }

        var entity = FindForUpdate(context, out var tenant);
        await _core.ReplaceAttributeAsync(tenant, entity, attribute, new RequestContext(correlator) { ForcedUpdate = options.Contains("forcedUpdate") }, context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }

    private async Task DeleteAttributeAsync(HttpContext context, string correlator)
    {
        var name = RouteValue(context, "attrName");
        var entity = FindForUpdate(context, out var tenant);
        await _core.DeleteAttributeAsync(tenant, entity, name, new RequestContext(correlator), context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }

    private async Task GetValueAsync(HttpContext context, string correlator)
    {
        var name = RouteValue(context, "attrName");
        var entity = await ReadOneAsync(context, correlator, [name], SkipsForwarding(context)).ConfigureAwait(false);
        object? value;
        lock (entity)
        {
            if (!entity.Attributes.TryGetValue(name, out var attribute))
            {
                throw OrionException.AttributeNotFound();
            }

            value = JsonValues.Clone(attribute.Value);
        }

        var accept = context.Request.Headers.Accept.ToString();
        if (value is JsonMap or List<object?>)
        {
            var textFirst = accept.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase);
            await HttpIo.WriteTextAsync(context, 200, textFirst ? "text/plain" : "application/json", JsonValues.ToJson(value)).ConfigureAwait(false);
            return;
        }

        if (accept.Length > 0 && !accept.Contains("text/plain", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal) && !accept.Contains("text/*", StringComparison.OrdinalIgnoreCase))
        {
            throw new OrionException(406, "NotAcceptable", "accepted MIME types: text/plain");
        }

        await HttpIo.WriteTextAsync(context, 200, "text/plain", value is string s ? "\"" + s + "\"" : JsonValues.ToText(value)).ConfigureAwait(false);
    }

    private async Task PutValueAsync(HttpContext context, string correlator)
    {
        var name = RouteValue(context, "attrName");
        var (buffer, length) = await HttpIo.ReadBodyAsync(context, _maxPayload, allowText: true).ConfigureAwait(false);
        object? value;
        try
        {
            var isText = context.Request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true;
            if (isText)
            {
                var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
                if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
                {
                    value = text[1..^1];
                }
                else if (text is "true" or "false")
                {
                    value = text == "true";
                }
                else if (text == "null")
                {
                    value = null;
                }
                else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    value = number;
                }
                else
                {
                    throw OrionException.BadRequest("Missing citation-mark at end of string");
                }
            }
            else
            {
                value = JsonValues.Parse(buffer.AsSpan(0, length));
                if (value is not (JsonMap or List<object?>))
                {
                    throw OrionException.BadRequest("attribute value must be a JSON object or array with application/json");
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        FieldRules.CheckValue(value, "attribute value");
        if (await ForwardedUpdateAsync(context, [new ParsedAttribute(name, null, value, null)], new RequestContext(correlator)).ConfigureAwait(false))
        {
            // A registered attribute: the provider holds it, as for PUT /attrs/{name}.
            return;
        }

        var entity = FindForUpdate(context, out var tenant);
        await _core.SetAttributeValueAsync(tenant, entity, name, value, new RequestContext(correlator), context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }
}
