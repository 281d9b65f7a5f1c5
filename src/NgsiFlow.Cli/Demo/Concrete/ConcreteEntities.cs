using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>The tutorial's entities: type <c>Material</c>, the mix, the measured strength and the two outputs.</summary>
internal static class ConcreteEntities
{
    /// <summary>The entity type.</summary>
    public const string Type = "Material";

    /// <summary>The measured strength (ground truth), sent with every update.</summary>
    public const string Strength = "strength";

    /// <summary>The model's prediction, written back by the job.</summary>
    public const string PredictedStrength = "predicted_strength";

    /// <summary>|predicted - measured|, written back by the job.</summary>
    public const string PredictionError = "prediction_error";

    /// <summary>
    /// The update's sequence number. It changes with every update, so every replayed row notifies even when two rows of
    /// the data set are equal, and the job echoes it as metadata on its outputs, so each prediction read back from the
    /// broker names the update it answers.
    /// </summary>
    public const string Row = "row";

    /// <summary>The entity ids: the tutorial's single <c>Concrete</c>, or <c>Concrete1</c>...<c>ConcreteK</c>.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The ids.</returns>
    public static string[] Ids(int count) =>
        count == 1 ? ["Concrete"] : [.. Enumerable.Range(1, count).Select(i => $"Concrete{i}")];

    /// <summary>An entity with every attribute at zero and no row yet.</summary>
    /// <param name="id">The id.</param>
    /// <param name="features">The model's feature names.</param>
    /// <returns>The entity.</returns>
    public static NgsiV2Entity Empty(string id, IReadOnlyList<string> features)
    {
        var attributes = new NgsiV2AttributeCollection();
        foreach (var name in features.Append(Strength).Append(PredictedStrength).Append(PredictionError))
        {
            attributes.Set(name, NgsiValue.FromNumber(0), "Number");
        }

        attributes.Set(Row, NgsiValue.FromNumber(-1), "Integer");
        return new NgsiV2Entity(id, Type, attributes);
    }

    /// <summary>The attributes of one replayed row.</summary>
    /// <param name="features">The model's feature names.</param>
    /// <param name="values">The row's feature values.</param>
    /// <param name="strength">The measured strength.</param>
    /// <param name="update">The update's sequence number.</param>
    /// <returns>The attributes to PATCH.</returns>
    public static NgsiV2Attribute[] Update(IReadOnlyList<string> features, double[] values, double strength, int update)
    {
        var attributes = new NgsiV2Attribute[features.Count + 2];
        for (var i = 0; i < features.Count; i++)
        {
            attributes[i] = new NgsiV2Attribute(features[i], NgsiValue.FromNumber(values[i]), "Number");
        }

        attributes[^2] = new NgsiV2Attribute(Strength, NgsiValue.FromNumber(strength), "Number");
        attributes[^1] = new NgsiV2Attribute(Row, NgsiValue.FromNumber(update), "Integer");
        return attributes;
    }

    /// <summary>The job's outputs, tagged with the update they answer.</summary>
    /// <param name="predicted">The prediction.</param>
    /// <param name="error">The absolute error.</param>
    /// <param name="update">The update's sequence number.</param>
    /// <returns>The attributes to PATCH.</returns>
    public static NgsiV2Attribute[] Outputs(double predicted, double error, double update)
    {
        NgsiV2Metadata[] metadata = [new NgsiV2Metadata(Row, "Integer", NgsiValue.FromNumber(update))];
        return
        [
            new NgsiV2Attribute(PredictedStrength, NgsiValue.FromNumber(predicted), "Number", metadata),
            new NgsiV2Attribute(PredictionError, NgsiValue.FromNumber(error), "Number", metadata),
        ];
    }

    /// <summary>Reads an output and the update it answers from an entity.</summary>
    /// <param name="entity">A notified or read-back entity.</param>
    /// <param name="predicted">The prediction.</param>
    /// <param name="error">The absolute error.</param>
    /// <param name="update">The update it answers.</param>
    /// <returns>False when the entity carries no tagged output.</returns>
    public static bool TryReadOutputs(NgsiV2Entity entity, out double predicted, out double error, out int update)
    {
        predicted = error = 0;
        update = -1;
        if (!entity.Attributes.TryGet(PredictedStrength, out var p) || !entity.Attributes.TryGet(PredictionError, out var e)
            || p.GetMetadata(Row) is not { } tag || !tag.Value.TryGetNumber(out var row)
            || !p.Value.TryGetNumber(out predicted) || !e.Value.TryGetNumber(out error)
            || row < 0 || row > int.MaxValue || row != Math.Floor(row))
        {
            return false;
        }

        update = (int)row;
        return true;
    }
}
