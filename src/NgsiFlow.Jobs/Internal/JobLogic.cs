using System.Diagnostics;
using NgsiFlow.Cluster;
using NgsiFlow.Connector;
using NgsiFlow.Inference;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// What a job file's job does with one update of one key: window it, read the features, score the model, and turn
/// the outputs into write-backs. Deterministic (times come from the update), so that a cluster may apply it again.
/// </summary>
internal sealed class JobLogic
{
    private readonly JobPlan _plan;
    private readonly WindowLogic? _window;
    private readonly JobCounters _counters;
    private readonly EntityTransforms? _transforms;

    public JobLogic(JobPlan plan, JobCounters counters)
    {
        _plan = plan;
        _counters = counters;
        _window = plan.Spec.Window is { } w ? new WindowLogic(w) : null;
        _transforms = plan.Spec.Transforms is { Transforms.Count: > 0 } t ? new EntityTransforms(t) : null;
    }

    public string KeyOf(NgsiEvent e) =>
        _plan.Spec.Window?.KeyAttribute is { } attribute && e.Entity.TryGetValue(attribute, out var v)
            ? (v.TryGetString(out var s) ? s : v.ToJson())
            : e.EntityId;

    public void Apply(string key, JobState state, NgsiEvent e, ICollection<WriteBack> output)
    {
        using var span = JobsTracing.Source.HasListeners() ? JobsTracing.Source.StartActivity("job " + _plan.Spec.Name, ActivityKind.Internal, e.TraceContext) : null;
        span?.SetTag("ngsi.entity.id", e.EntityId);
        if (e.Correlator is { } correlator)
        {
            span?.SetTag("fiware.correlator", correlator);
        }

        _counters.Event();
        if (_transforms is not null)
        {
            if (_transforms.Apply(e, out var skipped, out var error) is not { } transformed)
            {
                if (error is not null)
                {
                    _counters.Error(error);
                }
                else
                {
                    _counters.Skip(skipped!);
                }

                return;
            }

            e = transformed;
        }

        if (_window is null)
        {
            Emit(key, e, null, output);
            return;
        }

        var aggregates = _window.Window.Aggregates;
        if (_window.TimeOf(e) is not { } time)
        {
            _counters.Skip($"no event time in '{_window.Window.TimeAttribute}'");
            return;
        }

        var emit = new List<WindowAccumulator>(1);
        var added = _window.Add(state, time, i => aggregates[i].Attribute is { } a && e.Entity.TryGetNumber(a, out var v) ? v : null, emit);
        if (!added)
        {
            _counters.Skip("too late for its window");
            return;
        }

        foreach (var w in emit)
        {
            Emit(key, e, w, output);
        }
    }

    private void Emit(string key, NgsiEvent e, WindowAccumulator? window, ICollection<WriteBack> output)
    {
        Prediction? prediction = null;
        if (_plan.Model is { } model)
        {
            var features = new double[model.FeatureNames.Count];
            if (!_plan.Features.Fill(e.Entity, window, features, out var missing))
            {
                _counters.Skip($"attribute '{missing}' missing or not a number");
                return;
            }

            try
            {
                prediction = model.Predict(features);
            }
            catch (ModelInputException ex)
            {
                _counters.Error(ex.Message);
                return;
            }

            _counters.Prediction();
        }

        var attributes = new List<NgsiV2Attribute>(_plan.Spec.Outputs.Count);
        foreach (var o in _plan.Spec.Outputs)
        {
            if (Value(o, e, prediction, window) is { } value)
            {
                attributes.Add(new NgsiV2Attribute(o.Attribute, value.Value, o.Type ?? value.Type, Metadata(o, e, window)));
            }
        }

        if (attributes.Count == 0)
        {
            return;
        }

        var spec = _plan.Spec.WriteBack;
        var fiware = e.Fiware;
        switch (spec.Mode)
        {
            case JobWriteBackMode.Template:
                if (Templates.Render(spec.Template!, e, key, attributes) is { } entity)
                {
                    output.Add(new WriteBack(entity.Id, entity.Type, [.. entity.Attributes], fiware, WriteBackMode.Upsert) { TraceContext = Trace(e) });
                }
                else
                {
                    _counters.Error("the write-back template did not render to an NGSI-v2 entity");
                }

                break;
            case JobWriteBackMode.Upsert:
                output.Add(new WriteBack(
                    spec.EntityId is null ? e.EntityId : Templates.Fill(spec.EntityId, e, key, attributes),
                    spec.EntityType ?? e.EntityType, attributes, fiware, WriteBackMode.Upsert) { TraceContext = Trace(e) });
                break;
            default:
                output.Add(new WriteBack(e.EntityId, e.EntityType, attributes, fiware, spec.Mode == JobWriteBackMode.Patch ? WriteBackMode.Update : WriteBackMode.Append) { TraceContext = Trace(e) });
                break;
        }
    }

