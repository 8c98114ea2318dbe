using System.Security.Claims;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;

namespace Byline.Newsroom.Curation;

/// <summary>
/// Saves a change to the site settings document with its audit entry and one content event for the
/// settings and the home page, in one transaction; every node's settings reload as they consume it.
/// </summary>
public sealed class SiteEdits(SiteSettingsStore store, BylineDb db, AuditLog audit, ContentEvents events, TimeProvider clock)
{
    public SiteSettings Current => store.Current;

    public async Task SaveAsync(SiteSettings settings, ClaimsPrincipal actor, string what, string ip, CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await SiteSettingsStore.WriteAsync(db, settings, clock, ct);
            audit.Record(db, actor, AuditActions.SettingsSaved, "settings", what, "", ip);
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Settings, ContentKeys.Home], "settings: " + what), ct);
            await tx.CommitAsync(ct);
        }
        store.Apply(settings);
        await events.CommittedAsync(db, ct);
    }
}

/// <summary>The addresses a newsroom link may hold: http(s) or a page of this site. Used by every link field.</summary>
public static class SiteLinks
{
    public const int MaxLabel = 100;
    public const int MaxUrl = 2000;

    public static bool IsAllowedUrl(string url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrl || url.Any(char.IsControl))
        {
            return false;
        }
        // Site-relative ("/world"), but not protocol-relative ("//evil.example") or "/\evil".
        if (url.StartsWith('/'))
        {
            return url.Length == 1 || (url[1] != '/' && url[1] != '\\');
        }
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
    }
}
