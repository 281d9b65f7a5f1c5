using System.Text.Json.Nodes;

namespace NgsiFlow.Jobs.Internal;

/// <summary>The sections that say what the job computes: features, window, outputs, write-back and sinks.</summary>
internal static partial class SpecBinder
{
    private static List<JobFeature> Features(SpecReader r, JsonNode? node, string at, HashSet<string> aggregates)
    {
        var features = new List<JobFeature>();
        var array = (JsonArray)node!;
        for (var i = 0; i < array.Count; i++)
        {
            var f = array[i];
            var here = YamlDocument.Child(at, i);
            var sources = new[] { "attribute", "aggregate", "oneHot" }.Where(k => SpecReader.Has(f, k)).ToList();
            if (sources.Count != 1)
            {
                r.Error(here, sources.Count == 0
                    ? "a feature needs one of 'attribute', 'aggregate' or 'oneHot'"
                    : $"a feature has one source; found {string.Join(" and ", sources.Select(s => $"'{s}'"))}");
                continue;
            }

            var kind = sources[0] switch
            {
                "attribute" => JobFeatureKind.Attribute,
                "aggregate" => JobFeatureKind.Aggregate,
                _ => JobFeatureKind.OneHot,
            };
            var source = r.NonEmpty(f, here, sources[0]);
            var values = r.Texts(f, here, "values");
            if (kind == JobFeatureKind.OneHot && values.Count == 0)
            {
                r.Error(here, "a oneHot feature lists its 'values', in the model's input order");
            }
            else if (kind != JobFeatureKind.OneHot && SpecReader.Has(f, "values"))
            {
                r.Error(here + "/values", "'values' belong to a oneHot feature");
            }

            if (kind == JobFeatureKind.Aggregate && source is not null && !aggregates.Contains(source))
            {
                r.Error(here + "/aggregate", aggregates.Count == 0
                    ? $"'{source}' is not an aggregate: the job has no window"
                    : $"'{source}' is not an aggregate of the window{Hint(source, aggregates)}");
            }

            var scale = r.Number(f, "scale") ?? 1;
            if (scale == 0)
            {
                r.Error(here + "/scale", "a scale of 0 makes the input constant");
            }

            if (source is not null)
            {
                features.Add(new JobFeature(kind, source, values, r.Number(f, "default"), scale, r.Number(f, "offset") ?? 0));
            }
        }

        return features;
    }

    private static List<JobOutput> Outputs(SpecReader r, JsonNode? root, bool hasModel, HashSet<string> aggregates)
    {
        var outputs = new List<JobOutput>();
        if (SpecReader.At(root, "outputs") is not JsonArray array)
        {
            if (hasModel)
            {
                outputs.Add(new JobOutput("prediction", JobOutputKind.Model, null, null, false, false));
            }
            else
            {
                r.Error(string.Empty, aggregates.Count > 0
                    ? "missing 'outputs': say which aggregates are written back"
                    : "the job writes nothing: give a 'model' (and 'outputs'), or a 'window' and 'outputs'");
            }

            return outputs;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var o = array[i];
            var here = YamlDocument.Child("/outputs", i);
            var attribute = r.NonEmpty(o, here, "attribute");
            var sources = new[] { "output", "aggregate", "errorAgainst" }.Where(k => SpecReader.Has(o, k)).ToList();
            if (sources.Count > 1)
            {
                r.Error(here, $"an output has one source; found {string.Join(" and ", sources.Select(s => $"'{s}'"))}");
                continue;
            }

            var source = sources.Count == 0 ? null : r.NonEmpty(o, here, sources[0]);
            var kind = sources.Count == 0 ? JobOutputKind.Model : sources[0] switch
            {
                "aggregate" => JobOutputKind.Aggregate,
                "errorAgainst" => JobOutputKind.ErrorAgainst,
                _ => source switch
                {
                    "label" => JobOutputKind.Label,
                    "probabilities" => JobOutputKind.Probabilities,
                    _ => JobOutputKind.Model,
                },
            };
            if (kind is JobOutputKind.Model or JobOutputKind.Label or JobOutputKind.Probabilities or JobOutputKind.ErrorAgainst && !hasModel)
            {
                r.Error(here, "this output comes from the model, but the job has no model");
            }
            else if (kind == JobOutputKind.Aggregate && source is not null && !aggregates.Contains(source))
            {
                r.Error(here + "/aggregate", aggregates.Count == 0
                    ? $"'{source}' is not an aggregate: the job has no window"
                    : $"'{source}' is not an aggregate of the window{Hint(source, aggregates)}");
            }

            if (attribute is not null && outputs.Any(x => x.Attribute == attribute))
            {
                r.Error(here + "/attribute", $"'{attribute}' is written by another output already");
            }

            if (attribute is not null && attribute.IndexOfAny(['<', '>', '"', '\'', '=', ';', '(', ')', ' ', '&', '?', '/', '#']) >= 0)
            {
                r.Error(here + "/attribute", $"'{attribute}' is not an NGSI attribute name (no spaces or any of < > \" ' = ; ( ) & ? / #)");
            }

            var metadata = SpecReader.At(o, "metadata");
            if (attribute is not null)
            {
                outputs.Add(new JobOutput(attribute, kind, kind is JobOutputKind.Label or JobOutputKind.Probabilities ? null : source, r.NonEmpty(o, here, "type"),
                    r.Boolean(metadata, "model") ?? false, r.Boolean(metadata, "time") ?? false));
            }
        }

        return outputs;
    }

