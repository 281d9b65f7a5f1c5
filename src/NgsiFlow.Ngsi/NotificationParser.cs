using System.Buffers;
using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// Parses a notification from its body bytes and headers into <see cref="NgsiV2Notification"/>,
/// <see cref="NgsiLdNotification"/> or <see cref="NgsiCustomNotification"/>. Bad input raises
/// <see cref="NgsiFormatException"/> naming the JSON path.
/// </summary>
public static class NotificationParser
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Parses a notification.</summary>
    /// <param name="body">The body, UTF-8 JSON (a BOM is tolerated).</param>
    /// <param name="headers">The headers (format, tenant, service path, correlator, Link); null for none.</param>
    /// <param name="options">Format override, the values format's attribute list, limits; null for defaults.</param>
    /// <returns>The notification.</returns>
    /// <exception cref="NgsiFormatException">The body is not a notification of the expected shape.</exception>
    public static NgsiNotification Parse(ReadOnlySpan<byte> body, NotificationHeaders? headers = null, NotificationParseOptions? options = null)
    {
        headers ??= NotificationHeaders.Empty;
        options ??= NotificationParseOptions.Default;
        Validate(options);
        if (body.Length > options.MaxBodyBytes)
        {
            throw new NgsiFormatException("$", $"a body of at most {options.MaxBodyBytes} bytes", $"{body.Length} bytes");
        }

        if (body.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        var format = options.Format != NotificationFormat.Auto ? options.Format : FormatSniffer.FromHeaders(headers);
        if (format == NotificationFormat.V2Custom)
        {
            return new NgsiCustomNotification(FiwareContext.FromHeaders(headers), body.ToArray(), headers.Get(NgsiHeaderNames.ContentType));
        }

        JsonSource.EnsureUtf8(body);

        var guessed = format == NotificationFormat.Auto;
        if (guessed)
        {
            format = FormatSniffer.FromBody(body, FormatSniffer.HeadersSayLd(headers));
        }

        var ld = IsLd(format);
        var fiware = FiwareContext.FromHeaders(headers, ld);
        var src = new JsonSource(body, options.MaxDepth);
        try
        {
            return ld
                ? LdReader.ReadNotification(ref src, format, fiware, headers, guessed)
                : V2Reader.ReadNotification(ref src, format, fiware, options);
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
        catch (InvalidOperationException e) when (e is not NgsiAttributeException)
        {
            // Utf8JsonReader raises this for text it cannot transcode (invalid UTF-8).
            throw new NgsiFormatException(JsonPathLocator.Locate(src.Body, src.Reader.TokenStartIndex), "valid UTF-8 JSON text", "invalid text (" + e.Message + ")", e);
        }
    }

    /// <summary>
    /// Parses a notification held in a sequence of segments (a pipe reader's buffer). A single segment is read in
    /// place; several are first copied into one pooled buffer.
    /// </summary>
    /// <param name="body">The body.</param>
    /// <param name="headers">The headers, or null.</param>
    /// <param name="options">Options, or null.</param>
    public static NgsiNotification Parse(in ReadOnlySequence<byte> body, NotificationHeaders? headers = null, NotificationParseOptions? options = null)
    {
        if (body.IsSingleSegment)
        {
            return Parse(body.FirstSpan, headers, options);
        }

        var max = (options ?? NotificationParseOptions.Default).MaxBodyBytes;
        if (body.Length > max || body.Length > Array.MaxLength)
        {
            throw new NgsiFormatException("$", $"a body of at most {Math.Min(max, Array.MaxLength)} bytes", $"{body.Length} bytes");
        }

        var length = (int)body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(buffer);
            return Parse(buffer.AsSpan(0, length), headers, options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a notification, returning false with the error instead of throwing.</summary>
    /// <param name="body">The body.</param>
    /// <param name="headers">The headers, or null.</param>
    /// <param name="options">Options, or null.</param>
    /// <param name="notification">The notification when parsed.</param>
    /// <param name="error">The error when not.</param>
    public static bool TryParse(
        ReadOnlySpan<byte> body,
        NotificationHeaders? headers,
        NotificationParseOptions? options,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NgsiNotification? notification,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out NgsiFormatException? error)
    {
        try
        {
            notification = Parse(body, headers, options);
            error = null;
            return true;
        }
        catch (NgsiFormatException e)
        {
            notification = null;
            error = e;
            return false;
        }
    }

    /// <summary>
    /// Parses a notification held in a sequence of segments, returning false with the error instead of throwing: a
    /// single segment is read in place, several are first copied into one pooled buffer.
    /// </summary>
    /// <param name="body">The body.</param>
    /// <param name="headers">The headers, or null.</param>
    /// <param name="options">Options, or null.</param>
    /// <param name="notification">The notification when parsed.</param>
    /// <param name="error">The error when not.</param>
    public static bool TryParse(
        in ReadOnlySequence<byte> body,
        NotificationHeaders? headers,
        NotificationParseOptions? options,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NgsiNotification? notification,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out NgsiFormatException? error)
    {
        try
        {
            notification = Parse(body, headers, options);
            error = null;
            return true;
        }
        catch (NgsiFormatException e)
        {
            notification = null;
            error = e;
            return false;
        }
    }

    /// <summary>The format the headers announce (<c>Ngsiv2-AttrsFormat</c>, <c>Ngsild-Attribute-Format</c>), or Auto.</summary>
    /// <param name="headers">The headers.</param>
    public static NotificationFormat FormatFromHeaders(NotificationHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return FormatSniffer.FromHeaders(headers);
    }

    /// <summary>True for the NGSI-LD formats.</summary>
    /// <param name="format">The format.</param>
    public static bool IsLd(NotificationFormat format) =>
        format is NotificationFormat.LdNormalized or NotificationFormat.LdConcise or NotificationFormat.LdSimplified;

    private static void Validate(NotificationParseOptions options)
    {
        if (options.MaxBodyBytes < 0)
        {
            throw new ArgumentException($"NotificationParseOptions.MaxBodyBytes must be 0 or more (was {options.MaxBodyBytes}).", nameof(options));
        }

        if (options.MaxDepth is < 1 or > 1024)
        {
            throw new ArgumentException($"NotificationParseOptions.MaxDepth must be between 1 and 1024 (was {options.MaxDepth}).", nameof(options));
        }

        if (options.ValuesAttributeNames is { } names)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (string.IsNullOrEmpty(names[i]))
                {
                    throw new ArgumentException($"NotificationParseOptions.ValuesAttributeNames[{i}] is empty; every attribute needs a name.", nameof(options));
                }
            }
        }
    }
}
