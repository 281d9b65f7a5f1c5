using NgsiFlow.Cli.Commands.Bench.Fuzz;
using Xunit.Abstractions;

namespace NgsiFlow.IntegrationTests;

/// <summary>
/// The seeded mutation fuzzer against every input boundary: 2,000 cases each, the same cases every run. No 5xx, no
/// error without an Orion-style body, no exception, no hang, and a valid request after every 100 cases still succeeds.
/// A failure prints its seed, case number, reason and bytes; `ngsiflow bench fuzz --target T --seed S` replays it.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261203;

    [Theory]
    [InlineData("parse")]
    [InlineData("receiver")]
    [InlineData("ingest")]
    [InlineData("broker")]
    [InlineData("sources")]
    [InlineData("models")]
    [InlineData("jobs")]
    public async Task Fuzz_two_thousand_mutated_bodies_each_refused_cleanly_or_accepted(string target)
    {
        await using var fuzz = await FuzzTarget.CreateAsync(target, CancellationToken.None);

        var report = await FuzzRun.RunAsync(fuzz, Seed, maxCases: 2_000, maxTime: TimeSpan.FromMinutes(2), checkEvery: 100, CancellationToken.None);

        output.WriteLine($"{target}: {report.Cases} cases in {report.Elapsed.TotalSeconds:0.0} s, answers {string.Join(", ", report.ByStatus.Select(p => $"{p.Key}: {p.Value}"))}");
        report.Cases.ShouldBe(2_000);
        report.Failures.ShouldBeEmpty(string.Join("\n", report.Failures.Take(10)));
        report.ByStatus.Keys.ShouldContain(400, "the mutations must reach the error paths");
        report.ByStatus.Keys.Any(s => s is >= 200 and < 300).ShouldBeTrue("some mutations stay valid and are accepted");
    }

    [Fact]
    public void Mutator_same_seed_same_cases()
    {
        var a = new Mutator(7);
        var b = new Mutator(7);
        var seed = FuzzSeeds.Notifications[0];
        for (var i = 0; i < 200; i++)
        {
            a.Next(seed).ShouldBe(b.Next(seed));
        }
    }
}
