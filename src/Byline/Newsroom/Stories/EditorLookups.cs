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
        api.MapGet("/embed", PreviewEmbedAsync);
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
        return Results.Json(images.Items.Select(MediaJson.Of));
    }

    /// <summary>
    /// The editor's preview of a pasted link: exactly the markup a reader's page will hold (<see cref="Embeds"/>,
    /// the player of a known video host, or a card). An unknown link's page is fetched for its card through
    /// <see cref="LinkCards"/> (the private-address guard, bounded, cached); when it cannot be, the plain card
    /// readers would get is shown with the reason (<c>code</c>, <c>message</c>).
    /// </summary>
    private static async Task<IResult> PreviewEmbedAsync(string? url, LinkCards cards, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var text = (url ?? "").Trim();
        if (text.Length > 2000 || !WebAddress.IsHttp(text, out var uri) || Embeds.Html(text) is not { } plain)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a link",
                detail: "Paste an http or https address to embed.", extensions: new Dictionary<string, object?> { ["code"] = "embed.not-a-link" });
        }
        if (Embeds.IsPlayer(plain) || Embeds.Html(text, _ => new LinkCard("", "", "")) == plain)
        {
            // A player, or a known network's post (a plain card by design: nothing of theirs is fetched).
            return Results.Json(new { kind = Embeds.IsPlayer(plain) ? "player" : "link", html = plain });
        }
        var result = await cards.FetchAsync(uri!, ct);
        return result.Card is { } card
            ? Results.Json(new { kind = "card", html = Embeds.Card(uri!, card), card.Title, card.Description, card.Site })
            : Results.Json(new { kind = "link", html = plain, result.Code, result.Message });
    }
}
