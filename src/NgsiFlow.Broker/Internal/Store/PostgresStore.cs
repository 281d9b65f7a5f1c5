using System.Threading.Channels;
using Npgsql;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Store;

/// <summary>
/// PostgreSQL store: the in-memory index serves reads; every change is written through and committed before the
/// request is answered. Writes from concurrent requests are grouped into one round trip (group commit), and an
/// entity row only moves forward in version, so that a late write never overwrites a newer one. One broker per
/// database: the index is loaded at start and assumed to be the only writer.
/// </summary>
internal sealed class PostgresStore : IBrokerStore
{
    private const int BatchSize = 256;
    private const int Writers = 4;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<Write> _writes = Channel.CreateBounded<Write>(new BoundedChannelOptions(20_000) { SingleReader = false, FullMode = BoundedChannelFullMode.Wait });
    private Task[] _writerLoops = [];

    public PostgresStore(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same few statements run thousands of times: let Npgsql prepare them.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }

        _dataSource = builder.Build();
    }

    public EntityIndex Index { get; } = new();

    public bool IsDurable => true;

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return "PostgreSQL does not answer: " + e.Message;
        }
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var create = new NpgsqlCommand(
                """
                CREATE TABLE IF NOT EXISTS ngsiflow_entities (
                    tenant text NOT NULL, service_path text NOT NULL, id text NOT NULL, type text NOT NULL,
                    seq bigint NOT NULL, version bigint NOT NULL, doc text NOT NULL,
                    PRIMARY KEY (tenant, service_path, id, type));
                CREATE TABLE IF NOT EXISTS ngsiflow_subscriptions (
                    tenant text NOT NULL, id text NOT NULL, doc text NOT NULL, PRIMARY KEY (tenant, id));
                CREATE TABLE IF NOT EXISTS ngsiflow_registrations (
                    tenant text NOT NULL, id text NOT NULL, seq bigserial, doc text NOT NULL, PRIMARY KEY (tenant, id));
                """, connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            await using (var select = new NpgsqlCommand("SELECT tenant, service_path, id, type, seq, version, doc FROM ngsiflow_entities ORDER BY seq", connection))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var entity = EntityDocument.Deserialize(reader.GetString(2), reader.GetString(3), reader.GetString(1), reader.GetInt64(4), reader.GetInt64(5), reader.GetString(6));
                    Index.Tenant(reader.GetString(0)).TryAdd(entity);
                }
            }

            await using (var select = new NpgsqlCommand("SELECT tenant, doc FROM ngsiflow_subscriptions", connection))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var tenant = reader.GetString(0);
                    Index.Tenant(tenant).AddSubscription(SubscriptionWriter.FromStorage(tenant, reader.GetString(1)));
                }
            }
        }

        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var select = new NpgsqlCommand("SELECT tenant, doc FROM ngsiflow_registrations ORDER BY seq", connection))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Index.Tenant(reader.GetString(0)).AddRegistration(Registrations.RegistrationWriter.FromStorage(reader.GetString(1)));
            }
        }

        _writerLoops = Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync, CancellationToken.None)).ToArray();
    }

    public ValueTask SaveEntityAsync(string tenant, Entity snapshot, CancellationToken cancellationToken)
    {
        var row = new EntityRow(tenant, snapshot.ServicePath, snapshot.Id, snapshot.Type, snapshot.Sequence, snapshot.Version, EntityDocument.Serialize(snapshot));
        return EnqueueAsync(new Write(null) { Row = row }, cancellationToken);
    }

    public ValueTask DeleteEntityAsync(string tenant, Entity entity, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("DELETE FROM ngsiflow_entities WHERE tenant = $1 AND service_path = $2 AND id = $3 AND type = $4");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entity.ServicePath });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entity.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entity.Type });
        return EnqueueAsync(command, cancellationToken, (tenant, entity.ServicePath, entity.Id, entity.Type));
    }

    public ValueTask SaveSubscriptionAsync(string tenant, Subscription subscription, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO ngsiflow_subscriptions (tenant, id, doc) VALUES ($1, $2, $3) ON CONFLICT (tenant, id) DO UPDATE SET doc = excluded.doc WHERE {StoredRevision} <= $4");
        return EnqueueAsync(SubscriptionParameters(command, tenant, subscription), cancellationToken);
    }

    public ValueTask SaveSubscriptionStateAsync(string tenant, Subscription subscription, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand($"UPDATE ngsiflow_subscriptions SET doc = $3 WHERE tenant = $1 AND id = $2 AND {StoredRevision} <= $4");
        return EnqueueAsync(SubscriptionParameters(command, tenant, subscription), cancellationToken);
    }

    private const string StoredRevision = "COALESCE((ngsiflow_subscriptions.doc::jsonb ->> 'revision')::bigint, 0)";

    private static NpgsqlBatchCommand SubscriptionParameters(NpgsqlBatchCommand command, string tenant, Subscription subscription)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SubscriptionWriter.ToStorage(subscription) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = subscription.Revision });
        return command;
    }

    public ValueTask DeleteSubscriptionAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("DELETE FROM ngsiflow_subscriptions WHERE tenant = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return EnqueueAsync(command, cancellationToken);
    }

    public ValueTask SaveRegistrationAsync(string tenant, Registrations.Registration registration, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO ngsiflow_registrations (tenant, id, doc) VALUES ($1, $2, $3) ON CONFLICT (tenant, id) DO UPDATE SET doc = excluded.doc");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Registrations.RegistrationWriter.ToStorage(registration) });
        return EnqueueAsync(command, cancellationToken);
    }

    public ValueTask DeleteRegistrationAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("DELETE FROM ngsiflow_registrations WHERE tenant = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return EnqueueAsync(command, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Delivery counters change on every notification; they are written once here rather than per notification.
        foreach (var tenant in Index.Tenants)
        {
            foreach (var subscription in tenant.Subscriptions)
            {
                try
                {
                    await SaveSubscriptionAsync(tenant.Name, subscription, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or ChannelClosedException or InvalidOperationException)
                {
                    break;
                }
            }
        }

        _writes.Writer.TryComplete();
        await Task.WhenAll(_writerLoops).ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private ValueTask EnqueueAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken, (string, string, string, string)? deletedKey = null) =>
        EnqueueAsync(new Write(command) { DeletedKey = deletedKey }, cancellationToken);

    private async ValueTask EnqueueAsync(Write write, CancellationToken cancellationToken)
    {
        await _writes.Writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        await write.Done.Task.ConfigureAwait(false);
    }

    private const string UpsertOne =
        """
        INSERT INTO ngsiflow_entities (tenant, service_path, id, type, seq, version, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tenant, service_path, id, type) DO UPDATE SET version = excluded.version, doc = excluded.doc
        WHERE ngsiflow_entities.version < excluded.version
        """;

    private const string UpsertMany =
        """
        INSERT INTO ngsiflow_entities (tenant, service_path, id, type, seq, version, doc)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
        ON CONFLICT (tenant, service_path, id, type) DO UPDATE SET version = excluded.version, doc = excluded.doc
        WHERE ngsiflow_entities.version < excluded.version
        """;

    private static NpgsqlBatchCommand UpsertCommand(EntityRow row)
    {
        var command = new NpgsqlBatchCommand(UpsertOne);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.ServicePath });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Type });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.Sequence });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Document });
        return command;
    }

    /// <summary>All the newest entity rows of a batch in one statement, so that the server plans it once.</summary>
    private static NpgsqlBatchCommand UpsertCommand(List<EntityRow> rows)
    {
        var command = new NpgsqlBatchCommand(UpsertMany);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Tenant).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.ServicePath).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Document).ToArray() });
        return command;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _writes.Reader;
        var pending = new List<Write>(BatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            pending.Clear();
            while (pending.Count < BatchSize && reader.TryRead(out var write))
            {
                pending.Add(write);
            }

            if (pending.Count == 0)
            {
                continue;
            }

            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);

                // One round trip, one implicit transaction. Entity rows become one statement holding the newest
                // version of each entity; an entity also deleted in this batch keeps its statements in order.
                await using var batch = new NpgsqlBatch(connection);
                var deleted = pending.Where(w => w.DeletedKey is not null).Select(w => w.DeletedKey!.Value).ToHashSet();
                var newest = new Dictionary<(string, string, string, string), EntityRow>();
                foreach (var write in pending)
                {
                    if (write.Row is { } row && !deleted.Contains(row.Key) && (!newest.TryGetValue(row.Key, out var seen) || seen.Version < row.Version))
                    {
                        newest[row.Key] = row;
                    }
                }

                if (newest.Count > 0)
                {
                    batch.BatchCommands.Add(newest.Count == 1 ? UpsertCommand(newest.Values.First()) : UpsertCommand(newest.Values.ToList()));
                }

                foreach (var write in pending)
                {
                    if (write.Row is { } row)
                    {
                        if (deleted.Contains(row.Key))
                        {
                            batch.BatchCommands.Add(UpsertCommand(row));
                        }
                    }
                    else
                    {
                        batch.BatchCommands.Add(write.Command!);
                    }
                }

                await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
                foreach (var write in pending)
                {
                    write.Done.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                foreach (var write in pending)
                {
                    write.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed class Write(NpgsqlBatchCommand? command)
    {
        public NpgsqlBatchCommand? Command { get; } = command;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>An entity row to upsert (instead of <see cref="Command"/>).</summary>
        public EntityRow? Row { get; init; }

        /// <summary>The entity a delete command removes.</summary>
        public (string, string, string, string)? DeletedKey { get; init; }
    }

    private sealed record EntityRow(string Tenant, string ServicePath, string Id, string Type, long Sequence, long Version, string Document)
    {
        public (string, string, string, string) Key => (Tenant, ServicePath, Id, Type);
    }
}
