using System.Collections.Concurrent;

namespace NgsiFlow.Cluster;

/// <summary>The jobs a node can run by name (<c>ngsiflow node --job NAME</c>). Every node of a cluster registers the same jobs.</summary>
public sealed class ClusterJobRegistry
{
    private readonly ConcurrentDictionary<string, ClusterJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>The registered names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _jobs.Keys.Order(StringComparer.Ordinal)];

    /// <summary>All registered jobs, by name.</summary>
    public IEnumerable<ClusterJob> Jobs => _jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal);

    /// <summary>Adds a job.</summary>
    /// <param name="job">The job.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">Another job has that name.</exception>
    public ClusterJobRegistry Add(ClusterJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!_jobs.TryAdd(job.Name, job) && !ReferenceEquals(_jobs[job.Name], job))
        {
            throw new ArgumentException($"A job named '{job.Name}' is already registered.", nameof(job));
        }

        return this;
    }

    /// <summary>Finds a job.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The job.</returns>
    /// <exception cref="KeyNotFoundException">No such job; the message lists the known ones.</exception>
    public ClusterJob Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _jobs.TryGetValue(name, out var job)
            ? job
            : throw new KeyNotFoundException($"No job named '{name}'. Known jobs: {string.Join(", ", Names)}.");
    }
}
