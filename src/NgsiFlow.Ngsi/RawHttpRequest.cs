using System.Globalization;
using System.Text;

namespace NgsiFlow.Ngsi;

/// <summary>
/// A raw HTTP/1.1 request as captured on the wire (request line, headers, blank line, body), for tools and
/// tests that replay saved notifications. CRLF and bare LF line ends are both accepted.
/// </summary>
public sealed class RawHttpRequest
{
    private RawHttpRequest(string method, string target, NotificationHeaders headers, byte[] body)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    /// <summary>The method, e.g. POST.</summary>
    public string Method { get; }

    /// <summary>The request target, e.g. <c>/notify?subscriptionId=...</c>.</summary>
    public string Target { get; }

    /// <summary>The headers.</summary>
    public NotificationHeaders Headers { get; }

    /// <summary>The body bytes (cut to Content-Length when the header is present).</summary>
    public byte[] Body { get; }

    /// <summary>True when the bytes start like an HTTP request line (<c>METHOD target HTTP/x.y</c>).</summary>
    /// <param name="bytes">The candidate bytes.</param>
    public static bool LooksLikeRequest(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)'\n');
        var line = end < 0 ? bytes : bytes[..end];
        if (line.Length == 0 || !char.IsAsciiLetterUpper((char)line[0]))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(line).TrimEnd('\r');
        var parts = text.Split(' ');
        return parts.Length == 3 && parts[2].StartsWith("HTTP/", StringComparison.Ordinal);
    }

    /// <summary>Parses a raw request; a bad request line, header or length raises <see cref="FormatException"/>.</summary>
    /// <param name="bytes">The request bytes.</param>
    public static RawHttpRequest Parse(ReadOnlySpan<byte> bytes)
    {
        var pos = 0;
        var requestLine = ReadLine(bytes, ref pos) ?? throw new FormatException("HTTP request: no request line.");
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw new FormatException($"HTTP request line 1: expected 'METHOD target HTTP/1.1', found '{requestLine}'.");
        }

        var headers = new NotificationHeaders();
        var lineNumber = 1;
        while (true)
        {
            lineNumber++;
            var line = ReadLine(bytes, ref pos) ?? throw new FormatException($"HTTP request line {lineNumber}: expected headers and a blank line before the body, found the end of the file.");
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"HTTP request line {lineNumber}: expected 'Name: value', found '{line}'.");
            }

            headers.Add(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }

        var body = bytes[pos..];
        if (headers.TryGetValue("Content-Length", out var lengthText))
        {
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new FormatException($"HTTP request: Content-Length '{lengthText}' is not a number.");
            }

            if (length > body.Length)
            {
                throw new FormatException($"HTTP request: Content-Length says {length} bytes but the body has {body.Length} (truncated).");
            }

            body = body[..length];
        }

        return new RawHttpRequest(parts[0], parts[1], headers, body.ToArray());
    }

    private static string? ReadLine(ReadOnlySpan<byte> bytes, ref int pos)
    {
        if (pos >= bytes.Length)
        {
            return null;
        }

        var rest = bytes[pos..];
        var end = rest.IndexOf((byte)'\n');
        var line = end < 0 ? rest : rest[..end];
        pos += end < 0 ? rest.Length : end + 1;
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        return Encoding.Latin1.GetString(line);
    }
}
