using System.Text;
using System.Text.Json;

namespace NgsiFlow.Client.Internal;

/// <summary>Reads the error out of a broker's answer: Orion's <c>{error, description}</c> or NGSI-LD ProblemDetails.</summary>
internal static class ErrorBody
{
    private const int MaxText = 4096;

    /// <summary>(error name, description, ProblemDetails type URI); nulls when the body says nothing usable.</summary>
    public static (string? Error, string? Description, string? ProblemType) Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            return Read(doc.RootElement);
        }
        catch (JsonException)
        {
            return (null, Text(body), null);
        }
    }

    public static (string? Error, string? Description, string? ProblemType) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }

        var error = String(root, "error");

        // Keyrock's own errors: {"error": {"message", "code", "title"}}.
        if (root.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object)
        {
            return (String(nested, "title"), String(nested, "message"), null);
        }

        // Orion: error/description; OAuth2 token endpoints: error/error_description; NGSI-LD: ProblemDetails.
        var description = String(root, "description") ?? String(root, "error_description");
        var type = String(root, "type");
        var title = String(root, "title");
        var detail = String(root, "detail");
        string? problemType = null;
        if (error is null && type is not null)
        {
            problemType = type;
            error = ShortName(type);
        }

        description ??= detail ?? title;
        if (error is null && title is not null && !ReferenceEquals(description, title))
        {
            error = title;
        }

        return (error, description, problemType);
    }

    /// <summary><c>https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound</c> → <c>ResourceNotFound</c>.</summary>
    public static string ShortName(string type)
    {
        var cut = type.LastIndexOfAny(['/', '#']);
        return cut >= 0 && cut < type.Length - 1 ? type[(cut + 1)..] : type;
    }

    public static string? Text(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body.Length > MaxText ? body[..MaxText] : body);
        return body.Length > MaxText ? text + "…" : text;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