    private static JobWindow? Window(SpecReader r, JsonNode? node, string at)
    {
        var kind = r.Text(node, at, "kind") switch
        {
            "sliding" => JobWindowKind.Sliding,
            "session" => JobWindowKind.Session,
            _ => JobWindowKind.Tumbling,
        };
        var size = r.Duration(node, at, "size", allowZero: false);
        var slide = r.Duration(node, at, "slide", allowZero: false);
        var gap = r.Duration(node, at, "gap", allowZero: false);
        switch (kind)
        {
            case JobWindowKind.Session when SpecReader.Has(node, "size") || SpecReader.Has(node, "slide"):
                r.Error(at + (SpecReader.Has(node, "size") ? "/size" : "/slide"), "a session window has a 'gap', not a size or slide");
                break;
            case JobWindowKind.Session when gap is null && !SpecReader.Has(node, "gap"):
                r.Error(at, "a session window needs a 'gap' (such as 30s)");
                break;
            case not JobWindowKind.Session when size is null && !SpecReader.Has(node, "size"):
                r.Error(at, $"a {(kind == JobWindowKind.Sliding ? "sliding" : "tumbling")} window needs a 'size' (such as 10s)");
                break;
            case JobWindowKind.Sliding when slide is null && !SpecReader.Has(node, "slide"):
                r.Error(at, "a sliding window needs a 'slide' (how often a window starts, such as 5s)");
                break;
            case JobWindowKind.Sliding when slide > size:
                r.Error(at + "/slide", "the slide is longer than the size: updates between windows would be lost");
                break;
            case JobWindowKind.Tumbling when SpecReader.Has(node, "slide"):
                r.Error(at + "/slide", "a tumbling window has no slide; use kind: sliding");
                break;
        }

        if (kind == JobWindowKind.Sliding && size is { } s && slide is { } d && d <= s && s.Ticks % d.Ticks != 0)
        {
            r.Error(at + "/slide", "the size must be a whole number of slides");
        }

        var aggregates = new List<JobAggregate>();
        if (SpecReader.At(node, "aggregates") is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var a = array[i];
                var here = YamlDocument.Child(at + "/aggregates", i);
                var name = r.Text(a, here, "name");
                var op = Enum.TryParse<JobAggregateOp>(r.Text(a, here, "op"), ignoreCase: true, out var parsed) ? parsed : JobAggregateOp.Count;
                var attribute = r.NonEmpty(a, here, "attribute");
                if (op != JobAggregateOp.Count && attribute is null && !SpecReader.Has(a, "attribute"))
                {
                    r.Error(here, $"'{op.ToString().ToLowerInvariant()}' needs the 'attribute' it aggregates");
                }

                if (name is not null && aggregates.Any(x => x.Name == name))
                {
                    r.Error(here + "/name", $"the window has another aggregate named '{name}'");
                }
                else if (name is not null)
                {
                    aggregates.Add(new JobAggregate(name, op, attribute));
                }
            }
        }

