using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Media;

public sealed record MediaPage(IReadOnlyList<Image> Items, bool HasMore);

/// <summary>The media library's grid: newest first, searchable by alt text, caption or credit.</summary>
public static class MediaQuery
{
    public static async Task<MediaPage> SearchAsync(BylineDb db, string? q, int page, int size, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Images.AsQueryable();
        var term = (q ?? "").Trim();
        if (term.Length > 0)
        {
            term = term.Length > 100 ? term[..100] : term;
            var lower = term.ToLowerInvariant();
            // ToLower + Contains is what translates to case-insensitive SQL on both providers; the comparison overload does not translate.
#pragma warning disable CA1862, CA1304, CA1311 // CA1304/CA1311: runs as SQL lower(), never under a .NET culture
            query = query.Where(i => i.Alt.ToLower().Contains(lower) || i.Caption.ToLower().Contains(lower) || i.Credit.ToLower().Contains(lower));
#pragma warning restore CA1862, CA1304, CA1311
        }
        var items = await query.OrderByDescending(i => i.Id).Skip((page - 1) * size).Take(size + 1).ToListAsync(ct);
        return new MediaPage(items.Take(size).ToList(), items.Count > size);
    }
}
