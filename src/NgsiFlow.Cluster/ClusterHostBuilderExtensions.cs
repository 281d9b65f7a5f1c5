using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NgsiFlow.Cluster.Internal;
using NgsiFlow.Connector;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace NgsiFlow.Cluster;

/// <summary>Makes a .NET host an NgsiFlow cluster node: an Orleans silo with the jobs' grains, and the notification receiver.</summary>
public static class ClusterHostBuilderExtensions
{
    /// <summary>
    /// Adds an Orleans silo (membership and grain state in Redis, failure detection tuned by the options) running the
    /// registered jobs, and a <see cref="ClusterNode"/> that receives their notifications and keeps their subscriptions.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Sets the jobs, the store, the ports and the broker.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is missing or invalid (the message lists each).</exception>
    /// <example>
    /// <code>
    /// var builder = Host.CreateApplicationBuilder(args);
    /// builder.AddNgsiFlowCluster(o =>
    /// {
    ///     o.Jobs.Add(myJob);
    ///     o.Redis = "redis:6379";
    ///     o.Broker = BrokerConnection.V2(new Uri("http://orion:1026"));
    ///     o.Receiver = new ReceiverOptions { Port = 9100, ListenAddress = IPAddress.Any, PublicBaseUrl = new Uri("http://ngsiflow:9100") };
    /// });
    /// await builder.Build().RunAsync();
    /// </code>
    /// </example>
    public static IHostApplicationBuilder AddNgsiFlowCluster(this IHostApplicationBuilder builder, Action<ClusterNodeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ClusterNodeOptions();
        configure(options);
        options.Validate();

        // Orleans' placement runs every first call of a key through a Polly pipeline that logs each attempt at
        // Information: one line per activation, noise at that level.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ClusterCounters>();
        builder.Services.AddSingleton(sp =>
        {
            var replier = options.Replier;
            replier.LoggerFactory ??= sp.GetRequiredService<ILoggerFactory>();
            return new NgsiReplier(options.Broker!, replier);
        });
        builder.Services.AddSingleton<ClusterRuntime>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            silo.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, gatewayPort: 0);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = options.ProbeTimeout;
                o.NumMissedProbesLimit = options.MissedProbes;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
            });
            silo.Configure<SiloMessagingOptions>(o =>
            {
                o.ResponseTimeout = options.CallTimeout;
                o.SystemResponseTimeout = options.CallTimeout;
            });
            if (options.Redis is { } redis)
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis));
                silo.AddRedisGrainStorage(ClusterNodeOptions.StorageName, o => o.ConfigurationOptions = RedisOptions(redis));

                // Orleans' default directory is eventually consistent: while a node leaves, a key could briefly have
                // an activation on it and another elsewhere (the ETag keeps the state right, but the write-backs of
                // the one that loses are replayed). Registrations in Redis make the second activation find the first.
                silo.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = RedisOptions(redis));
            }

            options.ConfigureSilo?.Invoke(silo);
        });

        // Registered after the silo: started once it joined, stopped before it leaves.
        builder.Services.AddSingleton(sp => new ClusterNode(options, sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>(), sp.GetRequiredService<Orleans.Runtime.IClusterMembershipService>(), sp.GetRequiredService<ClusterRuntime>(), sp));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterNode>());
        builder.Services.AddHealthChecks()
            .AddCheck<SiloHealthCheck>("silo", tags: [ClusterNode.ReadyTag])
            .AddCheck<StoreHealthCheck>("store", tags: [ClusterNode.ReadyTag])
            .AddCheck("broker", new BrokerHealthCheck(options.Broker!), tags: [ClusterNode.ReadyTag])
            .AddCheck<SubscriptionsHealthCheck>("subscriptions", tags: [ClusterNode.ReadyTag]);
        return builder;
    }

    private static ConfigurationOptions RedisOptions(string configuration)
    {
        var redis = ConfigurationOptions.Parse(configuration);

        // Keep retrying through a Redis restart instead of failing the silo at the first refused connection.
        redis.AbortOnConnectFail = false;
        redis.ConnectTimeout = 2000;
        redis.SyncTimeout = 2000;
        redis.AsyncTimeout = 2000;
        return redis;
    }
}
