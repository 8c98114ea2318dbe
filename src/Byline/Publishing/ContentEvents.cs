using System.Globalization;

namespace Byline.Publishing;

/// <summary>
/// The keys a page, feed or sitemap shows. A content change names the keys it affects; caches evict
/// exactly the entries tagged with them and a CDN purges by the same names (Surrogate-Key).
/// </summary>
public static class ContentKeys
{
    public const string Home = "home";
    public const string Settings = "settings";
    public const string Latest = "latest";
    public const string Sitemaps = "sitemaps";

    public static string Article(int id) => "article:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Section(int id) => "section:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Tag(int id) => "tag:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Author(int id) => "author:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Page(string slug) => "page:" + slug;
    /// <summary>A format's own stream (/shorts, /web-stories, the events list…): "format:short".</summary>
    public static string Format(Content.StoryFormat format) => "format:" + Content.StoryFormats.Key(format);
    public static string Show(int id) => "show:" + id.ToString(CultureInfo.InvariantCulture);
    /// <summary>Every page that lists shows (menus, drawers, the Top Shows rail).</summary>
    public const string Shows = "shows";
}

/// <summary>What changed, raised once per committed write with every key it affects.</summary>
public sealed record ContentChanged(IReadOnlyCollection<string> Keys, string Reason, int? ArticleId = null);

/// <summary>
/// In-process fan-out of <see cref="ContentChanged"/> to caches, search, webhooks… Raised after the
/// transaction commits. A multi-node deployment relays the same events through Redis.
/// </summary>
public sealed class ContentEvents(ILogger<ContentEvents> log)
{
    private readonly List<Func<ContentChanged, CancellationToken, Task>> _handlers = [];
    private readonly Lock _gate = new();

    public void Subscribe(Func<ContentChanged, CancellationToken, Task> handler)
    {
        lock (_gate)
        {
            _handlers.Add(handler);
        }
    }

    public async Task RaiseAsync(ContentChanged change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        Func<ContentChanged, CancellationToken, Task>[] handlers;
        lock (_gate)
        {
            handlers = [.. _handlers];
        }
        foreach (var handler in handlers)
        {
            try
            {
                await handler(change, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failing subscriber (a CDN purge hook, say) must not undo or block the others.
                log.LogError(e, "Content-changed handler failed for {Keys}", string.Join(' ', change.Keys));
            }
        }
    }
}
