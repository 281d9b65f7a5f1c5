using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace NgsiFlow.Broker.Internal.Notifications;

/// <summary>
/// One keep-alive HTTP/1.1 connection to a notification receiver, used by one sender loop at a time. It writes a
/// request in one send and reads exactly one response (Content-Length, chunked or read-to-close bodies), which keeps
/// the per-notification cost to two system calls and no per-request objects beyond the request bytes.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly Socket _socket;
    private byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket) => _socket = socket;

    /// <summary>Set when the server asked to close, or the stream position is unknown; the connection is then dropped.</summary>
    public bool Broken { get; private set; }

    /// <summary>Requests completed on this connection; a failure on a reused connection is retried once on a new one.</summary>
    public int Completed { get; private set; }

    public static async Task<RawHttpConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Writes one or more (pipelined) requests.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> requests, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (sent < requests.Length)
        {
            sent += await _socket.SendAsync(requests[sent..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the next response and returns its status code; responses come in request order.</summary>
    public async Task<int> ReadResponseAsync(bool headRequest, CancellationToken cancellationToken)
    {
        while (true)
        {
            var headerEnd = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
            var head = _buffer.AsSpan(_start, headerEnd - _start);
            var status = ParseStatus(head);
            var (contentLength, chunked, close) = ParseHeaders(head);
            _start = headerEnd + 4;
            if (status is >= 100 and < 200)
            {
                continue;
            }

            if (headRequest || status is 204 or 304)
            {
                // No body.
            }
            else if (chunked)
            {
                await SkipChunkedAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (contentLength >= 0)
            {
                await SkipAsync(contentLength, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Broken = true;
            }

            if (close)
            {
                Broken = true;
            }

            Completed++;
            return status;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<int> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var searchFrom = _start;
        while (true)
        {
            var index = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf("\r\n\r\n"u8);
            if (index >= 0)
            {
                return searchFrom + index;
            }

            searchFrom = Math.Max(_start, _end - 3);
            if (_end - _start >= MaxHeaderBytes)
            {
                Broken = true;
                throw new IOException("response headers too large");
            }

            var before = _start;
            await FillAsync(cancellationToken).ConfigureAwait(false);
            searchFrom -= before - _start;
        }
    }

    /// <summary>Reads more bytes after the unread ones, compacting or growing the buffer first.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            Broken = true;
            throw new IOException("connection closed by the receiver");
        }

        _end += read;
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                _start = _end = 0;
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async Task SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            var semicolon = line.IndexOf(';');
            var sizeText = (semicolon >= 0 ? line[..semicolon] : line).Trim();
            if (!long.TryParse(sizeText, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                Broken = true;
                throw new IOException("invalid chunk size in response");
            }

            if (size == 0)
            {
                // Trailers, up to an empty line.
                while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                {
                }

                return;
            }

            await SkipAsync(size, cancellationToken).ConfigureAwait(false);
            await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, index);
                _start += index + 2;
                return line;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static int ParseStatus(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new IOException("invalid HTTP status line from the receiver");
        }

        return status;
    }

    private static (long ContentLength, bool Chunked, bool Close) ParseHeaders(ReadOnlySpan<byte> head)
    {
        long contentLength = -1;
        var chunked = false;
        var close = false;
        var lineEnd = head.IndexOf("\r\n"u8);
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (rest.Length > 0)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                Utf8Parser.TryParse(value, out contentLength, out _);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0 || Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }

        return (contentLength, chunked, close);
    }
}
