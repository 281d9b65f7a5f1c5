using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// A compact, immutable JSON value: attribute values, metadata values and structured values of the NGSI model.
/// Numbers are held as <see cref="double"/>, strings as <see cref="string"/>, arrays and objects as arrays of values
/// (object members keep their order). The default value is JSON <c>null</c>.
/// </summary>
public readonly struct NgsiValue : IEquatable<NgsiValue>
{
    private readonly object? _ref;
    private readonly double _number;

    private NgsiValue(NgsiValueKind kind, double number, object? reference)
    {
        Kind = kind;
        _number = number;
        _ref = reference;
    }

    /// <summary>JSON <c>null</c>.</summary>
    public static NgsiValue Null => default;

    /// <summary>JSON <c>true</c>.</summary>
    public static NgsiValue True => new(NgsiValueKind.Boolean, 1, null);

    /// <summary>JSON <c>false</c>.</summary>
    public static NgsiValue False => new(NgsiValueKind.Boolean, 0, null);

    /// <summary>The JSON kind of this value.</summary>
    public NgsiValueKind Kind { get; }

    /// <summary>True for JSON <c>null</c>.</summary>
    public bool IsNull => Kind == NgsiValueKind.Null;

    /// <summary>Number of items (array) or members (object); 0 for other kinds.</summary>
    public int Count => _ref switch
    {
        NgsiValue[] a => a.Length,
        NgsiMember[] o => o.Length,
        _ => 0,
    };

    /// <summary>Creates a number value.</summary>
    /// <param name="value">The number.</param>
    public static NgsiValue FromNumber(double value) => new(NgsiValueKind.Number, value, null);

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    public static NgsiValue FromBoolean(bool value) => value ? True : False;

    /// <summary>Creates a string value (a null string gives JSON <c>null</c>).</summary>
    /// <param name="value">The string.</param>
    public static NgsiValue FromString(string? value) => value is null ? Null : new(NgsiValueKind.String, 0, value);

    /// <summary>Creates a date-time string value in the ISO 8601 form the brokers use (UTC, milliseconds).</summary>
    /// <param name="value">The instant.</param>
    public static NgsiValue FromDateTime(DateTimeOffset value) => FromString(NgsiDates.Format(value));

    /// <summary>Creates an array value. The array is taken as is, not copied.</summary>
    /// <param name="items">The items.</param>
    public static NgsiValue FromArray(params NgsiValue[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new(NgsiValueKind.Array, 0, items);
    }

    /// <summary>Creates an object value. The array is taken as is, not copied; member order is kept.</summary>
    /// <param name="members">The members.</param>
    public static NgsiValue FromObject(params NgsiMember[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return new(NgsiValueKind.Object, 0, members);
    }

    /// <summary>Creates an object value from name/value pairs, in order.</summary>
    /// <param name="members">The members.</param>
    public static NgsiValue FromPairs(IEnumerable<KeyValuePair<string, NgsiValue>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return FromObject(members.Select(m => new NgsiMember(m.Key, m.Value)).ToArray());
    }

    /// <summary>Implicit conversion from a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator NgsiValue(double value) => FromNumber(value);

    /// <summary>Implicit conversion from a boolean.</summary>
    /// <param name="value">The boolean.</param>
    public static implicit operator NgsiValue(bool value) => FromBoolean(value);

    /// <summary>Implicit conversion from a string (null gives JSON <c>null</c>).</summary>
    /// <param name="value">The string.</param>
    public static implicit operator NgsiValue(string? value) => FromString(value);

    /// <summary>Returns the number; throws <see cref="InvalidOperationException"/> for other kinds.</summary>
    public double GetNumber() => Kind == NgsiValueKind.Number ? _number : throw WrongKind("a number");

    /// <summary>Gets the number when this is a number.</summary>
    /// <param name="value">The number, or 0.</param>
    public bool TryGetNumber(out double value)
    {
        value = _number;
        return Kind == NgsiValueKind.Number;
    }

    /// <summary>Returns the boolean; throws <see cref="InvalidOperationException"/> for other kinds.</summary>
    public bool GetBoolean() => Kind == NgsiValueKind.Boolean ? _number != 0 : throw WrongKind("a boolean");

    /// <summary>Gets the boolean when this is a boolean.</summary>
    /// <param name="value">The boolean, or false.</param>
    public bool TryGetBoolean(out bool value)
    {
        value = Kind == NgsiValueKind.Boolean && _number != 0;
        return Kind == NgsiValueKind.Boolean;
    }

    /// <summary>Returns the string; throws <see cref="InvalidOperationException"/> for other kinds.</summary>
    public string GetString() => _ref as string ?? throw WrongKind("a string");

    /// <summary>Gets the string when this is a string.</summary>
    /// <param name="value">The string, or null.</param>
    public bool TryGetString([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = _ref as string;
        return value is not null;
    }

    /// <summary>Parses an ISO 8601 date-time string; throws <see cref="InvalidOperationException"/> when it is not one.</summary>
    public DateTimeOffset GetDateTime() => TryGetDateTime(out var d) ? d : throw WrongKind("an ISO 8601 date-time string");

    /// <summary>Parses an ISO 8601 date-time string.</summary>
    /// <param name="value">The instant, or default.</param>
    public bool TryGetDateTime(out DateTimeOffset value)
    {
        value = default;
        return _ref is string s && NgsiDates.TryParse(s, out value);
    }

    /// <summary>The items of an array (empty for other kinds).</summary>
    public ReadOnlySpan<NgsiValue> Items => _ref as NgsiValue[];

    /// <summary>The members of an object in order (empty for other kinds).</summary>
    public ReadOnlySpan<NgsiMember> Members => _ref as NgsiMember[];

    /// <summary>Finds an object member by name (ordinal).</summary>
    /// <param name="name">The member name.</param>
    /// <param name="value">The member value, or null.</param>
    public bool TryGetProperty(string name, out NgsiValue value)
    {
        if (_ref is NgsiMember[] members)
        {
            foreach (var m in members)
            {
                if (string.Equals(m.Name, name, StringComparison.Ordinal))
                {
                    value = m.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    /// <summary>An object member by name, or JSON null when absent.</summary>
    /// <param name="name">The member name.</param>
    public NgsiValue this[string name] => TryGetProperty(name, out var v) ? v : default;

    /// <summary>An array item by index.</summary>
    /// <param name="index">The zero-based index.</param>
    public NgsiValue this[int index] => Items[index];

    /// <summary>Reads this value as a GeoJSON geometry when it is one (an object with a string <c>type</c>).</summary>
    /// <param name="geometry">The geometry view.</param>
    public bool TryGetGeoJson(out GeoJsonGeometry geometry) => GeoJsonGeometry.TryCreate(this, out geometry);

    /// <summary>Parses one JSON value; bad JSON raises <see cref="NgsiFormatException"/>.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    public static NgsiValue Parse(ReadOnlySpan<byte> json) => NgsiJson.ParseValue(json);

    /// <summary>Parses one JSON value from text; bad JSON raises <see cref="NgsiFormatException"/>.</summary>
    /// <param name="json">JSON text.</param>
    public static NgsiValue Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Writes this value as JSON.</summary>
    /// <param name="writer">The destination.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case NgsiValueKind.Null: writer.WriteNullValue(); break;
            case NgsiValueKind.Boolean: writer.WriteBooleanValue(_number != 0); break;
            case NgsiValueKind.Number: writer.WriteNumberValue(_number); break;
            case NgsiValueKind.String: writer.WriteStringValue((string)_ref!); break;
            case NgsiValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in (NgsiValue[])_ref!)
                {
                    item.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var m in (NgsiMember[])_ref!)
                {
                    writer.WritePropertyName(m.Name);
                    m.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>This value as compact JSON text.</summary>
    public string ToJson()
    {
        return Encoding.UTF8.GetString(JsonOutput.ToBytes(this, static (w, v) => v.WriteTo(w)));
    }

    /// <summary>Strings as themselves, numbers in invariant culture, anything else as JSON.</summary>
    public override string ToString() => Kind switch
    {
        NgsiValueKind.String => (string)_ref!,
        NgsiValueKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        _ => ToJson(),
    };

    /// <summary>Deep, ordered equality (object members compared in order, numbers by value).</summary>
    /// <param name="other">The other value.</param>
    public bool Equals(NgsiValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        switch (Kind)
        {
            case NgsiValueKind.Null: return true;
            case NgsiValueKind.Boolean:
            case NgsiValueKind.Number: return _number.Equals(other._number);
            case NgsiValueKind.String: return string.Equals((string)_ref!, (string)other._ref!, StringComparison.Ordinal);
            case NgsiValueKind.Array: return Items.SequenceEqual(other.Items);
            default:
                var a = Members;
                var b = other.Members;
                if (a.Length != b.Length)
                {
                    return false;
                }

                for (var i = 0; i < a.Length; i++)
                {
                    if (!string.Equals(a[i].Name, b[i].Name, StringComparison.Ordinal) || !a[i].Value.Equals(b[i].Value))
                    {
                        return false;
                    }
                }

                return true;
        }
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NgsiValue v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        NgsiValueKind.String => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode((string)_ref!)),
        NgsiValueKind.Array or NgsiValueKind.Object => HashCode.Combine(Kind, Count),
        _ => HashCode.Combine(Kind, _number),
    };

    /// <summary>Deep equality.</summary>
    /// <param name="left">Left value.</param>
    /// <param name="right">Right value.</param>
    public static bool operator ==(NgsiValue left, NgsiValue right) => left.Equals(right);

    /// <summary>Deep inequality.</summary>
    /// <param name="left">Left value.</param>
    /// <param name="right">Right value.</param>
    public static bool operator !=(NgsiValue left, NgsiValue right) => !left.Equals(right);

    private InvalidOperationException WrongKind(string expected) =>
        new($"Expected {expected}, found {NgsiJson.Describe(this)}.");
}
