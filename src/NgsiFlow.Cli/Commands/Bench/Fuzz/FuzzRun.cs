using System.Diagnostics;

namespace NgsiFlow.Cli.Commands.Bench.Fuzz;

/// <summary>One failing case: enough to reproduce it (seed, case number) and to see it (the bytes, base64).</summary>
internal sealed record FuzzFailure(int Seed, int Case, string Reason, string BodyBase64)
{
    public override string ToString() => $"seed {Seed} case {Case}: {Reason}; body (base64) {BodyBase64[..Math.Min(BodyBase64.Length, 600)]}{(BodyBase64.Length > 600 ? "..." : string.Empty)}";
}

/// <summary>What a fuzz run did: cases, answers by status, failures.</summary>
internal sealed record FuzzReport(string Target, int Seed, int Cases, TimeSpan Elapsed, IReadOnlyDictionary<int, int> ByStatus, IReadOnlyList<FuzzFailure> Failures)
{
    public double CasesPerSecond => Cases / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>Drives a target with mutated cases; after every <c>checkEvery</c> cases, a valid request must still succeed.</summary>
internal static class FuzzRun
{
    public static async Task<FuzzReport> RunAsync(FuzzTarget target, int seed, int maxCases, TimeSpan maxTime, int checkEvery, CancellationToken cancellationToken)
    {
        if (target.Seeds.Count == 0)
        {
            throw new InvalidOperationException($"The fuzz target '{target.Name}' has no seed inputs (for models: run from a clone of the repository, which holds models/).");
        }

        var mutator = new Mutator(seed);
        var byStatus = new SortedDictionary<int, int>();
        var failures = new List<FuzzFailure>();
        var clock = Stopwatch.StartNew();
        var cases = 0;
        while (cases < maxCases && clock.Elapsed < maxTime && !cancellationToken.IsCancellationRequested)
        {
            var body = mutator.Next(target.Seeds[cases % target.Seeds.Count]);
            var answer = await target.SendAsync(cases, body, cancellationToken).ConfigureAwait(false);
            byStatus[answer.Status] = byStatus.GetValueOrDefault(answer.Status) + 1;
            if (answer.Failure is { } failure)
            {
                failures.Add(new FuzzFailure(seed, cases, failure, Convert.ToBase64String(body)));
            }

            cases++;
            if (cases % checkEvery == 0 && await target.CheckValidAsync(cancellationToken).ConfigureAwait(false) is { } broken)
            {
                failures.Add(new FuzzFailure(seed, cases - 1, "after this case: " + broken, Convert.ToBase64String(body)));
            }
        }

        return new FuzzReport(target.Name, seed, cases, clock.Elapsed, byStatus, failures);
    }
}
