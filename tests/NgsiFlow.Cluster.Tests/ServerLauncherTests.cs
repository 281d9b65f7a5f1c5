using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NgsiFlow.Testing;

namespace NgsiFlow.Cluster.Tests;

/// <summary>The Redis and nginx launchers the cluster tests stand on, against the real servers.</summary>
public sealed class ServerLauncherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RedisStartAsync_fresh_server_answers_ping_on_its_port()
    {
        await using var redis = await RedisServer.StartAsync();

        redis.ConnectionString.ShouldBe($"127.0.0.1:{redis.Port.ToString(CultureInfo.InvariantCulture)}");
        (await Resp.CommandAsync(redis.Port, "PING")).ShouldBe("PONG");
        IsRunning(redis.ProcessId).ShouldBeTrue();
    }

    [Fact]
    public async Task RedisKill_then_StartAgainAsync_acknowledged_writes_survive_on_the_same_port()
    {
        await using var redis = await RedisServer.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            (await Resp.CommandAsync(redis.Port, "SET", $"key{i.ToString(CultureInfo.InvariantCulture)}", $"value{i.ToString(CultureInfo.InvariantCulture)}")).ShouldBe("OK");
        }

        var firstPid = redis.ProcessId;
        redis.Kill();
        await Eventually(() => Task.FromResult(!IsRunning(firstPid)), "the killed redis-server to be gone");
        await Should.ThrowAsync<SocketException>(() => Resp.CommandAsync(redis.Port, "PING"));

        await redis.StartAgainAsync();

        redis.ProcessId.ShouldNotBe(firstPid);
        (await Resp.CommandAsync(redis.Port, "DBSIZE")).ShouldBe("50");
        (await Resp.CommandAsync(redis.Port, "GET", "key0")).ShouldBe("value0");
        (await Resp.CommandAsync(redis.Port, "GET", "key49")).ShouldBe("value49");
    }

    [Fact]
    public async Task RedisDisposeAsync_running_server_stops_it_by_pid()
    {
        var redis = await RedisServer.StartAsync();
        var pid = redis.ProcessId;

        await redis.DisposeAsync();

        await Eventually(() => Task.FromResult(!IsRunning(pid)), "redis-server to be gone");
    }

    [Fact]
    public void NginxConfig_two_upstreams_lists_both_with_failover_and_keeps_paths_in_directory()
    {
        var config = NginxServer.Config("/tmp/lb", 20001, [20002, 20003]);

        config.ShouldContain("server 127.0.0.1:20002 max_fails=1 fail_timeout=3s;");
        config.ShouldContain("server 127.0.0.1:20003 max_fails=1 fail_timeout=3s;");
        config.ShouldContain("keepalive 32;");
        config.ShouldContain("listen 127.0.0.1:20001;");
        config.ShouldContain("proxy_next_upstream error timeout non_idempotent;");
        config.ShouldContain("proxy_next_upstream_tries 3;");
        config.ShouldContain("proxy_set_header Connection \"\";");
        config.ShouldContain("client_max_body_size 0;");
        config.ShouldContain("pid \"/tmp/lb/nginx.pid\";");
        config.ShouldContain("error_log \"/tmp/lb/error.log\" warn;");
        foreach (var path in new[] { "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path" })
        {
            config.ShouldContain($"{path} \"/tmp/lb/");
        }

        config.ShouldNotContain("daemon");
    }

    [Fact]
    public void NginxConfig_no_upstream_throws()
    {
        Should.Throw<ArgumentException>(() => NginxServer.Config("/tmp/lb", 20001, []));
    }

    [Fact]
    public async Task NginxStartAsync_two_nodes_spreads_requests_to_both()
    {
        using var a = NamedNode.Start("a");
        using var b = NamedNode.Start("b");
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        nginx.BaseAddress.ShouldBe(new Uri($"http://127.0.0.1:{nginx.Port.ToString(CultureInfo.InvariantCulture)}/"));
        var seen = await AnswersUntilAsync(http, names => names.Contains("a") && names.Contains("b"));

        seen.ShouldBe(["a", "b"], ignoreOrder: true);
    }

    [Fact]
    public async Task NginxProxy_one_node_stopped_every_request_still_answered_by_the_other()
    {
        using var a = NamedNode.Start("a");
        using var b = NamedNode.Start("b");
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await AnswersUntilAsync(http, names => names.Contains("a") && names.Contains("b"));

        a.Dispose();

        for (var i = 0; i < 20; i++)
        {
            // GETs and POSTs alike: a POST already sent on a kept-alive connection to the dead node is passed on only with non_idempotent.
            using var response = i % 2 == 0
                ? await http.GetAsync(new Uri("any", UriKind.Relative))
                : await http.PostAsync(new Uri("any", UriKind.Relative), new StringContent("x"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldStartWith("b");
        }
    }

    [Fact]
    public async Task NginxSetUpstreamsAsync_only_second_node_every_answer_comes_from_it()
    {
        using var a = NamedNode.Start("a");
        using var b = NamedNode.Start("b");
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await AnswersUntilAsync(http, names => names.Contains("a") && names.Contains("b"));
        var pid = nginx.ProcessId;

        await nginx.SetUpstreamsAsync([b.Port]);

        nginx.ProcessId.ShouldBe(pid);
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.GetAsync(new Uri("any", UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe("b");
        }
    }

    [Fact]
    public async Task NginxSetUpstreamsAsync_back_to_both_nodes_spreads_again()
    {
        using var a = NamedNode.Start("a");
        using var b = NamedNode.Start("b");
        await using var nginx = await NginxServer.StartAsync([b.Port]);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        (await AnswersUntilAsync(http, names => names.Contains("b"))).ShouldBe(["b"]);

        await nginx.SetUpstreamsAsync([a.Port, b.Port]);

        var seen = await AnswersUntilAsync(http, names => names.Contains("a") && names.Contains("b"));
        seen.ShouldBe(["a", "b"], ignoreOrder: true);
    }

    [Fact]
    public async Task NginxProxy_large_post_body_reaches_a_node_whole()
    {
        using var a = NamedNode.Start("a");
        await using var nginx = await NginxServer.StartAsync([a.Port]);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var body = new byte[4 * 1024 * 1024];
        Random.Shared.NextBytes(body);

        // Larger than nginx's body buffer: it goes through client_body_temp_path, which the workers must be able to write.
        using var response = await http.PostAsync(new Uri("upload", UriKind.Relative), new ByteArrayContent(body));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe($"a:{body.Length.ToString(CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task NginxDisposeAsync_running_server_stops_master_and_workers_by_pid()
    {
        using var a = NamedNode.Start("a");
        var nginx = await NginxServer.StartAsync([a.Port]);
        var master = nginx.ProcessId;
        var workers = await ChildrenUntilAsync(master);

        await nginx.DisposeAsync();

        await Eventually(() => Task.FromResult(!IsRunning(master) && !workers.Any(IsRunning)), "nginx master and workers to be gone");
        using var client = new TcpClient();
        await Should.ThrowAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, nginx.Port));
    }

    [Fact]
    public async Task NginxStartAsync_nothing_on_upstream_answers_502_after_trying()
    {
        var nobody = FreePort.Next();
        await using var nginx = await NginxServer.StartAsync([nobody]);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await http.GetAsync(new Uri("any", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
    }

    // Sends GETs until the set of answering nodes satisfies `done`, within the deadline; every answer must be 200.
    private static async Task<HashSet<string>> AnswersUntilAsync(HttpClient http, Func<HashSet<string>, bool> done)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + Deadline;
        while (!done(seen))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"answers so far came from: {string.Join(", ", seen)}");
            using var response = await http.GetAsync(new Uri("any", UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            seen.Add(await response.Content.ReadAsStringAsync());
        }

        return seen;
    }

    private static async Task<int[]> ChildrenUntilAsync(int parent)
    {
        int[] children = [];
        await Eventually(
            () =>
            {
                var (_, output) = ServerProcess.Run("pgrep", ["-P", parent.ToString(CultureInfo.InvariantCulture)]);
                children = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => int.Parse(line, CultureInfo.InvariantCulture))];
                return Task.FromResult(children.Length > 0);
            },
            "nginx to start a worker");
        return children;
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>A tiny HTTP/1.1 node on 127.0.0.1 that answers every request 200 with its name (and, for a body, its length).</summary>
    private sealed class NamedNode : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly string _name;
        private readonly Task _loop;

        private NamedNode(HttpListener listener, string name, int port)
        {
            _listener = listener;
            _name = name;
            Port = port;
            _loop = Task.Run(LoopAsync);
        }

        public int Port { get; }

        public static NamedNode Start(string name)
        {
            var port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            listener.Start();
            return new NamedNode(listener, name, port);
        }

        public void Dispose()
        {
            if (_listener.IsListening)
            {
                _listener.Close();
            }

            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loop ends with the listener.
            }
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => AnswerAsync(context));
            }
        }

        private async Task AnswerAsync(HttpListenerContext context)
        {
            try
            {
                long length = 0;
                var buffer = new byte[81920];
                int read;
                while ((read = await context.Request.InputStream.ReadAsync(buffer)) > 0)
                {
                    length += read;
                }

                var text = length == 0 ? _name : $"{_name}:{length.ToString(CultureInfo.InvariantCulture)}";
                var bytes = Encoding.UTF8.GetBytes(text);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The node was stopped mid-answer.
            }
        }
    }

    /// <summary>A minimal RESP client: one command per connection, one reply (simple string, integer, bulk string or error).</summary>
    private static class Resp
    {
        public static async Task<string?> CommandAsync(int port, params string[] arguments)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            var request = new StringBuilder();
            request.Append(CultureInfo.InvariantCulture, $"*{arguments.Length}\r\n");
            foreach (var argument in arguments)
            {
                request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var line = await reader.ReadLineAsync() ?? throw new IOException("Redis closed the connection without a reply.");
            return line[0] switch
            {
                '+' or ':' => line[1..],
                '-' => throw new InvalidOperationException("Redis error: " + line[1..]),
                '$' when line == "$-1" => null,
                '$' => await reader.ReadLineAsync(),
                _ => throw new InvalidOperationException("Unexpected Redis reply: " + line),
            };
        }
    }
}
