using System.Globalization;
using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Internal;

/// <summary>Reads NGSI-LD multi-status answers: BatchOperationResult and UpdateResult.</summary>
internal static class LdResults
{
    /// <summary>201: the created ids; 204: nothing; 207: success ids plus errors, which raise one exception.</summary>
    public static NgsiLdBatchResult Batch(string method, NgsiTransport.Answer answer)
    {
        if (answer.Body.Length == 0)
        {
            return new NgsiLdBatchResult([], answer.Status);
        }

        using var doc = JsonRead.Parse(answer.Body, "a batch operation result");
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new NgsiLdBatchResult(Ids(root, "$"), answer.Status);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new NgsiFormatException("$", "an array of ids or a BatchOperationResult object", root.ValueKind.ToString());
        }

        var success = root.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.Array ? Ids(s, "$.success") : [];
        var errors = new List<NgsiBatchError>();
        if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in e.EnumerateArray())
            {
                var path = $"$.errors[{i++}]";
                var entityId = JsonRead.String(item, "entityId", path) ?? string.Empty;
                var (error, description, _) = item.TryGetProperty("error", out var problem) ? ErrorBody.Read(problem) : (null, null, null);

                // Some brokers (older Stellio) give the reasons as an array of strings.
                if (problem.ValueKind == JsonValueKind.Array)
                {
                    description = string.Join("; ", problem.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText()));
                }
                var status = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.Number ? st.GetInt32() : 0;
                errors.Add(new NgsiBatchError(entityId, status, error, description));
            }
        }

        if (errors.Count > 0)
        {
            var summary = string.Join("; ", errors.Take(5).Select(x => $"{x.EntityId}: {x.Error} {x.Description}".TrimEnd()));
            var text = string.Create(CultureInfo.InvariantCulture, $"{errors.Count} of {errors.Count + success.Count} entities failed: {summary}");
            throw NgsiTransport.Failed(new NgsiClientException(method, answer.RequestUri, answer.Status, "BatchPartialFailure", text, ErrorBody.Text(answer.Body)) { BatchErrors = errors });
        }

        return new NgsiLdBatchResult(answer.Status == 201 ? success : [], answer.Status);
    }

    /// <summary>A 207 UpdateResult: raises one exception naming the attributes not updated.</summary>
    public static void ThrowNotUpdated(string entityId, string method, NgsiTransport.Answer answer)
    {
        var errors = new List<NgsiBatchError>();
        try
        {
            using var doc = JsonDocument.Parse(answer.Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("notUpdated", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var name = JsonRead.String(item, "attributeName", "$.notUpdated") ?? "?";
                    var reason = JsonRead.String(item, "reason", "$.notUpdated");
                    errors.Add(new NgsiBatchError(entityId, 0, name, reason));
                }
            }
        }
        catch (JsonException)
        {
            // The status alone says the update was partial.
        }

        if (errors.Count == 0)
        {
            // 207 with every attribute updated: nothing failed.
            return;
        }

        var text = "attributes not updated: " + string.Join("; ", errors.Select(x => $"{x.Error} ({x.Description})"));
        throw NgsiTransport.Failed(new NgsiClientException(method, answer.RequestUri, answer.Status, "PartialUpdate", text, ErrorBody.Text(answer.Body)) { BatchErrors = errors });
    }

    private static List<string> Ids(JsonElement array, string path)
    {
        var ids = new List<string>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            ids.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw JsonRead.Wrong(path, $"[{i}]", "an entity id", item));
            i++;
        }

        return ids;
    }
}