    private (NgsiValue Value, string Type)? Value(JobOutput o, NgsiEvent e, Prediction? prediction, WindowAccumulator? window)
    {
        switch (o.Kind)
        {
            case JobOutputKind.Aggregate:
                var index = _plan.AggregateIndex(o.Source!);
                return window?.Value(index, _plan.Spec.Window!.Aggregates[index].Op) is { } a ? (NgsiValue.FromNumber(a), "Number") : null;
            case JobOutputKind.ErrorAgainst:
                return e.Entity.TryGetNumber(o.Source!, out var measured) ? (NgsiValue.FromNumber(Math.Abs(prediction!.Value - measured)), "Number") : null;
            case JobOutputKind.Label:
                return prediction!.Label is { } label ? (NgsiValue.FromString(label), "Text") : null;
            case JobOutputKind.Probabilities:
                return (Probabilities(prediction!), "StructuredValue");
            default:
                var info = o.Source is null ? _plan.Model!.Outputs[0] : _plan.Model!.Outputs.First(x => x.Name == o.Source);
                if (info.Kind == ModelOutputKind.LabelMap)
                {
                    return (Probabilities(prediction!), "StructuredValue");
                }

                if (info.Kind == ModelOutputKind.Label)
                {
                    var texts = prediction!.GetTexts(info.Name);
                    return texts.Length == 1 ? (NgsiValue.FromString(texts[0]), "Text") : (NgsiValue.FromArray([.. texts.Select(NgsiValue.FromString)]), "StructuredValue");
                }

                var numbers = prediction!.GetNumbers(info.Name);
                return numbers.Length == 1 ? (NgsiValue.FromNumber(numbers[0]), "Number") : (NgsiValue.FromArray([.. numbers.Select(NgsiValue.FromNumber)]), "StructuredValue");
        }
    }

    private static ActivityContext Trace(NgsiEvent e) => Activity.Current?.Source == JobsTracing.Source ? Activity.Current.Context : e.TraceContext;

    private static NgsiValue Probabilities(Prediction prediction)
    {
        var labels = prediction.ClassLabels;
        var p = prediction.Probabilities.ToArray();
        return NgsiValue.FromPairs(labels.Select((l, i) => new KeyValuePair<string, NgsiValue>(l, NgsiValue.FromNumber(i < p.Length ? p[i] : double.NaN))));
    }

    private List<NgsiV2Metadata>? Metadata(JobOutput o, NgsiEvent e, WindowAccumulator? window)
    {
        List<NgsiV2Metadata>? metadata = null;
        if (o.ModelMetadata && _plan.Model is { } model)
        {
            (metadata ??= []).Add(new NgsiV2Metadata("model", "Text", NgsiValue.FromString(model.Name)));
        }

        if (o.TimeMetadata)
        {
            // The update's arrival, not the clock: applying an update again writes the same value.
            (metadata ??= []).Add(new NgsiV2Metadata("predictedAt", "DateTime", NgsiValue.FromDateTime(e.ReceivedAt)));
        }

        if (o.Kind == JobOutputKind.Aggregate && window is not null)
        {
            (metadata ??= []).Add(new NgsiV2Metadata("windowStart", "DateTime", NgsiValue.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(window.Start))));
            metadata.Add(new NgsiV2Metadata("windowEnd", "DateTime", NgsiValue.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(window.End))));
            metadata.Add(new NgsiV2Metadata("windowCount", "Number", NgsiValue.FromNumber(window.Count)));
        }

        return metadata;
    }
}
