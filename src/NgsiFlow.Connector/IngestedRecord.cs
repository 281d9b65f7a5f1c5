using NgsiFlow.Engine.Records;

namespace NgsiFlow.Connector;

/// <summary>One record posted to <c>POST /ingest/{route}</c>, as a job receives it.</summary>
/// <param name="Record">The record, as the device sent it.</param>
/// <param name="Context">Its route and receiving time (what <c>${route}</c> and <c>${ingestTime}</c> add).</param>
/// <param name="Correlator">The request's <c>Fiware-Correlator</c> (or <c>X-Request-Id</c>) header, when it had one.</param>
public sealed record IngestedRecord(Record Record, RecordContext Context, string? Correlator = null);
