using System.Globalization;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests;

/// <summary>The launchers every integration test relies on start real servers that answer, and stop them.</summary>
public sealed class ServerLauncherTests
{
    [Fact]
    public async Task PostgresServer_started_answersQueriesAndStopsByPid()
    {
        int port;
        await using (var server = await PostgresServer.StartAsync())
        {
            port = server.Port;
            var (code, output) = Psql(port, "select 40 + 2");
            code.ShouldBe(0, output);
            output.Trim().ShouldBe("42");
        }

        Psql(port, "select 1").ExitCode.ShouldNotBe(0);
    }

    [Fact]
    public async Task InfluxDbServer_started_createsAndListsDatabases()
    {
        await using var server = await InfluxDbServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var create = await http.PostAsync(new Uri("query?q=CREATE+DATABASE+launcher", UriKind.Relative), null);
        create.IsSuccessStatusCode.ShouldBeTrue();
        var list = await http.GetStringAsync(new Uri("query?q=SHOW+DATABASES", UriKind.Relative));
        list.ShouldContain("launcher");
    }

    [Fact]
    public async Task RabbitMqServer_started_hasTheConsistentHashExchangePlugin()
    {
        await using var server = await RabbitMqServer.StartAsync();
        var (code, output) = server.Ctl("list_exchanges", "name", "type");
        code.ShouldBe(0, output);
        output.ShouldContain("amq.direct");
        var (pluginCode, plugin) = server.Ctl("eval", "lists:keymember(rabbitmq_consistent_hash_exchange, 1, application:which_applications()).");
        pluginCode.ShouldBe(0, plugin);
        plugin.Trim().ShouldBe("true");
    }

    private static (int ExitCode, string Output) Psql(int port, string sql) =>
        ServerProcess.Run("/usr/lib/postgresql/15/bin/psql", ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-tAc", sql]);
}
