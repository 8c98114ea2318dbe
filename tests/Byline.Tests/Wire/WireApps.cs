using System.Security.Claims;
using Byline.Storage;
using Byline.Tests.Support;
using Byline.Wire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Wire;

/// <summary>
/// The wire with the loopback feed server allowed by address, short timeouts and small caps, and the background
/// poller paused: tests poll when they mean to (one test starts a poller of its own). Each fixture owns a feed server.
/// </summary>
internal static class WireSettings
{
    public static Dictionary<string, string> Fast() => new()
    {
        ["Byline:Wire:AllowedHosts:0"] = "127.0.0.1",
        ["Byline:Wire:FetchTimeout"] = "00:00:01",
        ["Byline:Wire:LeaseDuration"] = "00:00:30",
        ["Byline:Wire:MaxDocumentBytes"] = "1048576",
        ["Byline:Wire:MaxItemBytes"] = "262144",
        ["Byline:Wire:PausePolling"] = "true",
        ["Byline:Wire:MaxPictureBytes"] = "1048576",
        ["Byline:Wire:PictureTimeout"] = "00:00:05",
        ["Byline:Wire:FolderSettle"] = "00:00:00",
    };
}

public sealed class WireSqliteApp : SqliteApp
{
    public FeedServer Feeds { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = WireSettings.Fast();

    public override async Task InitializeAsync()
    {
        Feeds = await FeedServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Feeds.DisposeAsync();
    }
}

public sealed class WirePostgresApp : PostgresApp
{
    public FeedServer Feeds { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = WireSettings.Fast();

    public override async Task InitializeAsync()
    {
        Feeds = await FeedServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Feeds.DisposeAsync();
    }
}

/// <summary>Sources made through the app's own service, as an admin would through the page; polls through the app's poller.</summary>
public static class WireKit
{
    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "test-admin")], "test"));

    public static async Task<(int Id, string? Secret)> SourceAsync(this BylineApp app, string agency, WireFeedKind kind, string? url, bool push = false,
        string credit = "", int? sectionId = null, string folder = "")
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var sources = scope.ServiceProvider.GetRequiredService<WireSources>();
        var input = new SourceInput(agency, credit, kind, url ?? "", 60, sectionId, "", "", false, push, folder);
        var errors = await sources.ValidateAsync(input, CancellationToken.None);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Values));
        var saved = await sources.CreateAsync(input, Admin, "", CancellationToken.None);
        return (saved.Id, saved.PushSecret);
    }

    public static Task<PollOutcome> PollAsync(this BylineApp app, int sourceId) =>
        (app ?? throw new ArgumentNullException(nameof(app))).Services.GetRequiredService<WirePoller>().PollAsync(sourceId, CancellationToken.None);

    public static Task<List<WireItem>> ItemsAsync(this BylineApp app, int sourceId) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WireItem>().AsNoTracking().Where(i => i.SourceId == sourceId).OrderBy(i => i.Id).ToListAsync());

    public static Task<List<WireItemVersion>> VersionsAsync(this BylineApp app, int sourceId) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WireItemVersion>().AsNoTracking().Where(v => v.SourceId == sourceId).OrderBy(v => v.Id).ToListAsync());

    public static Task<List<WireQuarantine>> QuarantineAsync(this BylineApp app, int sourceId) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WireQuarantine>().AsNoTracking().Where(q => q.SourceId == sourceId).OrderBy(q => q.Id).ToListAsync());

    public static Task<WireSource> WireSourceAsync(this BylineApp app, int id) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WireSource>().AsNoTracking().FirstAsync(s => s.Id == id));

    public static string NewPath(string kind) => $"/{kind}/{Guid.NewGuid():N}";
}
