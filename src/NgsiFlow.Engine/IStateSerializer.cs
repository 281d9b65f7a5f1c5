using System.Text.Json;

namespace NgsiFlow.Engine;

/// <summary>Turns operator state (keys, accumulators, per-key state) into bytes for snapshots, and back.</summary>
public interface IStateSerializer
{
    /// <summary>Serializes a value.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The bytes.</returns>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="data">The bytes.</param>
    /// <returns>The value.</returns>
    T Deserialize<T>(ReadOnlySpan<byte> data);
}

/// <summary>The default <see cref="IStateSerializer"/>: System.Text.Json, with public fields included (accumulators are structs)
/// and NaN and infinities allowed.</summary>
public sealed class JsonStateSerializer : IStateSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer with the given options.</summary>
    /// <param name="options">The JSON options; fields are serialized when <see cref="JsonSerializerOptions.IncludeFields"/> is set.</param>
    public JsonStateSerializer(JsonSerializerOptions options) => _options = options;

    /// <summary>The serializer used unless the job says otherwise.</summary>
    public static JsonStateSerializer Default { get; } = new(new JsonSerializerOptions
    {
        IncludeFields = true,

        // Accumulators legitimately hold NaN and infinities (an empty minimum, a variance of one value).
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize<T>(data, _options) ?? throw new JsonException($"The snapshot holds null where a {typeof(T).Name} was expected.");
}
