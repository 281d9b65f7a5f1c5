using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace NgsiFlow.Broker.Internal.Notifications;

/// <summary>
/// The plain-http notification client of one sender loop: one keep-alive connection per receiver endpoint, the
/// request written in one buffer. https and anything unusual go through HttpClient instead.
/// </summary>
internal sealed class RawHttpSender : IDisposable
{
    private readonly Dictionary<(string Host, int Port), RawHttpConnection> _connections = [];
    private readonly ArrayBufferWriter<byte> _request = new(2048);
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _stopping;
    private CancellationTokenSource _timer;

    public RawHttpSender(TimeSpan timeout, CancellationToken stopping)
    {
        _timeout = timeout;
        _stopping = stopping;
        _timer = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    public static bool CanSend(Uri uri) => uri.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// Delivers notifications to one endpoint, pipelined on one connection: all requests in one write, then the
    /// responses in order. Requests left unanswered when the receiver closes the connection are sent again on a new
    /// one. <paramref name="results"/> gets each status code, or the exception that failed it.
    /// </summary>
    public async Task SendAsync(IReadOnlyList<NotificationJob> jobs, Uri uri, (int Status, Exception? Error)[] results)
    {
        if (!_timer.TryReset())
        {
            _timer.Dispose();
            _timer = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        }

        _timer.CancelAfter(_timeout * Math.Max(1, jobs.Count / 8));
        var token = _timer.Token;
        var key = (uri.Host, uri.Port);
        var done = 0;
        var retries = 0;
        while (done < jobs.Count)
        {
            _request.ResetWrittenCount();
            for (var i = done; i < jobs.Count; i++)
            {
                BuildRequest(jobs[i], uri);
            }

            RawHttpConnection? connection = null;
            var progress = 0;
            try
            {
                if (!_connections.TryGetValue(key, out connection))
                {
                    connection = await RawHttpConnection.ConnectAsync(uri.IdnHost, uri.Port, token).ConfigureAwait(false);
                    _connections[key] = connection;
                }

                await connection.SendAsync(_request.WrittenMemory, token).ConfigureAwait(false);
                while (done < jobs.Count)
                {
                    results[done] = (await connection.ReadResponseAsync(jobs[done].Method == HttpMethod.Head, token).ConfigureAwait(false), null);
                    done++;
                    progress++;
                    if (connection.Broken)
                    {
                        break;
                    }
                }

                if (connection.Broken)
                {
                    Drop(key, connection);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                var reused = connection is not null && connection.Completed > progress;
                if (connection is not null)
                {
                    Drop(key, connection);
                }

                // A receiver may close an idle keep-alive connection: retry once on a fresh one, and go on as long as
                // each attempt delivers something.
                if (token.IsCancellationRequested || (progress == 0 && (!reused || retries++ > 0)))
                {
                    for (var i = done; i < jobs.Count; i++)
                    {
                        results[i] = (0, ex);
                    }

                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }

        _connections.Clear();
        _timer.Dispose();
    }

    private void Drop((string, int) key, RawHttpConnection connection)
    {
        _connections.Remove(key);
        connection.Dispose();
    }

    private void BuildRequest(NotificationJob job, Uri uri)
    {
        Append(job.Method.Method);
        Append(" ");
        Append(uri.PathAndQuery);
        Append(" HTTP/1.1\r\nHost: ");
        Append(uri.Authority);
        Append("\r\n");
        var custom = job.Headers;
        WriteHeader("User-Agent", "ngsiflow-broker/0.1", custom);
        WriteHeader("Accept", "application/json", custom);
        if (job.Tenant.Length > 0)
        {
            WriteHeader("Fiware-Service", job.Tenant, custom);
        }

        WriteHeader("Fiware-ServicePath", job.ServicePath, custom);
        WriteHeader("Fiware-Correlator", job.Correlator, custom);
        WriteHeader("Ngsiv2-AttrsFormat", job.Format, custom);
        if (job.TraceParent is { } traceParent)
        {
            WriteHeader("traceparent", traceParent, custom);
        }
        if (job.Body is not null)
        {
            WriteHeader("Content-Type", job.ContentType == "application/json" ? "application/json; charset=utf-8" : job.ContentType, null);
            Append("Content-Length: ");
            Append(job.Body.Length.ToString(CultureInfo.InvariantCulture));
            Append("\r\n");
        }
        else if (job.Method == HttpMethod.Post || job.Method == HttpMethod.Put || job.Method == HttpMethod.Patch)
        {
            Append("Content-Length: 0\r\n");
        }

        if (custom is not null)
        {
            foreach (var (name, value) in custom)
            {
                if (!IsManaged(name))
                {
                    WriteHeader(name, value, null);
                }
            }
        }

        Append("\r\n");
        if (job.Body is not null)
        {
            _request.Write(job.Body);
        }
    }

    /// <summary>Headers the sender itself writes; a custom header of the same name replaces the default value.</summary>
    private static bool IsManaged(string name) =>
        name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) || name.Equals("Accept", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Fiware-Service", StringComparison.OrdinalIgnoreCase) || name.Equals("Fiware-ServicePath", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Fiware-Correlator", StringComparison.OrdinalIgnoreCase) || name.Equals("Ngsiv2-AttrsFormat", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase);

    private void WriteHeader(string name, string value, IReadOnlyList<KeyValuePair<string, string>>? custom)
    {
        if (custom is not null)
        {
            foreach (var (customName, customValue) in custom)
            {
                if (customName.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    value = customValue;
                }
            }
        }

        // A templated value with a line break would split the request; such a header is left out.
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0 || name.AsSpan().IndexOfAny("\r\n: ") >= 0 || name.Length == 0)
        {
            return;
        }

        Append(name);
        Append(": ");
        Append(value);
        Append("\r\n");
    }

    private void Append(string text)
    {
        var span = _request.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _request.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
