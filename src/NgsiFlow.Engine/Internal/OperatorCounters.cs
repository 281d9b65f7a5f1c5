namespace NgsiFlow.Engine.Internal;

/// <summary>
/// Counters of one named operator (shared by its lanes). Updated once per chunk with interlocked adds and read by
/// the observable instruments of <see cref="EngineMetrics"/>, so that metrics cost nothing per event.
/// </summary>
internal sealed class OperatorCounters(string job, string name, string kind)
{
    public readonly string Job = job;
    public readonly string Name = name;
    public readonly string Kind = kind;
    public TimeProvider Clock = TimeProvider.System;
    public long EventsIn;
    public long EventsOut;
    public long QueueDepth;
    public long LateDropped;
    public long LateSideOutput;
    public long LateReemitted;
    public long Retried;
    public long Skipped;
    public long DeadLettered;
    public long Rejected;
    public long Failed;
    public long Acknowledged;
    public long Watermark = long.MinValue;
    public long Batches;
    public bool HasWatermark;

    public void AddIn(int count) => Interlocked.Add(ref EventsIn, count);

    public void AddOut(int count) => Interlocked.Add(ref EventsOut, count);

    public void SetWatermark(long watermark)
    {
        HasWatermark = true;
        Volatile.Write(ref Watermark, watermark);
    }

    public OperatorStatistics Snapshot() => new()
    {
        Job = Job,
        Name = Name,
        Kind = Kind,
        EventsIn = Interlocked.Read(ref EventsIn),
        EventsOut = Interlocked.Read(ref EventsOut),
        QueueDepth = Interlocked.Read(ref QueueDepth),
        LateDropped = Interlocked.Read(ref LateDropped),
        LateSideOutput = Interlocked.Read(ref LateSideOutput),
        LateReemitted = Interlocked.Read(ref LateReemitted),
        Retried = Interlocked.Read(ref Retried),
        Skipped = Interlocked.Read(ref Skipped),
        DeadLettered = Interlocked.Read(ref DeadLettered),
        Rejected = Interlocked.Read(ref Rejected),
        Failed = Interlocked.Read(ref Failed),
        Acknowledged = Interlocked.Read(ref Acknowledged),
        Batches = Interlocked.Read(ref Batches),
        Watermark = HasWatermark && Watermark > DateTimeOffset.MinValue.UtcTicks && Watermark < DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(Volatile.Read(ref Watermark), TimeSpan.Zero)
            : null,
    };
}
