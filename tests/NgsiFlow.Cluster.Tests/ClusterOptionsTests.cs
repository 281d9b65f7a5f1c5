using System.Diagnostics;
using NgsiFlow.Cli.Jobs;
using NgsiFlow.Connector;
using static NgsiFlow.Cluster.Tests.ClusterTesting;

namespace NgsiFlow.Cluster.Tests;

/// <summary>Bad settings are refused at start with one message per bad value, naming it.</summary>
public sealed class ClusterOptionsTests
{
    [Fact]
    public void Validate_nothing_set_names_every_missing_setting()
    {
        var e = Should.Throw<ArgumentException>(() => new ClusterNodeOptions().Validate());
        e.Message.ShouldContain("ClusterNodeOptions.Jobs is empty");
        e.Message.ShouldContain("ClusterNodeOptions.Redis is required");
        e.Message.ShouldContain("ClusterNodeOptions.Broker is required");
    }

    [Fact]
    public void Validate_out_of_range_values_each_named_with_the_value()
    {
        using var broker = BrokerConnection.V2(new Uri("http://127.0.0.1:1026/"));
        var options = new ClusterNodeOptions
        {
            Redis = "127.0.0.1:6379",
            Broker = broker,
            SiloPort = 70000,
            CommitTimeout = TimeSpan.Zero,
            MissedProbes = 0,
            ClusterId = " ",
            Receiver = new ReceiverOptions { HoldTimeout = TimeSpan.FromHours(1) },
        };
        options.Jobs.Add(ClusterDemoJobs.RunningSum);
        options.Serve.Add("no-such-job");
        var e = Should.Throw<ArgumentException>(options.Validate);
        e.Message.ShouldContain("SiloPort must be between 1 and 65535 (was 70000)");
        e.Message.ShouldContain("CommitTimeout must be between");
        e.Message.ShouldContain("MissedProbes must be between 1 and 20 (was 0)");
        e.Message.ShouldContain("ClusterId must not be empty");
        e.Message.ShouldContain("Serve names 'no-such-job', which is not registered (known: running-sum)");
        e.Message.ShouldContain("HoldTimeout");
    }

    [Fact]
    public void Validate_complete_settings_pass()
    {
        using var broker = BrokerConnection.V2(new Uri("http://127.0.0.1:1026/"));
        var options = new ClusterNodeOptions { Redis = "127.0.0.1:6379", Broker = broker };
        options.Jobs.Add(ClusterDemoJobs.RunningSum).Add(ClusterDemoJobs.TypeCounts);
        options.Validate();
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("with/slash")]
    public void ClusterJob_bad_name_refused_naming_it(string name)
    {
        Should.Throw<ArgumentException>(() => new ClusterJob<object>(name, _ => new object(), (_, _, _, _) => { }));
    }

    [Fact]
    public void Registry_unknown_job_lists_the_known_ones()
    {
        var e = Should.Throw<KeyNotFoundException>(() => ClusterDemoJobs.Registry().Get("nope"));
        e.Message.ShouldBe("No job named 'nope'. Known jobs: running-sum, type-counts.");
    }

    [Fact]
    public void Registry_two_jobs_one_name_refused()
    {
        var registry = new ClusterJobRegistry().Add(ClusterDemoJobs.RunningSum);
        Should.Throw<ArgumentException>(() => registry.Add(new ClusterJob<object>("running-sum", _ => new object(), (_, _, _, _) => { })))
            .Message.ShouldContain("'running-sum' is already registered");
    }

    [Theory]
    [InlineData("--job nope --redis 127.0.0.1:1 --broker http://127.0.0.1:1/", "--job: no job file or built-in job named 'nope'. Built-in jobs: running-sum, type-counts.")]
    [InlineData("--job running-sum --redis 127.0.0.1:1 --broker ftp://x/", "--broker must be an absolute http(s) URL (was 'ftp://x/').")]
    [InlineData("--job running-sum --redis 127.0.0.1:1 --broker http://127.0.0.1:1/ --listen nowhere", "--listen must be an IP address (was 'nowhere').")]
    [InlineData("--job running-sum --redis 127.0.0.1:1 --broker http://127.0.0.1:1/ --silo-port 0", "ClusterNodeOptions.SiloPort must be between 1 and 65535 (was 0).")]
    public async Task Node_bad_argument_exit_2_with_the_reason(string arguments, string message)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliPath);
        info.ArgumentList.Add("node");
        foreach (var a in arguments.Split(' '))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(2);
        (await stderr).ShouldContain(message);
    }
}
