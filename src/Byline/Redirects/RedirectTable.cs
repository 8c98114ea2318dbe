using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Redirects;

/// <summary>
/// Which addresses might have a redirect, held in memory as 64-bit hashes of their stored form, so the
/// request path asks the database only for an address that is (almost surely) in the table. A false
/// positive costs one indexed read that finds nothing; a stale hash after an edit or a delete is the
/// same. Additions are read incrementally (rows after the newest id seen); an edit of an old address
/// reloads the whole set. About 16 bytes per redirect: a million old addresses hold ~20 MB.
/// </summary>
public sealed class RedirectTable(IServiceScopeFactory scopes, ILogger<RedirectTable> log) : IDisposable
{
    /// <summary>New redirects were added (an import batch, a newsroom addition).</summary>
    public const string Key = "redirects";

    /// <summary>A redirect's old address was changed or removed: the set is read again whole.</summary>
    public const string ReloadKey = "redirects:all";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile HashSet<ulong> _hashes = [];
    private long _lastId;

    public int Count => _hashes.Count;

    public void Dispose() => _gate.Dispose();

    public bool MightContain(string key) => _hashes.Contains(Hash(key));

    /// <summary>64-bit FNV-1a over the UTF-16 code units: no allocation, and collisions only cost a database read.</summary>
    public static ulong Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var h = 14695981039346656037UL;
        foreach (var c in key)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }

    /// <summary>Reads the redirects added since the last read (or every one, <paramref name="all"/>).</summary>
    public async Task LoadAsync(bool all, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var from = all ? 0 : _lastId;
            var hashes = all ? new HashSet<ulong>() : new HashSet<ulong>(_hashes);
            var last = from;
            var rows = db.Redirects.AsNoTracking().Where(r => r.Id > from).OrderBy(r => r.Id).Select(r => new { r.Id, r.FromPath }).AsAsyncEnumerable();
            await foreach (var row in rows.WithCancellation(ct))
            {
                hashes.Add(Hash(row.FromPath));
                last = row.Id;
            }
            _hashes = hashes;
            _lastId = last;
            log.LogDebug("Redirects: {Count} old addresses known", hashes.Count);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Keeps this process's <see cref="RedirectTable"/> in step with the table, on every node.</summary>
public sealed class RedirectTableConsumer(RedirectTable table) : IContentConsumer
{
    public string Name => "redirects";

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public bool InStepWithSaves => false;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Names(RedirectTable.ReloadKey) || change.Names(ContentKeys.Settings))
        {
            // "settings" is what a change with too many keys collapses to, so it may hide new redirects.
            return table.LoadAsync(all: change.Names(RedirectTable.ReloadKey), ct);
        }
        return change.Names(RedirectTable.Key) ? table.LoadAsync(all: false, ct) : Task.CompletedTask;
    }
}

/// <summary>
/// Answers an old address with 301 before the output cache and the pages see the request: an old
/// <c>/?p=12</c> would otherwise be served as the home page, an old permalink as a 404.
/// </summary>
internal sealed class RedirectMiddleware(RequestDelegate next, RedirectTable table)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && table.Count > 0 &&
            !request.Path.StartsWithSegments("/newsroom", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var key in RedirectPaths.Candidates(request.Path, request.QueryString))
            {
                if (!table.MightContain(key))
                {
                    continue;
                }
                var db = context.RequestServices.GetRequiredService<BylineDb>();
                var target = await db.Redirects.AsNoTracking().Where(r => r.FromPath == key).Select(r => r.ToPath).FirstOrDefaultAsync(context.RequestAborted);
                // A target that normalises to the address asked for would loop; the page answers instead.
                if (target is not null && RedirectPaths.Normalise(target) != RedirectPaths.Normalise(request.Path + request.QueryString))
                {
                    context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
                    // Matched on the path alone: the query comes along to a site path without one of its own,
                    // so a moved section's "?page=3" lands on page 3 of its new address.
                    context.Response.Headers.Location = !key.Contains('?', StringComparison.Ordinal) && request.QueryString.HasValue &&
                        target.StartsWith('/') && !target.Contains('?', StringComparison.Ordinal)
                        ? target + request.QueryString.Value
                        : target;
                    // Editors can change a redirect: browsers and the CDN hold it for a day, not for ever.
                    context.Response.Headers.CacheControl = "public, max-age=86400";
                    return;
                }
            }
        }
        await next(context);
    }
}

/// <summary>Loads the redirect set at boot, before the site answers.</summary>
internal sealed class RedirectsBoot(RedirectTable table) : Hosting.IBootStep
{
    public Task RunAsync(IServiceProvider services, CancellationToken ct) => table.LoadAsync(all: true, ct);
}

public static class RedirectsExtensions
{
    public static IServiceCollection AddRedirects(this IServiceCollection services)
    {
        services.AddSingleton<RedirectTable>();
        services.AddSingleton<Hosting.IBootStep, RedirectsBoot>();
        return services;
    }

    public static WebApplication UseRedirects(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RedirectMiddleware>();
        return app;
    }
}
