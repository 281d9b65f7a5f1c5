using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// Validates a job document against docs/job.schema.json (embedded) with JsonSchema.Net, and turns each failure into
/// an error that names the field, its position and, for misspelt names and values, the closest valid one.
/// </summary>
internal static class SchemaCheck
{
    private static readonly Lazy<(JsonSchema Schema, JsonNode Node)> Loaded = new(Load);

    /// <summary>The schema's text, as committed in docs/job.schema.json.</summary>
    public static string Text { get; } = ReadText();

    public static List<JobFileError> Validate(YamlDocument document)
    {
        var (schema, schemaNode) = Loaded.Value;
        using var json = JsonDocument.Parse(document.Root?.ToJsonString() ?? "null");
        var results = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = new List<JobFileError>();
        if (results.IsValid)
        {
            return errors;
        }

        var failures = (results.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 }).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var failure in failures)
        {
            var evaluationPath = failure.EvaluationPath.ToString();
            var oneOf = evaluationPath.IndexOf("/oneOf/", StringComparison.Ordinal);
            if (oneOf >= 0)
            {
                // A oneOf reports every branch's failures: keep those of the list branch for a list, else say what fits.
                var owner = (results.Details ?? []).FirstOrDefault(d => d.EvaluationPath.ToString() == evaluationPath[..oneOf])?.InstanceLocation.ToString() ?? failure.InstanceLocation.ToString();
                var ownerValue = Resolve(document.Root, owner);
                if (ownerValue is not JsonArray)
                {
                    var (l, c) = document.ValueAt(owner);
                    var e = new JobFileError(document.File, l, c, YamlDocument.FieldOf(owner), $"expected 'auto' or a list of features, found {Show(ownerValue)}");
                    if (seen.Add(e.ToString()))
                    {
                        errors.Add(e);
                    }

                    continue;
                }

                if (evaluationPath[(oneOf + 7)..].Split('/')[0] != "1")
                {
                    continue;
                }
            }

            var instance = failure.InstanceLocation.ToString();
            foreach (var keyword in failure.Errors!.Keys)
            {
                var error = Describe(keyword, instance, evaluationPath, failure, schemaNode, document);
                if (error is not null && seen.Add(error.ToString()))
                {
                    errors.Add(error);
                }
            }
        }

        return [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
    }

    private static JobFileError? Describe(string keyword, string instance, string evaluationPath, EvaluationResults failure, JsonNode schemaNode, YamlDocument document)
    {
        var schemaPointer = failure.SchemaLocation.Fragment.TrimStart('#');
        var schemaHere = Resolve(schemaNode, Uri.UnescapeDataString(schemaPointer));
        var value = Resolve(document.Root, instance);
        var field = YamlDocument.FieldOf(instance);
        var (line, column) = document.ValueAt(instance);
        JobFileError At(string message) => new(document.File, line, column, field, message);

        switch (keyword)
        {
            case "additionalProperties":
            case "unevaluatedProperties":
            case "falseSchema":
            case "":
                return Unknown(instance, evaluationPath, schemaNode, document);
            case "type":
                return At($"expected {TypeName(schemaHere?["type"])}, found {Show(value)}");
            case "enum":
                var allowed = schemaHere?["enum"]?.AsArray().Select(v => v!.GetValue<string>()).ToList() ?? [];
                var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
                var hint = text is null ? null : Suggestions.Closest(text, allowed);
                return At($"{Show(value)} is not one of {string.Join(", ", allowed)}{(hint is null ? string.Empty : $" (did you mean '{hint}'?)")}");
            case "required":
                var present = value is JsonObject o ? o.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : [];
                var missing = schemaHere?["required"]?.AsArray().Select(v => v!.GetValue<string>()).Where(r => !present.Contains(r)).ToList() ?? [];
                return missing.Count == 0 ? null : At($"missing required field{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing.Select(m => $"'{m}'"))}");
            case "pattern":
                return instance == "/name"
                    ? At($"{Show(value)} is not a job name: use 1 to 64 ASCII letters, digits, '.', '_' or '-'")
                    : At($"{Show(value)} does not match {schemaHere?["pattern"]}");
            case "minItems":
                return At($"needs at least {schemaHere?["minItems"]} item(s)");
            case "minimum":
                return At($"must be at least {schemaHere?["minimum"]}, found {Show(value)}");
            case "maximum":
                return At($"must be at most {schemaHere?["maximum"]}, found {Show(value)}");
            case "const":
                return null;
            default:
                return At($"{failure.Errors![keyword]} ({keyword})");
        }
    }

    private static JobFileError Unknown(string instance, string evaluationPath, JsonNode schemaNode, YamlDocument document)
    {
        var name = instance[(instance.LastIndexOf('/') + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        var cut = evaluationPath.LastIndexOf("/additionalProperties", StringComparison.Ordinal);
        var parentEval = cut >= 0 ? evaluationPath[..cut] : evaluationPath;
        var known = PropertiesAt(schemaNode, parentEval);
        var hint = Suggestions.Closest(name, known);
        var (line, column) = document.KeyAt(instance);
        var message = $"unknown field '{name}'" + (hint is not null ? $" (did you mean '{hint}'?)" : known.Count > 0 ? $"; expected one of {string.Join(", ", known)}" : string.Empty);
        return new JobFileError(document.File, line, column, YamlDocument.FieldOf(instance), message);
    }

    /// <summary>The property names the schema allows where an evaluation path (with <c>$ref</c> steps) points.</summary>
    private static List<string> PropertiesAt(JsonNode schemaNode, string evaluationPath)
    {
        JsonNode? here = schemaNode;
        var previous = string.Empty;
        foreach (var raw in evaluationPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

            // The evaluator names an array's item schema twice (.../items/items/$ref): one step in the schema.
            if (segment == "items" && previous == "items")
            {
                continue;
            }

            previous = segment;
            if (segment == "$ref")
            {
                var target = here?["$ref"]?.GetValue<string>() ?? string.Empty;
                here = Resolve(schemaNode, target.TrimStart('#'));
                continue;
            }

            here = here switch
            {
                JsonObject obj => obj[segment],
                JsonArray arr when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < arr.Count => arr[i],
                _ => null,
            };
        }

        return here?["properties"] is JsonObject props ? [.. props.Select(p => p.Key).Where(k => k != "$schema")] : [];
    }

    private static JsonNode? Resolve(JsonNode? root, string pointer)
    {
        var here = root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            here = here switch
            {
                JsonObject obj => obj[segment],
                JsonArray arr when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < arr.Count => arr[i],
                _ => null,
            };
        }

        return here;
    }

    private static string TypeName(JsonNode? type) => type switch
    {
        JsonArray many => string.Join(" or ", many.Select(t => TypeName(t))),
        JsonValue one => one.GetValue<string>() switch
        {
            "object" => "an object",
            "array" => "a list",
            "string" => "text",
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "true or false",
            var other => other,
        },
        _ => "another kind of value",
    };

    /// <summary>A value as an error shows it: text quoted, objects and lists by kind.</summary>
    public static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ when value.GetValueKind() == JsonValueKind.String => $"'{value.GetValue<string>()}'",
        _ => value.ToJsonString(),
    };

    private static (JsonSchema, JsonNode) Load() => (JsonSchema.FromText(Text), JsonNode.Parse(Text)!);

    private static string ReadText()
    {
        using var stream = typeof(SchemaCheck).Assembly.GetManifestResourceStream("NgsiFlow.Jobs.job.schema.json")
            ?? throw new InvalidOperationException("The job schema is not embedded in NgsiFlow.Jobs.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
