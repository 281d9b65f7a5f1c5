using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>A reader over a whole body that can name the JSON path of any token when it has to fail.</summary>
internal ref struct JsonSource
{
    public Utf8JsonReader Reader;
    private readonly ReadOnlySpan<byte> _body;

    public JsonSource(ReadOnlySpan<byte> body, int maxDepth)
    {
        EnsureUtf8(body);
        _body = body;
        Reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
    }

    public readonly ReadOnlySpan<byte> Body => _body;

    /// <summary>
    /// Refuses text that is not UTF-8 before any parsing, naming the first bad byte and where it stands: the JSON
    /// reader would otherwise fail only when a string is decoded, with an exception that is no format error.
    /// </summary>
    /// <exception cref="NgsiFormatException">The body holds an invalid UTF-8 sequence.</exception>
    public static void EnsureUtf8(ReadOnlySpan<byte> body)
    {
        if (System.Text.Unicode.Utf8.IsValid(body))
        {
            return;
        }

        var offset = 0;
        while (offset < body.Length && System.Text.Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        // Name the string that holds the bad byte: the locator answers for the token starting at an offset, so give it
        // the string's opening quote (the nearest unescaped one before the byte).
        var quote = offset - 1;
        while (quote >= 0 && (body[quote] != (byte)'"' || (quote > 0 && body[quote - 1] == (byte)'\\')))
        {
            quote--;
        }

        throw new NgsiFormatException(
            JsonPathLocator.Locate(body, Math.Max(quote, 0)),
            "UTF-8 text",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"an invalid UTF-8 sequence at byte {offset} (0x{body[offset]:X2})"));
    }

    public readonly JsonTokenType Token => Reader.TokenType;

    /// <summary>Moves to the next token; the end of the body where more is required is an error.</summary>
    public void Read()
    {
        if (!Reader.Read())
        {
            FailTruncated();
        }
    }

    /// <summary>Reads the first token of a document.</summary>
    public void ReadFirst(string expected)
    {
        if (_body.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new NgsiFormatException("$", expected, "an empty body");
        }

        Read();
    }

    /// <summary>After a complete document only whitespace may follow.</summary>
    public void ExpectEnd()
    {
        if (Reader.Read())
        {
            Fail("the end of the document", "more content after it");
        }
    }

    public readonly void Expect(JsonTokenType type, string expected)
    {
        if (Reader.TokenType != type)
        {
            Fail(expected);
        }
    }

    public string ReadString(string expected)
    {
        Read();
        if (Reader.TokenType != JsonTokenType.String)
        {
            Fail(expected);
        }

        return Reader.GetString()!;
    }

    public string ReadName(string expected)
    {
        Read();
        if (Reader.TokenType != JsonTokenType.String)
        {
            Fail(expected);
        }

        return NameCache.Get(ref Reader);
    }

    /// <summary>Fails at the current token, describing it as what was found.</summary>
    [DoesNotReturn]
    public readonly void Fail(string expected) => Fail(expected, DescribeToken());

    [DoesNotReturn]
    public readonly void Fail(string expected, string? found) => FailAt(Reader.TokenStartIndex, expected, found);

    [DoesNotReturn]
    public readonly void FailAt(long offset, string expected, string? found) =>
        throw new NgsiFormatException(JsonPathLocator.Locate(_body, offset), expected, found);

    [DoesNotReturn]
    public readonly void FailTruncated() =>
        throw new NgsiFormatException(JsonPathLocator.Locate(_body, long.MaxValue), "more JSON", "the end of the body (truncated document)");

    /// <summary>Turns a reader error (malformed JSON, too deep) into the one NGSI error type.</summary>
    public readonly NgsiFormatException Malformed(Exception e) =>
        new(JsonPathLocator.Locate(_body, Reader.BytesConsumed), "well-formed JSON", "malformed JSON (" + e.Message + ")", e);

    public readonly string DescribeToken() => Reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.PropertyName => "a member named '" + Reader.GetString() + "'",
        _ => "'" + Reader.TokenType + "'",
    };
}
