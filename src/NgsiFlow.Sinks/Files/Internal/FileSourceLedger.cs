using Microsoft.Extensions.Logging;
using NgsiFlow.Sinks.Internal;

namespace NgsiFlow.Sinks.Files.Internal;

/// <summary>
/// The bookkeeping every line-numbered file source shares: which lines were delivered and settled (the
/// checkpoint), which were rejected and why, and the metrics and log entries that go with each.
/// </summary>
internal sealed class FileSourceLedger
{
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly SinkInstruments _instruments;
    private readonly CheckpointTracker _tracker;
    private readonly List<SourceRejection> _rejections = [];

    public FileSourceLedger(string name, string sourceType, long startAfterLine, ILogger logger)
    {
        _name = name;
        _logger = logger;
        _instruments = SinkInstruments.ForSource(name, sourceType);
        _tracker = new CheckpointTracker(startAfterLine);
    }

    public long Checkpoint => _tracker.Checkpoint;

    public IReadOnlyList<SourceRejection> Rejections
    {
        get
        {
            lock (_rejections)
            {
                return _rejections.ToArray();
            }
        }
    }

    /// <summary>Records a line handed to the engine; it stays outstanding until settled.</summary>
    public void Delivered(long line)
    {
        _tracker.Delivered(line);
        _instruments.Read();
    }

    /// <summary>Records a bad line the source itself rejected, so it never reaches the engine.</summary>
    public void RejectBadLine(long line, string reason)
    {
        _tracker.Skipped(line);
        Record(line, reason);
    }

    public void Acknowledge(long position) => _tracker.Settle(position, _name);

    public void Reject(long position, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _tracker.Settle(position, _name);
        Record(position, error.Message);
    }

    private void Record(long line, string reason)
    {
        lock (_rejections)
        {
            _rejections.Add(new SourceRejection(line, reason));
        }

        _instruments.Rejected();
        SinkLog.SourceRejected(_logger, _name, line, reason);
    }
}
