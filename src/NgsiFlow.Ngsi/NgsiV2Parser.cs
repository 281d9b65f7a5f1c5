using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// Parses NGSI-v2 documents other than notifications: entities (GET /v2/entities/{id}, POST /v2/entities),
/// entity arrays (GET /v2/entities, batch bodies) and attribute objects (PATCH /v2/entities/{id}/attrs).
/// Bad input raises <see cref="NgsiFormatException"/>.
/// </summary>
public static class NgsiV2Parser
{
    /// <summary>Parses one entity.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="representation">Normalized (attribute objects) or keyValues.</param>
    public static NgsiV2Entity ParseEntity(ReadOnlySpan<byte> json, NgsiV2Representation representation = NgsiV2Representation.Normalized)
    {
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an entity object");
            var entity = V2Reader.ReadEntity(ref src, representation);
            src.ExpectEnd();
            return entity;
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
    }

    /// <summary>Parses an array of entities.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static IReadOnlyList<NgsiV2Entity> ParseEntities(ReadOnlySpan<byte> json, NgsiV2Representation representation = NgsiV2Representation.Normalized)
    {
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an array of entities");
            src.Expect(JsonTokenType.StartArray, "an array of entities");
            var list = new List<NgsiV2Entity>();
            src.Read();
            while (src.Token != JsonTokenType.EndArray)
            {
                list.Add(V2Reader.ReadEntity(ref src, representation));
                src.Read();
            }

            src.ExpectEnd();
            return list;
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
    }

    /// <summary>Parses one attribute object <c>{"type":..,"value":..,"metadata":{..}}</c> (PUT /v2/entities/{id}/attrs/{name}).</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="name">The attribute name (from the URL).</param>
    public static NgsiV2Attribute ParseAttribute(ReadOnlySpan<byte> json, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an attribute object");
            var attribute = V2Reader.ReadNormalizedAttribute(ref src, name);
            src.ExpectEnd();
            return attribute;
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
    }

    /// <summary>Parses an object of attributes (no id or type), as in a PATCH body.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static NgsiV2AttributeCollection ParseAttributes(ReadOnlySpan<byte> json, NgsiV2Representation representation = NgsiV2Representation.Normalized)
    {
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an object of attributes");
            var attributes = V2Reader.ReadAttributes(ref src, representation);
            src.ExpectEnd();
            return attributes;
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
    }
}
