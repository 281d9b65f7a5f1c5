using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using NgsiFlow.Cli.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Cli.Tests;

/// <summary><c>ngsiflow broker</c>: starts, answers Orion's <c>/version</c>, stops; refuses a busy port clearly.</summary>
public sealed class BrokerCommandTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private static void ShouldBeOrionVersion(string body)
    {
        using var json = JsonDocument.Parse(body);
        var orion = json.RootElement.GetProperty("orion");
        orion.GetProperty("version").GetString().ShouldNotBeNullOrWhiteSpace();
        orion.GetProperty("uptime").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Broker_inProcessOnAFreePort_answersVersionAndStopsOnCancellation()
    {
        using var output = new SharedWriter();
        using var error = new SharedWriter();
        using var stop = new CancellationTokenSource();
        var run = CliRunner.CreateRoot().Parse(["broker", "--port", "0"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);
        try
        {
            Match? listening = null;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < StartLimit && !run.IsCompleted)
            {
                listening = Regex.Match(output.Snapshot(), @"listening on (http://[^\s]+/) ");
                if (listening.Success)
                {
                    break;
                }

                await Task.Delay(50);
            }

            run.IsCompleted.ShouldBeFalse($"the broker ended early: {output.Snapshot()} {error.Snapshot()}");
            listening.ShouldNotBeNull();
            listening.Success.ShouldBeTrue($"no address in: {output.Snapshot()}");
            var address = new Uri(listening.Groups[1].Value);
            address.Port.ShouldNotBe(0);

            using var http = new HttpClient { BaseAddress = address };
            using var response = await http.GetAsync(new Uri("version", UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            ShouldBeOrionVersion(await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await stop.CancelAsync();
        }

        (await run).ShouldBe(0, error.Snapshot());
        output.Snapshot().ShouldContain("Stopping");
    }

    [Fact]
    public async Task Broker_childProcess_answersVersionUntilStoppedByPid()
    {
        var port = FreePort.Next();
        using var process = Process.Start(CliProcess.StartInfo("broker", "--port", port.ToString(CultureInfo.InvariantCulture)))
            ?? throw new InvalidOperationException("Could not start dotnet.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            string? body = null;
            var deadline = Stopwatch.StartNew();
            while (body is null && deadline.Elapsed < StartLimit && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("version", UriKind.Relative));
                    response.StatusCode.ShouldBe(HttpStatusCode.OK);
                    body = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            process.HasExited.ShouldBeFalse("the broker process ended early");
            body.ShouldNotBeNull("no answer on /version");
            ShouldBeOrionVersion(body);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        (await stdout).ShouldContain(port.ToString(CultureInfo.InvariantCulture));
        _ = await stderr;
    }

    [Fact]
    public async Task Broker_portInUse_failsWithAClearErrorAndNonZeroExit()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var result = await CliRunner.RunAsync("broker", "--port", port.ToString(CultureInfo.InvariantCulture));

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain(port.ToString(CultureInfo.InvariantCulture));
        result.Error.ShouldContain("in use");
    }

    [Fact]
    public async Task Broker_portInUse_childProcessExitsNonZero()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var result = await CliProcess.RunAsync("broker", "--port", port.ToString(CultureInfo.InvariantCulture));

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("in use");
    }

    [Theory]
    [InlineData("--store", "mongo", "--store")]
    [InlineData("--listen", "localhost:1026", "--listen")]
    [InlineData("--port", "70000", "Port")]
    [InlineData("--store", "postgres", "PostgresConnectionString")]
    [InlineData("--forward-timeout", "0", "ForwardTimeout")]
    [InlineData("--forward-limit", "-1", "ForwardLimit")]
    public async Task Broker_badOption_failsNamingIt(string option, string value, string named)
    {
        var result = await CliRunner.RunAsync("broker", option, value);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(named);
    }
}
