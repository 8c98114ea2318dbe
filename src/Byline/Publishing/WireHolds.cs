using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Publishing;

/// <summary>
/// What agency copy says about when a story made from it may go live: not before the latest embargo of its
/// wire items, and never once the agency killed or withdrew one. Checked on publish and on schedule, here in
/// the write path, so no page or API can get round it.
/// </summary>
public static class WireHolds
{
    public const string Field = "embargo";

    /// <summary>Why the story may not go live at <paramref name="at"/> (UTC), or null.</summary>
    public static async Task<string?> CheckAsync(BylineDb db, int articleId, DateTime at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var items = await db.Set<WireStoryLink>().AsNoTracking().Where(l => l.ArticleId == articleId)
            .Join(db.Set<WireItem>(), l => l.ItemId, i => i.Id, (l, i) => new { i.EmbargoUntil, i.KilledAt, i.Headline })
            .ToListAsync(ct);
        if (items.FirstOrDefault(i => i.KilledAt is not null) is { } killed)
        {
            return $"The agency killed or withdrew the wire item \"{killed.Headline}\" this story was made from; it cannot go live.";
        }
        var embargo = items.Max(i => i.EmbargoUntil);
        return embargo is { } until && until > at
            ? $"The wire copy is under embargo until {until:yyyy-MM-dd HH:mm} UTC; publish or schedule it from then."
            : null;
    }
}
