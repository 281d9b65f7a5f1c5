using Microsoft.Extensions.Hosting;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>A host lifetime that neither waits for nor reacts to console signals: the embedding job owns those.</summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
