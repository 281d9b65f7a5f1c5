using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// The Python connector's three write-back styles, for jobs being ported: a blueprint file with placeholders
/// (<c>ReplyToBroker</c>), a body string with placeholders (<c>SemistructuredReplyToBroker</c>) and a raw body
/// (<c>UnstructuredReplyToBroker</c>). Unlike there, the broker's answer is checked and failures are dead-lettered.
/// </summary>
public sealed partial class NgsiReplier
{
    private readonly ConcurrentDictionary<string, string> _blueprints = new(StringComparer.Ordinal);

    /// <summary>Fills the placeholders of a blueprint file with <paramref name="values"/>, in order, and sends it.</summary>
    /// <param name="blueprintPath">The blueprint file (read once, then cached).</param>
    /// <param name="values">One value per placeholder: numbers are written invariantly, strings as they are (quote
    /// them in the blueprint), <see cref="NgsiValue"/>s as JSON, null as <c>null</c>.</param>
    /// <param name="request">Method, path, content type and headers.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    /// <exception cref="ArgumentException">The counts of placeholders and values differ, or the result is not JSON.</exception>
    /// <exception cref="FileNotFoundException">The blueprint file does not exist.</exception>
    public async Task SendBlueprintAsync(string blueprintPath, IReadOnlyList<object?> values, ReplyRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blueprintPath);
        var full = Path.GetFullPath(blueprintPath);
        if (!_blueprints.TryGetValue(full, out var blueprint))
        {
            blueprint = await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false);
            _blueprints.TryAdd(full, blueprint);
        }

        await SendTemplateAsync(blueprint, values, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills the placeholders of <paramref name="template"/> with <paramref name="values"/>, in order, and sends it.</summary>
    /// <param name="template">The body with placeholders (<see cref="ReplierOptions.Placeholder"/>).</param>
    /// <param name="values">One value per placeholder (see <see cref="SendBlueprintAsync"/>).</param>
    /// <param name="request">Method, path, content type and headers.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    /// <exception cref="ArgumentException">The counts differ, or the result is not JSON.</exception>
    public Task SendTemplateAsync(string template, IReadOnlyList<object?> values, ReplyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var placeholder = _options.Placeholder;
        var body = new StringBuilder(template.Length + (values.Count * 16));
        var start = 0;
        var used = 0;
        while (true)
        {
            var at = template.IndexOf(placeholder, start, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            if (used == values.Count)
            {
                throw new ArgumentException($"The template has more placeholders '{placeholder}' than the {values.Count} values given.", nameof(values));
            }

            body.Append(template, start, at - start).Append(Format(values[used++]));
            start = at + placeholder.Length;
        }

        if (used != values.Count)
        {
            throw new ArgumentException($"The template has {used} placeholders '{placeholder}' but {values.Count} values were given.", nameof(values));
        }

        body.Append(template, start, template.Length - start);
        return SendRawAsync(body.ToString(), request, cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/> as it is.</summary>
    /// <param name="body">The request body; checked to be JSON when the content type is JSON.</param>
    /// <param name="request">Method, path, content type and headers.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    /// <exception cref="ArgumentException">A JSON body is not valid JSON.</exception>
    public Task SendRawAsync(string body, ReplyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Path);
        var bytes = Encoding.UTF8.GetBytes(body);
        if (request.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase) && bytes.Length > 0)
        {
            try
            {
                using var _ = JsonDocument.Parse(bytes);
            }
            catch (JsonException e)
            {
                // A caller's mistake: say where, rather than letting the broker answer 400 into the dead letters.
                throw new ArgumentException($"The write-back body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}", nameof(body), e);
            }
        }

        return SubmitAsync(new PendingWrite
        {
            Method = request.Method,
            Path = request.Path.TrimStart('/'),
            Body = bytes,
            ContentType = request.ContentType,
            Fiware = request.Fiware ?? _broker.DefaultFiware,
        }, cancellationToken);
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        NgsiValue v => v.ToJson(),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
