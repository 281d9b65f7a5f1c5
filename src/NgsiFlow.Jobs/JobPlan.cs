using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using NgsiFlow.Client;
using NgsiFlow.Cluster;
using NgsiFlow.Connector;
using NgsiFlow.Inference;
using NgsiFlow.Jobs.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs;

/// <summary>
/// A job file resolved against its model: the model loaded (and which evaluator took it), the features laid out in
/// the model's input order, the subscription that notifies the job and never notifies its own write-backs. Run it in
/// one process with <see cref="JobRunner"/>, or on a cluster with <see cref="ToClusterJob"/>.
/// </summary>
public sealed class JobPlan : IDisposable
{
    private readonly Dictionary<string, int> _aggregates;

    private JobPlan(JobSpec spec, OnnxModel? model, IReadOnlyList<JobFeature> features, SubscriptionRequest subscription)
    {
        Spec = spec;
        Model = model;
        Subscription = subscription;
        var aggregates = spec.Window?.Aggregates ?? [];
        _aggregates = aggregates.Select((a, i) => (a.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        Features = new FeatureLayout(features, AggregateIndex, aggregates);
    }

    /// <summary>The job file.</summary>
    public JobSpec Spec { get; }

    /// <summary>The loaded model, or null for a job that only aggregates.</summary>
    public OnnxModel? Model { get; }

    /// <summary>The subscription the job makes on its broker.</summary>
    public SubscriptionRequest Subscription { get; }

    internal FeatureLayout Features { get; }

    /// <summary>Loads the model and checks the file against it: the number of inputs, the outputs named, the
    /// subscription's condition attributes.</summary>
    /// <param name="spec">The job file.</param>
    /// <param name="logger">Where the model loader logs (which evaluator it chose and why).</param>
    /// <returns>The plan; dispose it to release the model.</returns>
    /// <exception cref="JobFileException">The model cannot be loaded, or does not fit the file.</exception>
    public static JobPlan Resolve(JobSpec spec, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<JobFileError>();
        OnnxModel? model = null;
        if (spec.Model is { } m)
        {
            try
            {
                model = OnnxModel.Load(m.Path, new OnnxModelOptions { Engine = m.Engine, Logger = logger });
            }
            catch (ModelLoadException e)
            {
                throw new JobFileException(spec.ErrorAt("/model/path", $"cannot load the model: {e.Message}"));
            }
        }

        try
        {
            var features = model is null ? [] : ResolveFeatures(spec, model, errors);
            if (model is not null)
            {
                CheckOutputs(spec, model, errors);
            }

            var subscription = ResolveSubscription(spec, features, errors);
            if (errors.Count > 0)
            {
                throw new JobFileException([.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
            }

            return new JobPlan(spec, model, features, subscription);
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks the broker for a few entities of each subscribed type and checks that the attributes the features read
    /// exist on them, suggesting the closest name for a misspelt one. Types with no entities yet are not checked.
    /// </summary>
    /// <param name="broker">The job's broker (NGSI-v2; other brokers are not checked).</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The errors found; empty when every attribute was found or could not be checked.</returns>
    public async Task<IReadOnlyList<JobFileError>> CheckAttributesAsync(BrokerConnection broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var errors = new List<JobFileError>();
        if (broker.V2Client is not { } client || Features.Features.Count == 0)
        {
            return errors;
        }

        foreach (var type in Subscription.Entities.Select(e => e.Type).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var page = await client.QueryEntitiesPageAsync(new NgsiV2EntityQuery { Types = [type], PageSize = 20 }, Subscription.Fiware, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count == 0)
            {
                continue;
            }

            // With transforms, the features read the transformed entity: check against the samples transformed.
            var transforms = Spec.Transforms is { Transforms.Count: > 0 } t ? new EntityTransforms(t) : null;
            var known = page.Items.SelectMany(e => transforms?.Apply(new NgsiEvent(Spec.Name, e, Subscription.Fiware ?? FiwareContext.Default, NotificationFormat.V2Normalized, null, null, DateTimeOffset.UtcNow), out _, out _)?.Entity.AttributeNames ?? e.AttributeNames).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < Features.Features.Count; i++)
            {
                var f = Features.Features[i];
                if (f.Kind == JobFeatureKind.Aggregate || known.Contains(f.Source) || f.Default is not null)
                {
                    continue;
                }

                var field = Spec.Features is null ? "/features" : $"/features/{i}/{(f.Kind == JobFeatureKind.OneHot ? "oneHot" : "attribute")}";
                var hint = Suggestions.Closest(f.Source, known);
                errors.Add(Spec.ErrorAt(field, $"'{f.Source}' is not an attribute of {type}{(hint is null ? $" (it has {string.Join(", ", known.Order(StringComparer.Ordinal))})" : $" (did you mean '{hint}'?)")}"));
            }
        }

        return errors;
    }

    /// <summary>The job for a cluster node (<c>ngsiflow node --job FILE</c>): the same logic keyed by entity (or the
    /// window's key attribute), its windows stored in the key's grain.</summary>
    /// <param name="counters">Where the node's share of the counts goes.</param>
    /// <returns>The cluster job.</returns>
    public ClusterJob ToClusterJob(JobCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var logic = new JobLogic(this, counters);
        return new ClusterJob<JobState>(Spec.Name, _ => new JobState(), logic.Apply)
        {
            Description = Spec.Description.Length > 0 ? Spec.Description : $"job file {Path.GetFileName(Spec.File)}",
            Subscriptions = [Subscription],
            Key = logic.KeyOf,
        };
    }

    /// <summary>The plan in words, as <c>ngsiflow run --dry-run</c> prints it.</summary>
    public string Describe()
    {
        var s = new StringBuilder();
        var b = Spec.Broker;
        s.AppendLine(CultureInfo.InvariantCulture, $"job        {Spec.Name}{(Spec.Description.Length > 0 ? " - " + Spec.Description : string.Empty)}");
        s.AppendLine(CultureInfo.InvariantCulture, $"broker     {(b.Embedded ? "embedded NGSI-v2 broker" : $"{b.Url} (NGSI-{(b.Api == NgsiApi.Ld ? "LD" : "v2")})")}{(b.Tenant is null ? string.Empty : $", tenant {b.Tenant}")}{(b.ServicePath is null ? string.Empty : $", service path {b.ServicePath}")}{(b.Auth.Mode == NgsiAuthMode.None ? string.Empty : $", auth {b.Auth.Mode}")}");
        s.AppendLine(CultureInfo.InvariantCulture, $"subscribe  {string.Join(", ", Subscription.Entities.Select(Describe))} when {(Subscription.ConditionAttributes.Count == 0 ? "any attribute" : string.Join(", ", Subscription.ConditionAttributes))} changes{(Subscription.Expression is null ? string.Empty : $", q={Subscription.Expression}")}{(Subscription.Throttling is { } t ? $", throttling {t.TotalSeconds:0.###} s" : string.Empty)}");
        s.AppendLine(CultureInfo.InvariantCulture, $"receiver   {Spec.Receiver.Listen}:{Spec.Receiver.Port}/notify/{Spec.Name}{(Spec.Receiver.PublicUrl is { } u ? $" (reached at {u})" : string.Empty)}");
        foreach (var transform in Spec.Transforms?.Transforms ?? [])
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"transform  {transform}");
        }

        if (Spec.Window is { } w)
        {
            var shape = w.Kind switch
            {
                JobWindowKind.Session => $"session windows (gap {w.Gap.TotalSeconds:0.###} s)",
                JobWindowKind.Sliding => $"sliding windows of {w.Size.TotalSeconds:0.###} s every {w.Slide.TotalSeconds:0.###} s",
                _ => $"tumbling windows of {w.Size.TotalSeconds:0.###} s",
            };
            s.AppendLine(CultureInfo.InvariantCulture, $"window     {shape} by {(w.Time == JobTimeSource.Event ? $"event time ({w.TimeAttribute ?? "dateObserved, else notification time"})" : "notification time")}, per {(w.KeyAttribute is null ? "entity" : $"value of '{w.KeyAttribute}'")}, written on {(w.Emit == JobWindowEmit.Update ? "every update" : "close")}: {string.Join(", ", w.Aggregates.Select(a => $"{a.Name} = {a.Op.ToString().ToLowerInvariant()}({a.Attribute})"))}");
        }

        if (Model is { } model)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"model      {Spec.Model!.Path}: {model.Engine} evaluator{(model.FallbackReason is { } why ? $" ({why})" : string.Empty)}");
            var column = 0;
            foreach (var f in Features.Features)
            {
                var inputs = f.Kind == JobFeatureKind.OneHot
                    ? string.Join(", ", f.Values.Select((v, i) => $"{model.FeatureNames[column + i]} = ({f.Source} == '{v}')"))
                    : $"{model.FeatureNames[column]} = {(f.Kind == JobFeatureKind.Aggregate ? "aggregate " : string.Empty)}{f.Source}{(f.Offset != 0 ? $" + {f.Offset.ToString(CultureInfo.InvariantCulture)}" : string.Empty)}{(f.Scale != 1 ? $" * {f.Scale.ToString(CultureInfo.InvariantCulture)}" : string.Empty)}{(f.Default is { } d ? $" (default {d.ToString(CultureInfo.InvariantCulture)})" : string.Empty)}";
                s.AppendLine(CultureInfo.InvariantCulture, $"  input    {inputs}");
                column += f.Width;
            }
        }

        foreach (var o in Spec.Outputs)
        {
            var from = o.Kind switch
            {
                JobOutputKind.Aggregate => $"aggregate {o.Source}",
                JobOutputKind.ErrorAgainst => $"|prediction - {o.Source}|",
                JobOutputKind.Label => "predicted label",
                JobOutputKind.Probabilities => "class probabilities",
                _ => $"model output {o.Source ?? Model!.Outputs[0].Name}",
            };
            s.AppendLine(CultureInfo.InvariantCulture, $"output     {o.Attribute} = {from}");
        }

        var wb = Spec.WriteBack;
        s.AppendLine(CultureInfo.InvariantCulture, $"write-back {wb.Mode.ToString().ToLowerInvariant()}{(wb.EntityId is null ? string.Empty : $" to {wb.EntityId}")}{(wb.BatchWindow > TimeSpan.Zero ? $", batched every {wb.BatchWindow.TotalMilliseconds:0} ms" : string.Empty)}");
        foreach (var sink in Spec.Sinks)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"sink       {sink switch
            {
                JobInfluxDbSink i => $"InfluxDB {i.Url} database {i.Database}",
                JobPostgreSqlSink p => $"PostgreSQL table {p.Schema ?? "public"}.{p.Table ?? "entity_history"}",
                JobRabbitMqSink r => $"RabbitMQ exchange '{r.Exchange}' on {r.Uri.Host}",
                _ => sink.ToString(),
            }}");
        }

        return s.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => Model?.Dispose();

    internal int AggregateIndex(string name) => _aggregates[name];

    private static string Describe(EntityFilter f) =>
        $"{f.Type ?? f.TypePattern ?? "any type"}{(f.Id is not null ? $" {f.Id}" : f.IdPattern is not null and not ".*" ? $" ~{f.IdPattern}" : string.Empty)}";

    private static List<JobFeature> ResolveFeatures(JobSpec spec, OnnxModel model, List<JobFileError> errors)
    {
        if (spec.Features is null)
        {
            return [.. model.FeatureNames.Select(n => new JobFeature(JobFeatureKind.Attribute, n, [], null, 1, 0))];
        }

        var width = spec.Features.Sum(f => f.Width);
        if (width != model.FeatureNames.Count)
        {
            errors.Add(spec.ErrorAt("/features", $"the features fill {width} input(s), but the model takes {model.FeatureNames.Count} ({string.Join(", ", model.FeatureNames)})"));
        }

        return [.. spec.Features];
    }

    private static void CheckOutputs(JobSpec spec, OnnxModel model, List<JobFileError> errors)
    {
        for (var i = 0; i < spec.Outputs.Count; i++)
        {
            var o = spec.Outputs[i];
            if (o.Kind == JobOutputKind.Model && o.Source is { } name && model.Outputs.All(x => x.Name != name))
            {
                var names = model.Outputs.Select(x => x.Name).ToList();
                var hint = Suggestions.Closest(name, names);
                errors.Add(spec.ErrorAt($"/outputs/{i}/output", $"the model has no output '{name}'{(hint is null ? $"; it has {string.Join(", ", names)}" : $" (did you mean '{hint}'?)")}"));
            }
            else if (o.Kind is JobOutputKind.Label or JobOutputKind.Probabilities && !model.IsClassifier)
            {
                errors.Add(spec.ErrorAt($"/outputs/{i}/output", $"'{(o.Kind == JobOutputKind.Label ? "label" : "probabilities")}' is for classifiers, and {Path.GetFileName(spec.Model!.Path)} is not one"));
            }
        }
    }

    private static SubscriptionRequest ResolveSubscription(JobSpec spec, List<JobFeature> features, List<JobFileError> errors)
    {
        var outputs = spec.Outputs.Select(o => o.Attribute).ToHashSet(StringComparer.Ordinal);
        var writesNotified = spec.WriteBack.Mode is JobWriteBackMode.Patch or JobWriteBackMode.Append
            || (spec.WriteBack.Mode == JobWriteBackMode.Upsert && spec.WriteBack.EntityId is null);
        var conditions = spec.Subscribe.ConditionAttributes?.ToList();
        if (conditions is null)
        {
            conditions = [];
            var read = features.Where(f => f.Kind != JobFeatureKind.Aggregate).Select(f => f.Source)
                .Concat(spec.Window?.Aggregates.Select(a => a.Attribute).OfType<string>() ?? [])
                .Concat(spec.Outputs.Where(o => o.Kind == JobOutputKind.ErrorAgainst).Select(o => o.Source!));
            foreach (var a in read)
            {
                if (!conditions.Contains(a, StringComparer.Ordinal))
                {
                    conditions.Add(a);
                }
            }
        }
        else
        {
            for (var i = 0; i < conditions.Count; i++)
            {
                if (writesNotified && outputs.Contains(conditions[i]))
                {
                    errors.Add(spec.ErrorAt($"/subscribe/conditionAttributes/{i}", $"'{conditions[i]}' is an output: its write-back would notify the job again, forever"));
                }
            }
        }

        if (writesNotified && conditions.Count == 0)
        {
            errors.Add(spec.ErrorAt("/subscribe", "the job writes back to the entities it is notified of, so it needs conditionAttributes (any attribute would include its own outputs)"));
        }

        var fiware = spec.Broker.Tenant is null && spec.Broker.ServicePath is null ? null : new FiwareContext(spec.Broker.Tenant ?? string.Empty, spec.Broker.ServicePath ?? "/", null);
        return new SubscriptionRequest
        {
            Name = "job-file",
            Entities = spec.Subscribe.Entities,
            ConditionAttributes = conditions,
            Expression = spec.Subscribe.Expression,
            Attributes = spec.Subscribe.Attributes,
            ExceptAttributes = spec.Subscribe.Attributes.Count == 0 && writesNotified ? [.. outputs] : [],
            Format = spec.Subscribe.Format,
            Throttling = spec.Subscribe.Throttling,
            Lifetime = spec.Subscribe.Lifetime,
            Fiware = fiware,
        };
    }
}
