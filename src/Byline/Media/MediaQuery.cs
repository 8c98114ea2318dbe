using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Media;

public sealed record MediaPage(IReadOnlyList<Image> Items, bool HasMore);

/// <summary>
/// What the media library's grid is narrowed to: words in the alt text, caption or credit, the uploaded
/// format, the day range it was uploaded in (<see cref="From"/> and <see cref="To"/> as UTC instants, the
/// caller turns the publication's days into them) and who uploaded it.
/// </summary>
public sealed record MediaFilter(string? Q = null, string? Type = null, DateTime? From = null, DateTime? To = null, string? Uploader = null)
{
    /// <summary>The formats a picture can be uploaded in, as the filter names them.</summary>
    public static readonly IReadOnlyList<(string Type, string Label)> Types =
        [("image/jpeg", "JPEG"), ("image/png", "PNG"), ("image/webp", "WebP"), ("image/gif", "GIF")];
}

/// <summary>The media library's grid: newest first, searchable by alt text, caption or credit, filtered and paged.</summary>
public static class MediaQuery
{
    public static Task<MediaPage> SearchAsync(BylineDb db, string? q, int page, int size, CancellationToken ct) =>
        SearchAsync(db, new MediaFilter(q), page, size, ct);

    public static async Task<MediaPage> SearchAsync(BylineDb db, MediaFilter filter, int page, int size, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = db.Images.AsQueryable();
        var term = (filter.Q ?? "").Trim();
        if (term.Length > 0)
        {
            term = term.Length > 100 ? term[..100] : term;
            var lower = term.ToLowerInvariant();
            // ToLower + Contains is what translates to case-insensitive SQL on both providers; the comparison overload does not translate.
#pragma warning disable CA1862, CA1304, CA1311 // CA1304/CA1311: runs as SQL lower(), never under a .NET culture
            query = query.Where(i => i.Alt.ToLower().Contains(lower) || i.Caption.ToLower().Contains(lower) || i.Credit.ToLower().Contains(lower));
#pragma warning restore CA1862, CA1304, CA1311
        }
        if (!string.IsNullOrEmpty(filter.Type))
        {
            query = query.Where(i => i.SourceType == filter.Type);
        }
        if (filter.From is { } from)
        {
            query = query.Where(i => i.CreatedAt >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(i => i.CreatedAt < to);
        }
        if (!string.IsNullOrEmpty(filter.Uploader))
        {
            query = query.Where(i => i.UploadedBy == filter.Uploader);
        }
        var items = await query.OrderByDescending(i => i.Id).Skip((page - 1) * size).Take(size + 1).ToListAsync(ct);
        return new MediaPage(items.Take(size).ToList(), items.Count > size);
    }

    /// <summary>The accounts that uploaded pictures, for the uploader filter (the most recent 200 names).</summary>
    public static async Task<IReadOnlyList<string>> UploadersAsync(BylineDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Images.Where(i => i.UploadedBy != null).Select(i => i.UploadedBy!).Distinct().OrderBy(n => n).Take(200).ToListAsync(ct);
    }
}

/// <summary>A story that shows a picture: as its lead picture, or in its body.</summary>
public sealed record MediaUse(int StoryId, string Headline, bool Lead);

/// <summary>
/// Where a picture is used: stories whose lead picture it is, whose body names one of its renditions
/// (<c>/media/{key}/…</c>) or whose photo-story or web-story slides show it; and, apart from stories, authors whose
/// photo and shows whose artwork it is (<see cref="ElsewhereAsync"/>). Counted for one picture at a time (the details
/// panel, a deletion), never for a whole grid.
/// </summary>
public static class MediaUsage
{
    public static async Task<(int Count, IReadOnlyList<MediaUse> Stories)> OfAsync(BylineDb db, Image image, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(image);
        var marker = "/media/" + image.Key + "/";
        // A slide is stored in the story's format data as {"imageId":N,…} (FormatData's web JSON, the id first).
        var slide = "\"imageId\":" + image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var slideThenMore = slide + ",";
        var slideAlone = slide + "}";
        var query = db.Articles.Where(a => a.LeadImageId == image.Id || a.BodyMarkdown.Contains(marker)
            || (a.FormatData != null && (a.FormatData.Contains(slideThenMore) || a.FormatData.Contains(slideAlone))));
        var count = await query.CountAsync(ct);
        var stories = await query.OrderByDescending(a => a.Id).Take(max)
            .Select(a => new MediaUse(a.Id, a.Headline, a.LeadImageId == image.Id)).ToListAsync(ct);
        return (count, stories);
    }

    /// <summary>What else shows the picture: author photos and show artwork, by name (at most a few of each).</summary>
    public static async Task<IReadOnlyList<string>> ElsewhereAsync(BylineDb db, int imageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var authors = await db.Authors.Where(a => a.PhotoImageId == imageId).OrderBy(a => a.Name).Select(a => a.Name).Take(3).ToListAsync(ct);
        var shows = await db.Shows.Where(s => s.ArtworkImageId == imageId).OrderBy(s => s.Name).Select(s => s.Name).Take(3).ToListAsync(ct);
        return [.. authors.Select(n => $"the photo of author {n}"), .. shows.Select(t => $"the artwork of show {t}")];
    }
}
