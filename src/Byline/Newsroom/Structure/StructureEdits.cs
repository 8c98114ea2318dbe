using System.Security.Claims;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Structure;

/// <summary>
/// What sections, tags and authors share when they change: slug checks, a redirect from the old
/// slug so old URLs keep answering (301), the audit entry and the content event (the chrome reloads as the output cache consumes it).
/// </summary>
public sealed class StructureEdits(BylineDb db, AuditLog audit, ContentEvents events)
{
    /// <summary>
    /// First URL segments a section must not take: the formats' own streams, the fixed routes
    /// (tags, authors, search, newsroom, API, media, feeds, sitemaps…) and the static pages.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedSlugs = new HashSet<string>(
        [.. StoryFormats.ReservedSegments, .. Site.Chrome.StaticPageSlugs.Titles.Keys,
         "tag", "tags", "author", "authors", "search", "newsroom", "api", "v", "media", "sitemap", "sitemaps", "news-sitemap",
         "error", "healthz", "ads", "manifest", "robots", "rss", "atom", "feeds", "static", "assets", "icons"],
        StringComparer.Ordinal);

    /// <summary>The slug to use: the one typed, or one made from the name; null (with an error) when unusable.</summary>
    public static string? SlugFor(string? typed, string name, Action<string> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var slug = string.IsNullOrWhiteSpace(typed) ? Slugs.From(name ?? "", 100) : typed.Trim();
        if (!Slugs.IsValid(slug) || slug.Length > 100)
        {
            error("Use lower-case letters, digits and single hyphens (e.g. world-news).");
            return null;
        }
        return slug;
    }

    /// <summary>Keeps the old slug answering: a redirect row for it, and none any more for the slug now live.</summary>
    public async Task RedirectAsync(RedirectKind kind, string oldSlug, string newSlug, int targetId, CancellationToken ct)
    {
        if (oldSlug == newSlug)
        {
            return;
        }
        var rows = await db.SlugRedirects.AsTracking().Where(r => r.Kind == kind && (r.OldSlug == oldSlug || r.OldSlug == newSlug)).ToListAsync(ct);
        db.SlugRedirects.RemoveRange(rows.Where(r => r.OldSlug == newSlug));
        if (rows.FirstOrDefault(r => r.OldSlug == oldSlug) is { } existing)
        {
            existing.TargetId = targetId;
        }
        else
        {
            db.SlugRedirects.Add(new SlugRedirect { Kind = kind, OldSlug = oldSlug, TargetId = targetId });
        }
    }

    /// <summary>Commits the change with its audit entry and its content event.</summary>
    public async Task SaveAsync(ClaimsPrincipal actor, string action, string entityType, int id, string details, string ip, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        audit.Record(db, actor, action, entityType, id.ToString(System.Globalization.CultureInfo.InvariantCulture), details, ip);
        await events.SaveAsync(db, new ContentChanged(keys, $"{entityType}: {details}"), ct);
    }
}
