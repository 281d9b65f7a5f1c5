using System.Text;

namespace NgsiFlow.Sinks.Files.Internal;

/// <summary>Reads RFC 4180 records line by line: quoted fields may hold delimiters, doubled quotes and line breaks.</summary>
internal sealed class CsvParser(TextReader reader, char delimiter, string source, string path)
{
    private readonly StringBuilder _field = new();
    private long _lineNumber;

    public async ValueTask<CsvRow?> ReadAsync(CancellationToken cancellationToken)
    {
        string? line;
        do
        {
            line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            _lineNumber++;
        }
        while (line.Length == 0);

        var start = _lineNumber;
        var fields = new List<string>();
        var columns = new List<int>();
        var i = 0;
        while (true)
        {
            columns.Add(i + 1);
            _field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                var quoteLine = _lineNumber;
                var quoteColumn = i + 1;
                i++;
                while (true)
                {
                    if (i == line.Length)
                    {
                        line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                            ?? throw new FileSourceException(source, path, quoteLine, quoteColumn, "the quoted field opened here is never closed");
                        _lineNumber++;
                        _field.Append('\n');
                        i = 0;
                        continue;
                    }

                    var c = line[i];
                    if (c == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            _field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    _field.Append(c);
                    i++;
                }

                fields.Add(_field.ToString());
                if (i == line.Length)
                {
                    return new CsvRow(start, fields, columns);
                }

                if (line[i] != delimiter)
                {
                    throw new FileSourceException(source, path, _lineNumber, i + 1, $"unexpected '{line[i]}' after the closing quote of field {fields.Count}; expected '{delimiter}' or the end of the line");
                }

                i++;
                continue;
            }

            var end = line.IndexOf(delimiter, i);
            if (end < 0)
            {
                fields.Add(line[i..]);
                return new CsvRow(start, fields, columns);
            }

            fields.Add(line[i..end]);
            i = end + 1;
        }
    }
}

/// <summary>A parsed record: the line it starts on, its fields, and the column each field starts at.</summary>
internal sealed record CsvRow(long Line, List<string> Fields, List<int> Columns);
