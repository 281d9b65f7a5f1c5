using System.Collections.Concurrent;

namespace NgsiFlow.RabbitMq;

/// <summary>
/// The jobs a worker or receiver process can run by name (<c>--job NAME</c>). <see cref="Default"/> holds the built-in
/// jobs (<see cref="DemoJobs"/>); an application that hosts its own jobs registers them before starting a worker.
/// </summary>
public sealed class JobRegistry
{
    private readonly ConcurrentDictionary<string, DistributedJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>The process-wide registry, with the built-in jobs.</summary>
    public static JobRegistry Default { get; } = CreateWithBuiltIns();

    /// <summary>The registered names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _jobs.Keys.Order(StringComparer.Ordinal)];

    /// <summary>All registered jobs, by name.</summary>
    public IEnumerable<DistributedJob> Jobs => _jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal);

    /// <summary>Creates a registry with the built-in jobs.</summary>
    /// <returns>The registry.</returns>
    public static JobRegistry CreateWithBuiltIns()
    {
        var registry = new JobRegistry();
        registry.Register(DemoJobs.RunningSum);
        return registry;
    }

    /// <summary>Adds a job.</summary>
    /// <param name="job">The job.</param>
    /// <exception cref="ArgumentException">Another job has that name.</exception>
    public void Register(DistributedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!_jobs.TryAdd(job.Name, job) && !ReferenceEquals(_jobs[job.Name], job))
        {
            throw new ArgumentException($"A job named '{job.Name}' is already registered.", nameof(job));
        }
    }

    /// <summary>Finds a job.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The job.</returns>
    /// <exception cref="KeyNotFoundException">No such job; the message lists the known ones.</exception>
    public DistributedJob Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _jobs.TryGetValue(name, out var job)
            ? job
            : throw new KeyNotFoundException($"No job named '{name}'. Known jobs: {string.Join(", ", Names)}.");
    }
}
