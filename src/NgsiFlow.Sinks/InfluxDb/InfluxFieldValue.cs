using System.Globalization;

namespace NgsiFlow.Sinks.InfluxDb;

/// <summary>A typed field value of an <see cref="InfluxPoint"/>.</summary>
public readonly record struct InfluxFieldValue
{
    private readonly double _float;
    private readonly long _integer;
    private readonly string? _string;

    private InfluxFieldValue(InfluxFieldKind kind, double @float, long integer, string? @string)
    {
        Kind = kind;
        _float = @float;
        _integer = integer;
        _string = @string;
    }

    /// <summary>The field's type.</summary>
    public InfluxFieldKind Kind { get; }

    /// <summary>The value as a float (for <see cref="InfluxFieldKind.Float"/>).</summary>
    public double AsFloat => _float;

    /// <summary>The value as an integer (for <see cref="InfluxFieldKind.Integer"/>; 1/0 for booleans).</summary>
    public long AsInteger => _integer;

    /// <summary>The value as a string (for <see cref="InfluxFieldKind.String"/>).</summary>
    public string AsString => _string ?? string.Empty;

    /// <summary>The value as a boolean (for <see cref="InfluxFieldKind.Boolean"/>).</summary>
    public bool AsBoolean => _integer != 0;

    /// <summary>A float field. NaN and infinities have no line-protocol form and are refused.</summary>
    /// <param name="value">The value.</param>
    public static InfluxFieldValue FromDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "InfluxDB line protocol has no representation for NaN or infinite floats.");
        }

        return new(InfluxFieldKind.Float, value, 0, null);
    }

    /// <summary>An integer field.</summary>
    /// <param name="value">The value.</param>
    public static InfluxFieldValue FromInt64(long value) => new(InfluxFieldKind.Integer, 0, value, null);

    /// <summary>A string field.</summary>
    /// <param name="value">The value.</param>
    public static InfluxFieldValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(InfluxFieldKind.String, 0, 0, value);
    }

    /// <summary>A boolean field.</summary>
    /// <param name="value">The value.</param>
    public static InfluxFieldValue FromBoolean(bool value) => new(InfluxFieldKind.Boolean, 0, value ? 1 : 0, null);

    /// <summary>Converts a float.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator InfluxFieldValue(double value) => FromDouble(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator InfluxFieldValue(long value) => FromInt64(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator InfluxFieldValue(int value) => FromInt64(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator InfluxFieldValue(string value) => FromString(value);

    /// <summary>Converts a boolean.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator InfluxFieldValue(bool value) => FromBoolean(value);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        InfluxFieldKind.Float => _float.ToString("R", CultureInfo.InvariantCulture),
        InfluxFieldKind.Integer => _integer.ToString(CultureInfo.InvariantCulture) + "i",
        InfluxFieldKind.Boolean => AsBoolean ? "true" : "false",
        _ => AsString,
    };
}
