using System.Text.Json;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>
/// The latest attribute values of at most <c>capacity</c> entities; the least recently updated entity is
/// dropped first. Tracks which entities changed or were dropped since the last frame.
/// </summary>
internal sealed class EntityStore(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<EntityRow>> _rows = new(StringComparer.Ordinal);
    private readonly LinkedList<EntityRow> _byRecency = new();
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private long _updates;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    public long Updates => Interlocked.Read(ref _updates);

    public void Upsert(string id, string type, IEnumerable<KeyValuePair<string, object?>> attributes, DateTimeOffset now)
    {
        lock (_gate)
        {
            _updates++;
            if (_rows.TryGetValue(id, out var node))
            {
                _byRecency.Remove(node);
            }
            else if (_rows.Count >= capacity)
            {
                // Full: the least recently updated entity makes room, and its row is reused for the new one.
                node = _byRecency.Last!;
                _byRecency.RemoveLast();
                var evicted = node.Value.Id;
                _rows.Remove(evicted);
                _changed.Remove(evicted);
                _removed.Add(evicted);
                node.Value.Reset(id);
                _rows[id] = node;
            }
            else
            {
                node = new LinkedListNode<EntityRow>(new EntityRow(id));
                _rows[id] = node;
            }

            var row = node.Value;
            row.Type = type;
            row.UpdatedAt = now;
            foreach (var (name, value) in attributes)
            {
                row.Attributes[name] = JsonValues.Freeze(value);
            }

            _byRecency.AddFirst(node);
            _changed.Add(id);
            _removed.Remove(id);
        }
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            if (!_rows.Remove(id, out var node))
            {
                return false;
            }

            _byRecency.Remove(node);
            _changed.Remove(id);
            _removed.Add(id);
            return true;
        }
    }

    /// <summary>Writes the entities changed and dropped since the last call, if any.</summary>
    public void CommitTo(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            if (_changed.Count > 0)
            {
                writer.WriteStartArray("entities");
                foreach (var id in _changed)
                {
                    _rows[id].Value.WriteTo(writer);
                }

                writer.WriteEndArray();
                _changed.Clear();
            }

            if (_removed.Count > 0)
            {
                writer.WriteStartArray("removedEntities");
                foreach (var id in _removed)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
                _removed.Clear();
            }
        }
    }

    public void WriteAll(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            writer.WriteStartArray("entities");
            foreach (var row in _byRecency)
            {
                row.WriteTo(writer);
            }

            writer.WriteEndArray();
        }
    }

    private sealed class EntityRow(string id)
    {
        public string Id { get; private set; } = id;

        public string Type { get; set; } = "";

        public DateTimeOffset UpdatedAt { get; set; }

        public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

        public void Reset(string newId)
        {
            Id = newId;
            Attributes.Clear();
        }

        public void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("type", Type);
            writer.WriteNumber("updatedAt", UpdatedAt.ToUnixTimeMilliseconds());
            writer.WriteStartObject("attrs");
            foreach (var (name, value) in Attributes)
            {
                writer.WritePropertyName(name);
                JsonValues.Write(writer, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }
}
