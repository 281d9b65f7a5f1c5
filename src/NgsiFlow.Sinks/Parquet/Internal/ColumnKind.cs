namespace NgsiFlow.Sinks.Parquet.Internal;

/// <summary>The Parquet type a column gets from the values of its records.</summary>
internal enum ColumnKind
{
    /// <summary>Only nulls so far.</summary>
    None,
    Boolean,
    Integer,
    Number,
    Timestamp,
    Text,
}
