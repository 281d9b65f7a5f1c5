using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <content>
/// Frames: every tick, what was published since the last tick is committed and serialised once into an update
/// frame that every connected page's queue is offered. Commits and snapshots share one lock, so that a snapshot
/// is exactly the state up to a frame number and a page skips the frames it already holds.
/// </content>
public sealed partial class DashboardFeed
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };
    private readonly ConcurrentDictionary<DashboardClient, byte> _clients = new();
    private readonly Lock _commitGate = new();
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private long _seq;
    private long _nextMetricsTicks;
    private bool _metricsSampled;

    /// <summary>The number of the last update frame.</summary>
    internal long LastSeq => Interlocked.Read(ref _seq);

    /// <summary>The last error of the background loop, if any (it keeps running).</summary>
    internal Exception? LastLoopError { get; private set; }

    internal IEnumerable<DashboardClient> Clients => _clients.Keys;

    internal DashboardClient Connect()
    {
        var client = new DashboardClient(Options.ClientQueueFrames);
        _clients.TryAdd(client, 0);
        return client;
    }

    internal void Disconnect(DashboardClient client)
    {
        _clients.TryRemove(client, out _);
        client.Complete();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.FrameInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            TickSafely();
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing frame must never stop the dashboard, let alone the job; the error is kept for diagnosis and the next tick retries.")]
    private void TickSafely()
    {
        try
        {
            Tick(sampleMetrics: false);
        }
        catch (Exception ex)
        {
            LastLoopError = ex;
        }
    }

    /// <summary>Commits what was published since the last tick and offers it, as one frame, to every page.</summary>
    /// <param name="sampleMetrics">Sample the metrics now even if the metrics interval has not elapsed.</param>
    /// <returns>The frame, or null when nothing changed.</returns>
    internal Frame? Tick(bool sampleMetrics)
    {
        lock (_commitGate)
        {
            var now = DateTimeOffset.UtcNow;
            var metricsDue = _metrics is not null && (sampleMetrics || Environment.TickCount64 >= _nextMetricsTicks);
            if (metricsDue)
            {
                _metrics!.Sample(now);
                _metricsSampled = true;
                _nextMetricsTicks = Environment.TickCount64 + (long)Options.MetricsInterval.TotalMilliseconds;
            }

            var buffer = new ArrayBufferWriter<byte>();
            long headerLength;
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "update");
                writer.WriteNumber("seq", _seq + 1);
                writer.WriteNumber("time", now.ToUnixTimeMilliseconds());
                headerLength = writer.BytesCommitted + writer.BytesPending;

                WriteState(writer, all: false);
                WritePanelUpdates(writer);
                if (metricsDue)
                {
                    _metrics!.WriteTo(writer, wholeHistory: false);
                }

                _entities.CommitTo(writer);
                if (writer.BytesCommitted + writer.BytesPending == headerLength)
                {
                    return null;
                }

                writer.WriteEndObject();
            }

            var seq = Interlocked.Increment(ref _seq);
            var frame = MakeFrame(seq, isSnapshot: false, buffer.WrittenSpan);
            foreach (var client in _clients.Keys)
            {
                client.Offer(frame);
            }

            return frame;
        }
    }

    /// <summary>The whole current state, current up to the last update frame.</summary>
    internal Frame BuildSnapshot()
    {
        lock (_commitGate)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "snapshot");
                writer.WriteNumber("seq", _seq);
                writer.WriteNumber("time", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                writer.WriteStartObject("config");
                writer.WriteNumber("frameIntervalMs", Options.FrameInterval.TotalMilliseconds);
                writer.WriteNumber("maxPointsPerPanel", Options.MaxPointsPerPanel);
                writer.WriteNumber("maxEntities", Options.MaxEntities);
                writer.WriteBoolean("metrics", _metrics is not null);
                writer.WriteEndObject();
                WriteState(writer, all: true);
                writer.WriteStartArray("panels");
                foreach (var panel in Panels)
                {
                    if (panel.Announced)
                    {
                        panel.WriteFull(writer);
                    }
                }

                writer.WriteEndArray();
                if (_metricsSampled)
                {
                    _metrics!.WriteTo(writer, wholeHistory: true);
                }

                _entities.WriteAll(writer);
                writer.WriteEndObject();
            }

            return MakeFrame(_seq, isSnapshot: true, buffer.WrittenSpan);
        }
    }

    private void WritePanelUpdates(Utf8JsonWriter writer)
    {
        var started = false;
        foreach (var panel in Panels)
        {
            _scratch.ResetWrittenCount();
            bool changed;
            using (var part = new Utf8JsonWriter(_scratch, WriterOptions))
            {
                part.WriteStartObject();
                part.WriteString("id", panel.Id);
                changed = panel.CommitTo(part);
                part.WriteEndObject();
            }

            if (!panel.Announced)
            {
                // A new panel goes out whole (definition and everything committed so far).
                panel.Announced = true;
                StartPanels(writer, ref started);
                panel.WriteFull(writer);
            }
            else if (changed)
            {
                StartPanels(writer, ref started);
                writer.WriteRawValue(_scratch.WrittenSpan, skipInputValidation: true);
            }
        }

        if (started)
        {
            writer.WriteEndArray();
        }
    }

    private static void StartPanels(Utf8JsonWriter writer, ref bool started)
    {
        if (!started)
        {
            writer.WriteStartArray("panels");
            started = true;
        }
    }

    private static Frame MakeFrame(long seq, bool isSnapshot, ReadOnlySpan<byte> json)
    {
        var head = Encoding.UTF8.GetBytes($"id: {seq}\nevent: {(isSnapshot ? "snapshot" : "update")}\ndata: ");
        var bytes = new byte[head.Length + json.Length + 2];
        head.CopyTo(bytes, 0);
        json.CopyTo(bytes.AsSpan(head.Length));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return new Frame(seq, isSnapshot, json.ToArray(), bytes);
    }
}
