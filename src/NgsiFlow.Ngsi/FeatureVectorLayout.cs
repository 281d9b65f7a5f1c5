namespace NgsiFlow.Ngsi;

/// <summary>
/// A fixed feature order for ML models: the attribute names whose numeric values, in this order, make up
/// a model's input vector. Build it once (validated), then fill a span per entity.
/// </summary>
public sealed class FeatureVectorLayout
{
    private readonly string[] _names;

    /// <summary>Creates a layout; names must be non-empty and distinct.</summary>
    /// <param name="attributeNames">The attribute names, in feature order.</param>
    public FeatureVectorLayout(IEnumerable<string> attributeNames)
    {
        ArgumentNullException.ThrowIfNull(attributeNames);
        _names = [.. attributeNames];
        if (_names.Length == 0)
        {
            throw new ArgumentException("A feature vector needs at least one attribute name.", nameof(attributeNames));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            if (string.IsNullOrEmpty(_names[i]))
            {
                throw new ArgumentException($"Feature {i} has an empty attribute name.", nameof(attributeNames));
            }

            if (!seen.Add(_names[i]))
            {
                throw new ArgumentException($"Attribute '{_names[i]}' appears twice in the feature list.", nameof(attributeNames));
            }
        }
    }

    /// <summary>The attribute names, in feature order.</summary>
    public IReadOnlyList<string> AttributeNames => _names;

    /// <summary>Number of features.</summary>
    public int Length => _names.Length;

    /// <summary>Fills the vector; a missing or non-numeric attribute raises <see cref="NgsiAttributeException"/>.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="destination">At least <see cref="Length"/> values.</param>
    public void Fill(INgsiEntity entity, Span<double> destination) => entity.FillFeatures(_names, destination);

    /// <summary>Fills the vector in single precision.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="destination">At least <see cref="Length"/> values.</param>
    public void Fill(INgsiEntity entity, Span<float> destination) => entity.FillFeatures(_names, destination);

    /// <summary>The vector as a new array.</summary>
    /// <param name="entity">The entity.</param>
    public double[] ToArray(INgsiEntity entity)
    {
        var result = new double[_names.Length];
        Fill(entity, result);
        return result;
    }

    /// <summary>The vector as a new single-precision array.</summary>
    /// <param name="entity">The entity.</param>
    public float[] ToSingleArray(INgsiEntity entity)
    {
        var result = new float[_names.Length];
        Fill(entity, result);
        return result;
    }
}