        var time = r.Text(node, at, "time") == "notification" ? JobTimeSource.Notification : JobTimeSource.Event;
        var timeAttribute = r.NonEmpty(node, at, "timeAttribute");
        if (time == JobTimeSource.Notification && timeAttribute is not null)
        {
            r.Error(at + "/timeAttribute", "a time attribute is read for event time only (time: event)");
        }

        var key = r.NonEmpty(node, at, "key");
        return new JobWindow(kind, size ?? TimeSpan.Zero, slide ?? size ?? TimeSpan.Zero, gap ?? TimeSpan.Zero, time, timeAttribute,
            key is null or "entity" ? null : key, r.Text(node, at, "emit") == "close" ? JobWindowEmit.Close : JobWindowEmit.Update, aggregates);
    }

    private static JobWriteBack WriteBack(SpecReader r, JsonNode? node, string at, List<JobOutput> outputs)
    {
        var mode = r.Text(node, at, "mode") switch
        {
            "patch" => JobWriteBackMode.Patch,
            "upsert" => JobWriteBackMode.Upsert,
            "template" => JobWriteBackMode.Template,
            _ => JobWriteBackMode.Append,
        };
        var template = SpecReader.At(node, "template") as JsonObject;
        if (mode == JobWriteBackMode.Template && template is null)
        {
            r.Error(at, "mode 'template' needs a 'template': the NGSI-v2 entity to write, with ${...} placeholders");
        }
        else if (mode != JobWriteBackMode.Template && template is not null)
        {
            r.Error(at + "/template", "a template is used with mode: template");
        }

        if (template is not null && (template["id"] is null || template["type"] is null))
        {
            r.Error(at + "/template", "the template needs 'id' and 'type' (such as id: Prediction:${id})");
        }

        var entityId = r.NonEmpty(node, at, "entityId");
        if (entityId is not null && mode != JobWriteBackMode.Upsert)
        {
            r.Error(at + "/entityId", "'entityId' names the entity of mode: upsert");
        }

        _ = outputs;
        return new JobWriteBack(mode, entityId, r.NonEmpty(node, at, "entityType"), template, r.Duration(node, at, "batchWindow") ?? TimeSpan.Zero);
    }

    private static List<JobSink> Sinks(SpecReader r, JsonNode? node, string at)
    {
        var sinks = new List<JobSink>();
        if (node is not JsonArray array)
        {
            return sinks;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var s = array[i];
            var here = YamlDocument.Child(at, i);
            var kinds = ((JsonObject)s!).Select(p => p.Key).ToList();
            if (kinds.Count != 1)
            {
                r.Error(here, kinds.Count == 0 ? "a sink names its kind: influxdb, postgresql or rabbitmq" : $"one sink per list item; found {string.Join(" and ", kinds)}");
                continue;
            }

            var body = s![kinds[0]];
            var inner = here + "/" + kinds[0];
            JobSink? sink = kinds[0] switch
            {
                "influxdb" => r.Url(body, inner, "url") is { } url
                    ? new JobInfluxDbSink(url, r.NonEmpty(body, inner, "database") ?? "ngsiflow", r.NonEmpty(body, inner, "measurement"), r.Text(body, inner, "username"), r.Text(body, inner, "password"), r.Boolean(body, "createDatabase") ?? false)
                    : null,
                "postgresql" => r.NonEmpty(body, inner, "connectionString") is { } cs
                    ? new JobPostgreSqlSink(cs, r.NonEmpty(body, inner, "schema"), r.NonEmpty(body, inner, "table"))
                    : null,
                _ => r.Url(body, inner, "uri", "amqp", "amqps") is { } uri
                    ? new JobRabbitMqSink(uri, r.Text(body, inner, "exchange") ?? string.Empty, r.NonEmpty(body, inner, "routingKey"))
                    : null,
            };
            if (sink is not null)
            {
                sinks.Add(sink);
            }
        }

        return sinks;
    }

    private static string Hint(string text, IEnumerable<string> candidates) =>
        Suggestions.Closest(text, candidates) is { } hint ? $" (did you mean '{hint}'?)" : $"; the window has {string.Join(", ", candidates)}";
}
