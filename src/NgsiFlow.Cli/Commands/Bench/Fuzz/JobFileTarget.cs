using System.Text;
using NgsiFlow.Jobs;

namespace NgsiFlow.Cli.Commands.Bench.Fuzz;

/// <summary>Job files as <c>ngsiflow run</c> reads them: a damaged file is refused with a <see cref="JobFileException"/>
/// naming a position, never anything else.</summary>
internal sealed class JobFileTarget : FuzzTarget
{
    private static readonly string[] Samples = ["samples/jobs/machine-regimes.yaml", "samples/jobs/windowed-temperature.yaml"];
    private readonly string _directory;

    public JobFileTarget()
    {
        var found = Samples.Select(Demo.DemoPaths.Find).OfType<string>().ToList();
        Seeds = [.. found.Select(File.ReadAllBytes)];
        _directory = found.Count > 0 ? Path.GetDirectoryName(found[0])! : Directory.GetCurrentDirectory();
    }

    public override string Name => "jobs";

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override Task<FuzzAnswer> SendAsync(int index, byte[] body, CancellationToken cancellationToken) => Task.FromResult(Load(body));

    public override Task<string?> CheckValidAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Load(Seeds[0]) is { Status: 200 } ? null : "a valid job file then failed to load: " + Load(Seeds[0]).Failure);

    public override ValueTask DisposeAsync() => default;

    private FuzzAnswer Load(byte[] body)
    {
        try
        {
            // As File.ReadAllText reads it: invalid UTF-8 becomes U+FFFD, which the file's checks then meet.
            using var plan = JobPlan.Resolve(JobFile.Parse(Encoding.UTF8.GetString(body), "fuzz.yaml", _directory));
            return new FuzzAnswer(200, null);
        }
        catch (JobFileException e)
        {
            return e.Errors.All(x => x.File == "fuzz.yaml" && x.Message.Length > 0)
                ? new FuzzAnswer(400, null)
                : new FuzzAnswer(500, "an error without file or message: " + e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new FuzzAnswer(500, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
