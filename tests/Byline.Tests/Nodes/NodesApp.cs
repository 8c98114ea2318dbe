using Byline.Scaling;
using Byline.Tests.Support;
using Byline.Tests.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Nodes;

/// <summary>
/// Node A of a site of several nodes on one PostgreSQL database and one Redis: every node started by
/// <see cref="BylineApp.StartNodeAsync"/> gets the same settings (its own Kestrel, services, caches and
/// connections). The outbox poll is set far beyond any test's deadline, so a page that turns fresh on
/// another node was evicted by what Redis carried, not by the poll. Keys and channels carry a prefix of
/// this fixture's own, so suites running at the same time never hear each other.
/// </summary>
public class NodesApp : WebhookPostgresApp
{
    /// <summary>The Redis the nodes use; the shared one of scripts/test.sh unless a subclass brings its own.</summary>
    protected virtual string RedisAddress => RedisServer.Shared();

    /// <summary>False: the nodes share PostgreSQL only.</summary>
    protected virtual bool UsesRedis => true;

    /// <summary>How often a node reads the outbox besides what Redis announces.</summary>
    protected virtual string PollSeconds => "600";

    /// <summary>Settings of the site's nodes; a subclass adds its own.</summary>
    public virtual Dictionary<string, string> NodeSettings()
    {
        var settings = WebhookSettings.Fast();
        if (UsesRedis)
        {
            settings["Byline:Redis:Configuration"] = RedisAddress + ",connectTimeout=2000,syncTimeout=2000";
            settings["Byline:Redis:Prefix"] = "byline-test-" + Id.ToString("N")[..12];
        }
        settings["Byline:Events:PollSeconds"] = PollSeconds;
        // The chrome check would also mark pages stale (every 30 s by default): out of the way, so only the outbox's paths count.
        settings["Byline:Cache:ChromeCheckInterval"] = "01:00:00";
        settings["Byline:Publishing:CheckInterval"] = "00:00:00.2";
        settings["Byline:Newsroom:SignInPostsPerMinute"] = "4";
        return settings;
    }

    protected override void ConfigureHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in NodeSettings())
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>Nodes on a Redis of the suite's own, which the tests stop and start again.</summary>
public class OwnRedisNodesApp : NodesApp
{
    public RedisServer Redis { get; private set; } = null!;

    protected override string RedisAddress => Redis.Address;

    public override async Task InitializeAsync()
    {
        Redis = await RedisServer.StartOwnAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>The same with the default outbox poll of one second: what catches evictions up while Redis is down.</summary>
public sealed class PollingNodesApp : OwnRedisNodesApp
{
    protected override string PollSeconds => "1";
}

/// <summary>
/// Node A delivers no durable consumer (paused), so the outbox's leases go to the nodes the test starts
/// as processes of their own and kills.
/// </summary>
public sealed class LeaseNodesApp : NodesApp
{
    public override Dictionary<string, string> NodeSettings()
    {
        var settings = base.NodeSettings();
        settings["Byline:Events:PauseDurable"] = "true";
        return settings;
    }
}

/// <summary>Nodes on PostgreSQL alone: LISTEN/NOTIFY wakes them.</summary>
public sealed class NotifyNodesApp : NodesApp
{
    protected override bool UsesRedis => false;
}

internal static class NodeKit
{
    public static bool RedisConnected(IServiceProvider services) => services.GetRequiredService<RedisConnection>().IsConnected;
}

/// <summary>
/// Nodes on PostgreSQL with a streaming replica of their server (pg_basebackup -R, started by the
/// fixture on a loopback port of its own) as <c>ConnectionStrings:Replica</c>: reader renders read it,
/// everything else the primary. A node waits at most two seconds for the replica to replay an event.
/// </summary>
public sealed class ReplicaNodesApp : NodesApp
{
    public StreamingReplica Replica { get; private set; } = null!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        var connection = await base.CreateDatabaseAsync();
        // The database exists before the copy: the replica has it from the start, and the migrations stream in.
        Replica = await StreamingReplica.StartAsync(connection);
        return connection;
    }

    public override Dictionary<string, string> NodeSettings()
    {
        var settings = base.NodeSettings();
        settings["ConnectionStrings:Replica"] = Replica.ConnectionFor(ConnectionString);
        settings["Byline:Database:Replica:MaxLagSeconds"] = "2";
        settings["Byline:Database:Replica:CheckSeconds"] = "0.2";
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Replica is not null)
        {
            await Replica.DisposeAsync();
        }
    }
}
