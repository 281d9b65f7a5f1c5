namespace NgsiFlow.Sinks.Internal;

/// <summary>Turns a batch of stream events into destination records, naming the event a mapper failed on.</summary>
internal static class SinkMapping
{
    public static Action<T, List<TRecord>> One<T, TRecord>(Func<T, TRecord> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return (item, records) => records.Add(map(item));
    }

    public static Action<T, List<TRecord>> Many<T, TRecord>(Action<T, ICollection<TRecord>> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return (item, records) => map(item, records);
    }

    public static List<TRecord> Map<T, TRecord>(ReadOnlySpan<T> batch, Action<T, List<TRecord>> map, string sinkType, string sinkName)
    {
        var records = new List<TRecord>(batch.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            try
            {
                map(batch[i], records);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                throw new ArgumentException($"{sinkType} sink '{sinkName}' could not map event {i} of the batch ({batch[i]}): {exception.Message}", nameof(batch), exception);
            }
        }

        return records;
    }
}
