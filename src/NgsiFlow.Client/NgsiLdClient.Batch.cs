using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>Batch operations: <c>/ngsi-ld/v1/entityOperations</c>.</summary>
public sealed partial class NgsiLdClient
{
    /// <summary>
    /// <c>POST /ngsi-ld/v1/entityOperations/upsert</c>: creates the entities or updates them (<c>options=update</c>,
    /// or <c>options=replace</c> when <paramref name="replace"/>). Safe to retry. A 207 answer with errors raises
    /// <see cref="NgsiClientException"/> with one <see cref="NgsiBatchError"/> per failed entity.
    /// </summary>
    /// <param name="entities">The entities (at least one).</param>
    /// <param name="replace">Replace whole entities instead of merging attributes.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiLdBatchResult> BatchUpsertAsync(IEnumerable<NgsiLdEntity> entities, bool replace = false, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        BatchAsync("upsert", replace ? "replace" : "update", entities, representation, safeToRetry: true, fiware, cancellationToken);

    /// <summary>
    /// <c>POST /ngsi-ld/v1/entityOperations/update</c>: updates attributes of existing entities (keeping existing ones
    /// when <paramref name="noOverwrite"/>). Safe to retry.
    /// </summary>
    /// <param name="entities">The entities (at least one).</param>
    /// <param name="noOverwrite">Only add attributes that do not exist yet.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiLdBatchResult> BatchUpdateAsync(IEnumerable<NgsiLdEntity> entities, bool noOverwrite = false, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        BatchAsync("update", noOverwrite ? "noOverwrite" : null, entities, representation, safeToRetry: true, fiware, cancellationToken);

    /// <summary><c>POST /ngsi-ld/v1/entityOperations/create</c>: creates the entities. Not retried unless allowed.</summary>
    /// <param name="entities">The entities (at least one).</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiLdBatchResult> BatchCreateAsync(IEnumerable<NgsiLdEntity> entities, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        BatchAsync("create", null, entities, representation, safeToRetry: false, fiware, cancellationToken);

    /// <summary><c>POST /ngsi-ld/v1/entityOperations/delete</c>: deletes the entities with these ids.</summary>
    /// <param name="ids">The entity ids (at least one).</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiLdBatchResult> BatchDeleteAsync(IEnumerable<string> ids, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A batch delete needs at least one id.", nameof(ids));
        }

        var body = JsonWrite.ToBytes(list, static (w, l) =>
        {
            w.WriteStartArray();
            foreach (var id in l)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
        });
        var call = new NgsiTransport.Call(HttpMethod.Post, "ngsi-ld/v1/entityOperations/delete") { Content = body, Fiware = fiware, Ld = true, SafeToRetry = true };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return LdResults.Batch("POST", answer);
    }

    private async Task<NgsiLdBatchResult> BatchAsync(string operation, string? option, IEnumerable<NgsiLdEntity> entities, NgsiLdRepresentation representation, bool safeToRetry, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var list = entities as IReadOnlyCollection<NgsiLdEntity> ?? entities.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A batch operation needs at least one entity.", nameof(entities));
        }

        // Entities that all carry their own @context travel as ld+json; otherwise the Link header gives the context.
        var ldJson = list.All(e => !e.Context.IsNull);
        var path = new QueryBuilder("ngsi-ld/v1/entityOperations/" + operation).Add("options", option);
        var call = new NgsiTransport.Call(HttpMethod.Post, path.ToString())
        {
            Content = NgsiLdWriter.EntitiesToBytes(list, representation),
            ContentType = ldJson ? NgsiTransport.LdJson : NgsiTransport.Json,
            Fiware = fiware,
            Ld = true,
            SafeToRetry = safeToRetry,
        };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return LdResults.Batch("POST", answer);
    }
}
