using System.Text.RegularExpressions;

namespace NgsiFlow.Sinks.PostgreSql;

/// <summary>Where a <see cref="PostgreSqlHistorySink{T}"/> writes entity history.</summary>
public sealed partial class PostgreSqlHistorySinkOptions : SinkOptions
{
    /// <summary>An Npgsql connection string (<c>Host=...;Username=...;Database=...</c>). Required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema of the table. Default <c>public</c>.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>The history table. Default <c>entity_history</c>.</summary>
    public string Table { get; set; } = "entity_history";

    /// <summary>Whether to create the table (and an index on entity and time) when it is missing. Default true.</summary>
    public bool CreateTable { get; set; } = true;

    /// <summary>The type of the value column when the sink creates the table. Default <c>jsonb</c>.</summary>
    public PostgreSqlValueType ValueType { get; set; } = PostgreSqlValueType.Jsonb;

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        base.Validate(errors);
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("ConnectionString is required.");
        }
        else
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException exception)
            {
                errors.Add($"ConnectionString is not valid: {exception.Message}");
            }
        }

        if (!Identifier().IsMatch(Schema ?? string.Empty))
        {
            errors.Add($"Schema must be a plain identifier (letters, digits, underscores; was '{Schema}').");
        }

        if (!Identifier().IsMatch(Table ?? string.Empty))
        {
            errors.Add($"Table must be a plain identifier (letters, digits, underscores; was '{Table}').");
        }

        if (!Enum.IsDefined(ValueType))
        {
            errors.Add($"ValueType '{ValueType}' is not one of Jsonb, Text.");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
