namespace NgsiFlow.Client;

/// <summary><c>notification.http</c>.</summary>
/// <param name="Url">Where notifications are POSTed.</param>
public sealed record NgsiV2HttpNotification(string Url);
