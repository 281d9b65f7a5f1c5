using System.Text;
using System.Text.Json;

namespace NgsiFlow.Dashboard.Tests;

/// <summary>One server-sent event.</summary>
internal sealed record SseEvent(string Event, string Data, string? Id)
{
    public JsonDocument Json() => JsonDocument.Parse(Data);
}

/// <summary>Reads a <c>text/event-stream</c> body event by event, following the format's rules (comments, multi-line data).</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public async Task<SseEvent> NextAsync(CancellationToken cancellationToken)
    {
        string? type = null, id = null;
        var data = new StringBuilder();
        var any = false;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (any)
                {
                    return new SseEvent(type ?? "message", data.ToString(), id);
                }

                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    type = value;
                    any = true;
                    break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    any = true;
                    break;
                case "id":
                    id = value;
                    break;
            }
        }
    }

    /// <summary>Reads events until one satisfies the condition.</summary>
    public async Task<SseEvent> NextMatchingAsync(Func<SseEvent, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var e = await NextAsync(cancellationToken);
            if (condition(e))
            {
                return e;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
