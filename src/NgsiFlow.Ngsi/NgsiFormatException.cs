namespace NgsiFlow.Ngsi;

/// <summary>
/// The one error raised for bad NGSI input: malformed JSON, a wrong shape, a missing id, a wrong value type.
/// <see cref="JsonPath"/> says where (like <c>$.data[0].temperature.value</c>) and <see cref="Expected"/> what was expected.
/// </summary>
public sealed class NgsiFormatException : FormatException
{
    /// <summary>Creates the error.</summary>
    /// <param name="jsonPath">Where in the document, as a JSON path starting with <c>$</c>.</param>
    /// <param name="expected">What was expected there.</param>
    /// <param name="found">What was found there, when known.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public NgsiFormatException(string jsonPath, string expected, string? found = null, Exception? innerException = null)
        : base(BuildMessage(jsonPath, expected, found), innerException)
    {
        JsonPath = jsonPath;
        Expected = expected;
        Found = found;
    }

    /// <summary>Creates the error with a message only (path <c>$</c>).</summary>
    public NgsiFormatException()
        : this("$", "a valid NGSI document")
    {
    }

    /// <summary>Creates the error with a message only (path <c>$</c>).</summary>
    /// <param name="message">What was expected.</param>
    public NgsiFormatException(string message)
        : this("$", message)
    {
    }

    /// <summary>Creates the error with a message only (path <c>$</c>).</summary>
    /// <param name="message">What was expected.</param>
    /// <param name="innerException">The underlying error.</param>
    public NgsiFormatException(string message, Exception innerException)
        : this("$", message, null, innerException)
    {
    }

    /// <summary>Where the problem is, as a JSON path (<c>$</c> is the whole body).</summary>
    public string JsonPath { get; }

    /// <summary>What was expected at <see cref="JsonPath"/>.</summary>
    public string Expected { get; }

    /// <summary>What was found at <see cref="JsonPath"/>, when known.</summary>
    public string? Found { get; }

    private static string BuildMessage(string path, string expected, string? found) =>
        found is null ? $"{path}: expected {expected}." : $"{path}: expected {expected}, found {found}.";
}
