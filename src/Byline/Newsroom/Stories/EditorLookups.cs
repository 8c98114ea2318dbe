using Byline.Content;
using Byline.Media;
using Byline.Newsroom.Stories.Formats;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

public static class EditorLookups
{
    /// <summary>The editor's JSON look-ups (tag autocomplete, the media picker, the formats' own); writes go through the pages.</summary>
    public static IEndpointRouteBuilder MapEditorLookups(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/newsroom/api").RequireAuthorization(Policies.Newsroom).ExcludeFromDescription();
        api.MapGet("/tags", SuggestTagsAsync);
        api.MapGet("/media", FindMediaAsync);
        app.MapFormatEditorApi();
        return app;
    }

    private static async Task<IResult> SuggestTagsAsync(string? q, BylineDb db, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var term = (q ?? "").Trim();
        if (term.Length is 0 or > 100)
        {
            return Results.Json(Array.Empty<object>());
        }
        var slug = Slugs.From(term, 100);
        // Prefix on the unique slug index, then names containing the term.
        var byPrefix = await db.Tags.Where(t => t.Slug.StartsWith(slug)).OrderBy(t => t.Slug).Take(10)
            .Select(t => new { t.Id, t.Name, t.Slug }).ToListAsync(ct);
        return Results.Json(byPrefix);
    }

    private static async Task<IResult> FindMediaAsync(string? q, int? page, BylineDb db, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var images = await MediaQuery.SearchAsync(db, q, Math.Clamp(page ?? 1, 1, 500), 24, ct);
        return Results.Json(images.Items.Select(i => new
        {
            i.Id,
            i.Alt,
            i.Caption,
            i.Credit,
            i.Width,
            i.Height,
            Thumb = MediaPaths.Url(i.Key, MediaPaths.ParseWidths(i.Widths).DefaultIfEmpty(480).Min(), "jpg"),
            // The body picture: the widest rendition up to 800 px.
            Src = MediaPaths.Url(i.Key, MediaPaths.ParseWidths(i.Widths).Where(w => w <= 800).DefaultIfEmpty(MediaPaths.ParseWidths(i.Widths).DefaultIfEmpty(480).Min()).Max(), "jpg"),
        }));
    }
}
