namespace NgsiFlow.Engine.Internal;

internal enum MessageKind : byte
{
    Chunk,
    Watermark,
    Tick,
    Completed,
}

/// <summary>What travels through the bounded channel between two stages.</summary>
internal readonly record struct StageMessage<T>(MessageKind Kind, Chunk<T>? Chunk, long Value, int Producer);

/// <summary>A task of a running job that the job starts, watches for idleness, and waits for at the end.</summary>
internal interface IRunnableStage
{
    string Name { get; }

    /// <summary>True while the stage handles a message (and may write to the next stage).</summary>
    bool IsBusy { get; }

    /// <summary>Messages or items waiting in the stage's input.</summary>
    int Queued { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
