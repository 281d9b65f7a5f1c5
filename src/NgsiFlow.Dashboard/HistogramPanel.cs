using System.Text.Json;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <summary>
/// A bar chart over categories or bins, with one or more series drawn side by side (for example hits per
/// chamber, or the histogram of active channels with one series per chamber). A job either replaces the whole
/// histogram with <see cref="Set(IReadOnlyList{string}, IReadOnlyList{double}[])"/> (a batch result) or counts into it with
/// <see cref="Increment"/>. Created by <see cref="DashboardFeed.AddHistogram"/>.
/// </summary>
public sealed class HistogramPanel : DashboardPanel
{
    private const int MaxCategories = 10_000;
    private readonly Lock _gate = new();
    private readonly List<string> _categories = [];
    private readonly Dictionary<string, int> _categoryIndex = new(StringComparer.Ordinal);
    private readonly List<double>[] _counts;
    private bool _dirty;
    private long _version;

    internal HistogramPanel(string id, string title, string xLabel, string yLabel, IReadOnlyList<string> series)
        : base(id, title)
    {
        XLabel = xLabel;
        YLabel = yLabel;
        Series = series;
        _counts = new List<double>[series.Count];
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] = [];
        }
    }

    /// <summary>The x axis label (what the categories or bins are).</summary>
    public string XLabel { get; }

    /// <summary>The y axis label (what is counted).</summary>
    public string YLabel { get; }

    /// <summary>The series names, in the order <see cref="Set(IReadOnlyList{string}, IReadOnlyList{double}[])"/> takes their counts.</summary>
    public IReadOnlyList<string> Series { get; }

    /// <summary>How many times the histogram was set or incremented.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <inheritdoc />
    internal override string Kind => "histogram";

    /// <summary>Replaces the whole histogram: the categories (bins) and one list of counts per series.</summary>
    /// <param name="categories">The category or bin labels, in display order.</param>
    /// <param name="counts">One list per series, each with one count per category.</param>
    /// <exception cref="ArgumentException">The number of lists is not the number of series, or a list's length is not the number of categories.</exception>
    public void Set(IReadOnlyList<string> categories, params IReadOnlyList<double>[] counts)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Length != Series.Count)
        {
            throw new ArgumentException($"Histogram panel '{Id}' has {Series.Count} series but {counts.Length} lists of counts were published.", nameof(counts));
        }

        if (categories.Count > MaxCategories)
        {
            throw new ArgumentException($"Histogram panel '{Id}' takes at most {MaxCategories} categories ({categories.Count} were published).", nameof(categories));
        }

        for (var s = 0; s < counts.Length; s++)
        {
            if (counts[s] is null || counts[s].Count != categories.Count)
            {
                throw new ArgumentException($"Histogram panel '{Id}': series '{Series[s]}' has {counts[s]?.Count ?? 0} counts for {categories.Count} categories.", nameof(counts));
            }
        }

        lock (_gate)
        {
            _categories.Clear();
            _categoryIndex.Clear();
            foreach (var c in categories)
            {
                _categoryIndex.TryAdd(c, _categories.Count);
                _categories.Add(c);
            }

            for (var s = 0; s < counts.Length; s++)
            {
                _counts[s].Clear();
                _counts[s].AddRange(counts[s]);
            }

            _dirty = true;
            _version++;
        }
    }

    /// <summary>Replaces a single-series histogram whose categories are the numbers 0, 1, 2...</summary>
    /// <param name="counts">One count per bin.</param>
    public void Set(IReadOnlyList<double> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var labels = new string[counts.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Set(labels, counts);
    }

    /// <summary>Adds to one bar; a new category is appended at the end.</summary>
    /// <param name="category">The category or bin label.</param>
    /// <param name="by">How much to add; default 1.</param>
    /// <param name="series">The series index; default the first.</param>
    /// <exception cref="ArgumentOutOfRangeException">The series index does not exist.</exception>
    public void Increment(string category, double by = 1, int series = 0)
    {
        ArgumentNullException.ThrowIfNull(category);
        if (series < 0 || series >= Series.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(series), series, $"Histogram panel '{Id}' has {Series.Count} series.");
        }

        lock (_gate)
        {
            if (!_categoryIndex.TryGetValue(category, out var index))
            {
                if (_categories.Count >= MaxCategories)
                {
                    throw new InvalidOperationException($"Histogram panel '{Id}' already has {MaxCategories} categories; '{category}' was not added.");
                }

                index = _categories.Count;
                _categoryIndex[category] = index;
                _categories.Add(category);
                foreach (var list in _counts)
                {
                    list.Add(0);
                }
            }

            _counts[series][index] += by;
            _dirty = true;
            _version++;
        }
    }

    /// <inheritdoc />
    internal override void WriteDefinition(Utf8JsonWriter writer)
    {
        writer.WriteString("xLabel", XLabel);
        writer.WriteString("yLabel", YLabel);
        writer.WriteStartArray("series");
        foreach (var s in Series)
        {
            writer.WriteStringValue(s);
        }

        writer.WriteEndArray();
    }

    /// <inheritdoc />
    internal override bool CommitTo(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            if (!_dirty)
            {
                return false;
            }

            _dirty = false;
            WriteLocked(writer);
            return true;
        }
    }

    /// <inheritdoc />
    internal override void WriteState(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            WriteLocked(writer);
        }
    }

    private void WriteLocked(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("categories");
        foreach (var c in _categories)
        {
            writer.WriteStringValue(c);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("counts");
        foreach (var list in _counts)
        {
            writer.WriteStartArray();
            foreach (var v in list)
            {
                JsonValues.WriteNumber(writer, v);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteNumber("version", _version);
    }
}
