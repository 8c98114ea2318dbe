using System.Globalization;
using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories.Formats;

/// <summary>
/// The editor's look-ups for shorts and hubs: find a story by headline or number (the linked-story,
/// pinned-story and live-blog pickers), and the summary behind <c>Suggest summary</c> (served by SuggestSummary.cshtml).
/// </summary>
public static class FormatEditorApi
{
    public const int MaxResults = 10;

    public static IEndpointRouteBuilder MapFormatEditorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/newsroom/api/stories").RequireAuthorization(Policies.Newsroom).ExcludeFromDescription();
        api.MapGet("/find", FindAsync);
        return app;
    }

    /// <summary>
    /// Published stories whose headline contains <paramref name="q"/> (or whose number it is), newest first.
    /// <paramref name="kind"/> "listed" (default) gives articles, photo stories and live blogs; "live-blog" only live blogs;
    /// "pinnable" every format but hubs.
    /// </summary>
    private static async Task<IResult> FindAsync(string? q, string? kind, BylineDb db, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var term = (q ?? "").Trim();
        if (term.Length is 0 or > 200)
        {
            return Results.Json(Array.Empty<object>());
        }
        var stories = db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published);
        stories = kind switch
        {
            "live-blog" => stories.Where(a => a.Format == StoryFormat.LiveBlog),
            "pinnable" => stories.Where(a => a.Format != StoryFormat.Hub),
            _ => stories.Where(a => a.Format < StoryFormats.FirstUnlisted),
        };
        if (int.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            stories = stories.Where(a => a.Id == id);
        }
        else
        {
            stories = stories.WhereContains(db.Database, a => a.Headline, term);
        }
        var rows = await stories.OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Take(MaxResults)
            .Select(a => new { a.Id, a.Headline, a.Format, a.PublishedAt })
            .ToListAsync(ct);
        return Results.Json(rows.Select(r => new { r.Id, r.Headline, Format = StoryFormats.Label(r.Format), r.PublishedAt }));
    }

    /// <summary>
    /// Suggest summary: an extractive summary (TextRank, <see cref="ExtractiveSummary"/>) of the linked
    /// story within the short's word limit, or why there is none (a ProblemDetails code and status).
    /// </summary>
    public static async Task<SummarySuggestion> SuggestSummaryAsync(BylineDb db, int? linkedId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (linkedId is not { } id || id <= 0)
        {
            return SummarySuggestion.Problem(StatusCodes.Status400BadRequest, "summary.no-linked-story", "Choose the full story first; the summary is drawn from it.");
        }
        var story = await db.Articles.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.Format, a.BodyMarkdown, a.Standfirst }).FirstOrDefaultAsync(ct);
        if (story is null)
        {
            return SummarySuggestion.Problem(StatusCodes.Status404NotFound, "summary.story-not-found", "There is no story with that number.");
        }
        if (!StoryFormats.IsListed(story.Format))
        {
            return SummarySuggestion.Problem(StatusCodes.Status422UnprocessableEntity, "summary.not-full-story", "Link a full story (an article, photo story or live blog).");
        }
        var summary = ExtractiveSummary.Summarise(story.BodyMarkdown, FormatRules.ShortSummaryMaxWords);
        if (summary.Length == 0)
        {
            // A story without running text (a photo story, say): its standfirst is the best there is.
            summary = ExtractiveSummary.Summarise(story.Standfirst, FormatRules.ShortSummaryMaxWords);
        }
        return summary.Length == 0
            ? SummarySuggestion.Problem(StatusCodes.Status422UnprocessableEntity, "summary.no-text", "That story has no text to summarise yet.")
            : new SummarySuggestion(summary, FormatRules.CountWords(summary), StatusCodes.Status200OK, null, null);
    }
}

/// <summary>A suggested summary, or the status, code and reason there is none.</summary>
public sealed record SummarySuggestion(string Summary, int Words, int Status, string? Code, string? Detail)
{
    public static SummarySuggestion Problem(int status, string code, string detail) => new("", 0, status, code, detail);
}
