using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Sql;
using Spectre.Console;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow sql "SELECT …" [--data DIR] [--postgres CONN]</c>: DuckDB SQL over the Parquet sink's files (view
/// <c>records</c> and one per partition) and the PostgreSQL history table (<c>history</c>), as a table, CSV or JSON lines.
/// </summary>
internal static class SqlCommand
{
    private const int ExitBadInput = 2;

    public static Command Create()
    {
        var query = new Argument<string?>("query") { Description = "One DuckDB SQL statement, such as \"SELECT host, count(*) FROM records GROUP BY host\".", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string?>("--data") { Description = "The Parquet sink's directory: view records, and one view per top-level partition (route=sensors is sensors)." };
        var postgres = new Option<string?>("--postgres") { Description = "An Npgsql connection string: the history sink's table becomes the table history." };
        var table = new Option<string>("--table") { Description = "The history table in PostgreSQL.", DefaultValueFactory = _ => "entity_history" };
        var format = new Option<string>("--format") { Description = "table, csv (RFC 4180) or json (one object per line).", DefaultValueFactory = _ => "table" };
        var maxRows = new Option<int>("--max-rows") { Description = "The most rows printed.", DefaultValueFactory = _ => 1000 };
        var tables = new Option<bool>("--tables") { Description = "List the tables and views, and exit." };
        var command = new Command("sql", "Query what NgsiFlow stored with SQL: the Parquet sink's files and the PostgreSQL history table (DuckDB).")
        {
            query, data, postgres, table, format, maxRows, tables,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var sql = parseResult.GetValue(query);
            var shape = parseResult.GetValue(format)!;
            var limit = parseResult.GetValue(maxRows);
            var problems = new List<string>();
            if (shape is not ("table" or "csv" or "json"))
            {
                problems.Add($"--format must be table, csv or json (was '{shape}').");
            }

            if (limit < 0)
            {
                problems.Add($"--max-rows must not be negative (was {limit}).");
            }

            if (parseResult.GetValue(data) is null && parseResult.GetValue(postgres) is null)
            {
                problems.Add("give --data DIR (Parquet files) and/or --postgres CONNECTION (the history table).");
            }

            if (string.IsNullOrWhiteSpace(sql) && !parseResult.GetValue(tables))
            {
                problems.Add("give a query, such as \"SELECT * FROM records LIMIT 10\", or --tables.");
            }

            if (problems.Count > 0)
            {
                foreach (var p in problems)
                {
                    await error.WriteLineAsync("ngsiflow sql: " + p).ConfigureAwait(false);
                }

                return ExitBadInput;
            }

            try
            {
                await using var session = await SqlSession.OpenAsync(
                    new SqlOptions { DataDirectory = parseResult.GetValue(data), PostgreSqlConnectionString = parseResult.GetValue(postgres), PostgreSqlTable = parseResult.GetValue(table)! },
                    cancellationToken).ConfigureAwait(false);
                if (parseResult.GetValue(tables))
                {
                    foreach (var t in session.Tables)
                    {
                        await output.WriteLineAsync($"{t.Name}\t{t.Source}").ConfigureAwait(false);
                    }

                    if (string.IsNullOrWhiteSpace(sql))
                    {
                        return 0;
                    }
                }

                var result = await session.QueryAsync(sql!, limit, cancellationToken).ConfigureAwait(false);
                switch (shape)
                {
                    case "csv":
                        await WriteCsvAsync(output, result).ConfigureAwait(false);
                        break;
                    case "json":
                        await WriteJsonAsync(output, result).ConfigureAwait(false);
                        break;
                    default:
                        WriteTable(output, result);
                        break;
                }

                if (result.Truncated)
                {
                    await error.WriteLineAsync($"ngsiflow sql: only the first {limit} rows are shown; raise --max-rows for more.").ConfigureAwait(false);
                }

                return 0;
            }
            catch (SqlQueryException e)
            {
                await error.WriteLineAsync("ngsiflow sql: " + e.Message).ConfigureAwait(false);
                return ExitBadInput;
            }
        });
        return command;
    }

    private static void WriteTable(TextWriter output, SqlResult result)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        var table = new Table();
        foreach (var column in result.Columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column.Name)) { Alignment = IsNumber(column.Type) ? Justify.Right : Justify.Left });
        }

        foreach (var row in result.Rows)
        {
            table.AddRow([.. row.Select(v => Markup.Escape(Text(v) ?? "NULL"))]);
        }

        table.Caption($"{result.Rows.Count} row(s)");
        console.Write(table);
    }

    private static async Task WriteCsvAsync(TextWriter output, SqlResult result)
    {
        await output.WriteAsync(string.Join(",", result.Columns.Select(c => Csv(c.Name))) + "\r\n").ConfigureAwait(false);
        foreach (var row in result.Rows)
        {
            await output.WriteAsync(string.Join(",", row.Select(v => Csv(Text(v) ?? string.Empty))) + "\r\n").ConfigureAwait(false);
        }
    }

    private static async Task WriteJsonAsync(TextWriter output, SqlResult result)
    {
        foreach (var row in result.Rows)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                for (var i = 0; i < row.Length; i++)
                {
                    json.WritePropertyName(result.Columns[i].Name);
                    switch (row[i])
                    {
                        case null:
                            json.WriteNullValue();
                            break;
                        case bool b:
                            json.WriteBooleanValue(b);
                            break;
                        case long or int or short or byte or sbyte or uint or ulong or ushort:
                            json.WriteRawValue(Convert.ToString(row[i], CultureInfo.InvariantCulture)!);
                            break;
                        case double d when double.IsFinite(d):
                            json.WriteNumberValue(d);
                            break;
                        case float f when float.IsFinite(f):
                            json.WriteNumberValue(f);
                            break;
                        case decimal m:
                            json.WriteNumberValue(m);
                            break;
                        default:
                            json.WriteStringValue(Text(row[i]));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
        }
    }

    private static bool IsNumber(string type) => type is "BigInt" or "Integer" or "SmallInt" or "TinyInt" or "HugeInt" or "Double" or "Float" or "Decimal" or "UnsignedBigInt" or "UnsignedInteger";

    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero && t.Kind == DateTimeKind.Unspecified ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static string Csv(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
