using System.Text;
using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>
/// Computes the JSON path of a byte offset by walking the document again. Parsers only call it on the error path,
/// so the hot path carries no path bookkeeping at all.
/// </summary>
internal static class JsonPathLocator
{
    private struct Frame
    {
        public bool IsArray;
        public int Index;
        public string? Name;
    }

    /// <summary>The path of the token starting at <paramref name="offset"/>, or of the place where the JSON breaks.</summary>
    public static string Locate(ReadOnlySpan<byte> json, long offset)
    {
        var stack = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                var start = reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!TryGetName(ref reader, out var name))
                        {
                            // The bad text is in this name: the path ends at it.
                            SetName(stack, "(invalid UTF-8)");
                            return Format(stack);
                        }

                        SetName(stack, name);
                        if (start >= offset)
                        {
                            return Format(stack);
                        }

                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (start >= offset)
                        {
                            return Format(stack);
                        }

                        stack.RemoveAt(stack.Count - 1);
                        continue;
                    default:
                        BumpIndex(stack);
                        if (start >= offset)
                        {
                            return Format(stack);
                        }

                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            stack.Add(new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray, Index = -1 });
                        }

                        continue;
                }
            }
        }
        catch (JsonException)
        {
            // The document breaks here: the current position is the answer.
        }

        return Format(stack);
    }

    private static bool TryGetName(ref Utf8JsonReader reader, out string? name)
    {
        try
        {
            name = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            name = null;
            return false;
        }
    }

    private static void SetName(List<Frame> stack, string? name)
    {
        if (stack.Count > 0)
        {
            var f = stack[^1];
            f.Name = name;
            stack[^1] = f;
        }
    }

    private static void BumpIndex(List<Frame> stack)
    {
        if (stack.Count > 0 && stack[^1].IsArray)
        {
            var f = stack[^1];
            f.Index++;
            stack[^1] = f;
        }
    }

    private static string Format(List<Frame> stack)
    {
        var sb = new StringBuilder("$");
        foreach (var f in stack)
        {
            if (f.IsArray)
            {
                if (f.Index >= 0)
                {
                    sb.Append('[').Append(f.Index).Append(']');
                }
            }
            else if (f.Name is not null)
            {
                Append(sb, f.Name);
            }
        }

        return sb.ToString();
    }

    internal static void Append(StringBuilder sb, string name)
    {
        var plain = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@' or ':');
        if (plain)
        {
            sb.Append('.').Append(name);
        }
        else
        {
            sb.Append("['").Append(name.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
        }
    }
}
