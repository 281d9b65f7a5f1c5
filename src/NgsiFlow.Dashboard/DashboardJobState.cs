namespace NgsiFlow.Dashboard;

/// <summary>The state of the job a dashboard shows, as the page header displays it.</summary>
public enum DashboardJobState
{
    /// <summary>The job is being set up (broker, subscriptions, models).</summary>
    Starting,

    /// <summary>The job is processing events.</summary>
    Running,

    /// <summary>The job ended normally; the page keeps showing its last state.</summary>
    Finished,

    /// <summary>The job stopped with an error.</summary>
    Failed,

    /// <summary>The job was stopped on request.</summary>
    Stopped,
}
