using System.CommandLine;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow subscriptions list|delete --broker URL [--job NAME]</c>: the subscriptions NgsiFlow made on an NGSI-v2
/// broker (their description starts with <c>NgsiFlow {job}/</c>). Stopping a cluster node never deletes its job's
/// subscription, since the other nodes still serve it; this command does, once the cluster is stopped.
/// </summary>
internal static class SubscriptionsCommand
{
    public static Command Create()
    {
        var command = new Command("subscriptions", "List or delete the subscriptions NgsiFlow jobs made on a broker.");
        command.Subcommands.Add(Verb("list", "List NgsiFlow's subscriptions (id, status, description, notification URL).", delete: false));
        command.Subcommands.Add(Verb("delete", "Delete a job's subscriptions (stop its cluster first: running nodes make it again).", delete: true));
        return command;
    }

    private static Command Verb(string name, string description, bool delete)
    {
        var broker = new Option<string>("--broker") { Description = "NGSI-v2 context broker URL.", Required = true };
        var job = new Option<string?>("--job") { Description = "Only this job's subscriptions.", Required = delete };
        var tenant = new Option<string?>("--service") { Description = "Fiware-Service (tenant)." };
        var servicePath = new Option<string>("--service-path") { Description = "Fiware-ServicePath.", DefaultValueFactory = _ => "/" };
        var command = new Command(name, description) { broker, job, tenant, servicePath };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (!Uri.TryCreate(parseResult.GetValue(broker), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"--broker must be an absolute http(s) URL (was '{parseResult.GetValue(broker)}').").ConfigureAwait(false);
                return 2;
            }

            var prefix = parseResult.GetValue(job) is { } j ? $"NgsiFlow {j}/" : "NgsiFlow ";
            var fiware = new FiwareContext(parseResult.GetValue(tenant) ?? string.Empty, parseResult.GetValue(servicePath) ?? "/", null);
            using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = uri });
            var count = 0;
            try
            {
                var matching = new List<NgsiV2Subscription>();
                await foreach (var s in client.ListSubscriptionsAsync(fiware, ct).ConfigureAwait(false))
                {
                    if (s.Id is not null && s.Description?.StartsWith(prefix, StringComparison.Ordinal) == true)
                    {
                        matching.Add(s);
                    }
                }

                foreach (var s in matching)
                {
                    if (delete)
                    {
                        await client.DeleteSubscriptionAsync(s.Id!, fiware, ct).ConfigureAwait(false);
                        await output.WriteLineAsync($"deleted {s.Id}  {s.Description}").ConfigureAwait(false);
                    }
                    else
                    {
                        var url = s.Notification?.Http?.Url ?? s.Notification?.HttpCustom?.Url;
                        await output.WriteLineAsync($"{s.Id}  {s.Status}  {s.Description}  -> {url}").ConfigureAwait(false);
                    }

                    count++;
                }
            }
            catch (Exception e) when (e is NgsiClientException or HttpRequestException)
            {
                await error.WriteLineAsync($"broker {uri}: {e.Message}").ConfigureAwait(false);
                return 3;
            }

            await output.WriteLineAsync($"{count} subscription(s) {(delete ? "deleted" : "found")}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
