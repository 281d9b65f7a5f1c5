using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// Parses NGSI-LD documents other than notifications: entities, entity arrays (queries, batch upsert bodies)
/// and attribute objects (PATCH bodies), in normalized, concise or simplified form.
/// Bad input raises <see cref="NgsiFormatException"/>.
/// </summary>
public static class NgsiLdParser
{
    /// <summary>Parses one entity.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="representation">The representation (normalized also reads concise).</param>
    public static NgsiLdEntity ParseEntity(ReadOnlySpan<byte> json, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized)
    {
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an entity object");
            var entity = LdReader.ReadEntity(ref src, representation);
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
    /// <param name="representation">The representation.</param>
    public static IReadOnlyList<NgsiLdEntity> ParseEntities(ReadOnlySpan<byte> json, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized)
    {
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an array of entities");
            src.Expect(JsonTokenType.StartArray, "an array of entities");
            var list = new List<NgsiLdEntity>();
            src.Read();
            while (src.Token != JsonTokenType.EndArray)
            {
                list.Add(LdReader.ReadEntity(ref src, representation));
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

    /// <summary>Parses an object of attributes (no id or type), as in a PATCH body; <c>@context</c> is skipped.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="representation">The representation.</param>
    public static NgsiLdAttributeCollection ParseAttributes(ReadOnlySpan<byte> json, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized)
    {
        var src = new JsonSource(json, NgsiJson.DefaultMaxDepth);
        try
        {
            src.ReadFirst("an object of attributes");
            var attributes = LdReader.ReadAttributes(ref src, representation);
            src.ExpectEnd();
            return attributes;
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
    }
}
