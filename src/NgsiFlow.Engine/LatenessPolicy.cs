namespace NgsiFlow.Engine;

/// <summary>What a window operator does with an event whose window was already emitted (a late event).</summary>
public enum LatenessAction
{
    /// <summary>Drop it (counted as a late event).</summary>
    Drop,

    /// <summary>Send it to the window's late-event side output (<c>Windowed.LateEvents</c>).</summary>
    SideOutput,

    /// <summary>Add it to the window, kept for <see cref="LatenessPolicy.AllowedLateness"/>, and emit the updated result again.</summary>
    ReemitUpdated,
}

/// <summary>
/// The lateness policy of a window operator. A window is emitted when the watermark passes its end; an event that
/// arrives for it afterwards is late and handled by <see cref="Action"/>. Windows are never emitted before the
/// watermark passes them, so out-of-order events within the watermark's disorder bound are never late.
/// </summary>
public sealed class LatenessPolicy
{
    private LatenessPolicy(LatenessAction action, TimeSpan allowedLateness, LatenessAction beyond)
    {
        Action = action;
        AllowedLateness = allowedLateness;
        Beyond = beyond;
    }

    /// <summary>Drop late events.</summary>
    public static LatenessPolicy Drop { get; } = new(LatenessAction.Drop, TimeSpan.Zero, LatenessAction.Drop);

    /// <summary>Send late events to the side output.</summary>
    public static LatenessPolicy SideOutput { get; } = new(LatenessAction.SideOutput, TimeSpan.Zero, LatenessAction.SideOutput);

    /// <summary>What happens to a late event.</summary>
    public LatenessAction Action { get; }

    /// <summary>With <see cref="LatenessAction.ReemitUpdated"/>: how long after its end (in event time) a window is kept for updates.</summary>
    public TimeSpan AllowedLateness { get; }

    /// <summary>With <see cref="LatenessAction.ReemitUpdated"/>: what happens to events later than <see cref="AllowedLateness"/>.</summary>
    public LatenessAction Beyond { get; }

    /// <summary>Keep emitted windows for <paramref name="allowedLateness"/> and emit an updated result for each late event.</summary>
    /// <param name="allowedLateness">How long windows are kept after their end.</param>
    /// <param name="beyond">What happens to events later than that: <see cref="LatenessAction.Drop"/> or <see cref="LatenessAction.SideOutput"/>.</param>
    /// <returns>The policy.</returns>
    public static LatenessPolicy ReemitUpdated(TimeSpan allowedLateness, LatenessAction beyond = LatenessAction.Drop)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(allowedLateness, TimeSpan.Zero);
        if (beyond == LatenessAction.ReemitUpdated)
        {
            throw new ArgumentException("Events beyond the allowed lateness can only be dropped or sent to the side output.", nameof(beyond));
        }

        return new LatenessPolicy(LatenessAction.ReemitUpdated, allowedLateness, beyond);
    }

    /// <inheritdoc />
    public override string ToString() => Action == LatenessAction.ReemitUpdated ? $"ReemitUpdated({AllowedLateness}, then {Beyond})" : Action.ToString();
}
