using System.Globalization;
using System.Security.Claims;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Shows;
using Byline.Storage;

namespace Byline.Newsroom.Shows;

/// <summary>The audit actions of shows, Live TV and video uploads.</summary>
public static class ShowAuditActions
{
    public const string ShowSaved = "show.saved";
    public const string ShowDeleted = "show.deleted";
    public const string VideoUploaded = "media.video";
}

/// <summary>
/// Commits a change to a show with its audit entry and its content event; the show catalogue reloads
/// as a consumer of that event, before the pages listing shows are evicted.
/// </summary>
public sealed class ShowEdits(BylineDb db, AuditLog audit, ContentEvents events)
{
    /// <summary>What a change to a show evicts: its page, every list of shows, and every page's header (settings).</summary>
    public static IReadOnlyCollection<string> Keys(int showId) =>
        [ContentKeys.Show(showId), ContentKeys.Shows, ContentKeys.Settings, ContentKeys.Home, ContentKeys.Sitemaps];

    public async Task SaveAsync(ClaimsPrincipal actor, string action, int showId, string details, string ip, CancellationToken ct)
    {
        audit.Record(db, actor, action, "show", showId.ToString(CultureInfo.InvariantCulture), details, ip);
        await events.SaveAsync(db, new ContentChanged(Keys(showId), $"show: {details}"), ct);
    }
}
