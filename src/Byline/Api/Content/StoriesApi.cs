using Byline.Content;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Api.Content;

/// <summary>
/// Stories of every format: the list with its filters and keyset cursor, one story, the hubs, and
/// search. Without an admin key only published stories exist here, exactly as on the reader site.
/// </summary>
public static class StoriesApi
{
    private static readonly string[] ListParameters = ["fields", "include", "limit", "cursor", "section", "tag", "author", "format", "status", "updatedSince"];

    // The three orders a list can be in; a cursor carries its order's letter.
    private const char Newest = 'p';     // published stories, newest first: (PublishedAt, Id) descending
    private const char Changed = 'm';    // updatedSince: (ModifiedAt, Id) ascending, so a client can sync forwards
    private const char Edited = 'd';     // an admin key's other statuses: (ModifiedAt, Id) descending

    public static IEndpointRouteBuilder MapStories(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stories", ListAsync).WithName("ListStories")
            .WithSummary("Stories of every format, newest first; filter by section, tag, author, format, updatedSince (and status with an admin key).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/stories/{id:int}", OneAsync).WithName("GetStory").Produces<ApiStory>()
            .WithSummary("One story with its section, tags, authors and body (include= narrows or widens what comes with it).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/hubs", HubsAsync).WithName("ListHubs").WithSummary("Topic hubs (stories of format hub), newest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/search", SearchAsync).WithName("Search").Produces<Page<ApiSearchHit>>().WithSummary("Published stories matching q, best first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static Task<ApiJson<Page<ApiStory>>> ListAsync(HttpContext http, BylineDb db, StoryReader reader, CancellationToken ct) =>
        ListCoreAsync(new ApiQuery(http, ListParameters), null, db, reader, ct);

    private static Task<ApiJson<Page<ApiStory>>> HubsAsync(HttpContext http, BylineDb db, StoryReader reader, CancellationToken ct) =>
        ListCoreAsync(new ApiQuery(http, [.. ListParameters.Where(p => p != "format")]), StoryFormat.Hub, db, reader, ct);

    private static async Task<ApiJson<Page<ApiStory>>> ListCoreAsync(ApiQuery q, StoryFormat? format, BylineDb db, StoryReader reader, CancellationToken ct)
    {
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiStory>(), ApiProblems.UnknownField);
        var include = q.Names("include", StoryReader.Includes, ApiProblems.UnknownInclude);
        var limit = q.Limit(20, q.Options.AnonymousMaxPageSize, q.Options.KeyMaxPageSize);
        var articles = db.Articles.AsNoTracking();

        var status = Status(q);
        articles = status switch
        {
            // A literal, not a parameter: only then can SQLite use the published-only partial indexes
            // (WHERE "Status" = 3). With a parameter it sorted every published story (0.5 s at 100,000; bench/api.md).
            ArticleStatus.Published => articles.Where(a => a.Status == ArticleStatus.Published),
            ArticleStatus s => articles.Where(a => a.Status == s),
            null => articles,
        };
        if (q["section"] is { } sectionRaw)
        {
            var section = await FindAsync(db.Sections, sectionRaw, x => x.Id, x => x.Slug, "section", ct);
            articles = section.ParentId is null
                ? articles.Where(a => a.TopSectionId == section.Id)
                : articles.Where(a => a.SectionId == section.Id);
        }
        if (q["tag"] is { } tagRaw)
        {
            var tag = await FindAsync(db.Tags, tagRaw, x => x.Id, x => x.Slug, "tag", ct);
            articles = articles.Where(a => db.ArticleTags.Any(t => t.ArticleId == a.Id && t.TagId == tag.Id));
        }
        if (q["author"] is { } authorRaw)
        {
            var author = await FindAsync(db.Authors, authorRaw, x => x.Id, x => x.Slug, "author", ct);
            articles = articles.Where(a => db.ArticleAuthors.Any(t => t.ArticleId == a.Id && t.AuthorId == author.Id));
        }
        if (format is null && q["format"] is { } formatRaw)
        {
            format = StoryFormats.TryParseKey(formatRaw, out var f)
                ? f
                : throw ApiQuery.Refuse(ApiProblems.InvalidFilter, "format must be one of: " + string.Join(", ", StoryFormats.All.Select(StoryFormats.Key)) + ".", "format");
        }
        if (format is StoryFormat wanted)
        {
            articles = articles.Where(a => a.Format == wanted);
        }

        var since = q.Time("updatedSince");
        var sort = since is not null ? Changed : status == ArticleStatus.Published ? Newest : Edited;
        var cursor = ApiCursor.Parse(q["cursor"], sort);
        IQueryable<Article> ordered;
        switch (sort)
        {
            case Changed:
                var from = since!.Value;
                articles = articles.Where(a => a.ModifiedAt >= from);
                if (cursor is ApiCursor c)
                {
                    var (t, id) = (c.KeyTime, (int)c.Id);
                    articles = articles.Where(a => a.ModifiedAt > t || (a.ModifiedAt == t && a.Id > id));
                }
                ordered = articles.OrderBy(a => a.ModifiedAt).ThenBy(a => a.Id);
                break;
            case Newest:
                if (cursor is ApiCursor n)
                {
                    var (t, id) = (n.KeyTime, (int)n.Id);
                    articles = articles.Where(a => a.PublishedAt < t || (a.PublishedAt == t && a.Id < id));
                }
                ordered = articles.OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id);
                break;
            default:
                if (cursor is ApiCursor e)
                {
                    var (t, id) = (e.KeyTime, (int)e.Id);
                    articles = articles.Where(a => a.ModifiedAt < t || (a.ModifiedAt == t && a.Id < id));
                }
                ordered = articles.OrderByDescending(a => a.ModifiedAt).ThenByDescending(a => a.Id);
                break;
        }
        // The page's ids first, from the list's index alone, then the rows for just those ids — the
        // reader site's own two steps. Asked for every column at once, SQLite chose the status index
        // and sorted every published story (0.4 s at 100,000; bench/api.md).
        int[] ids = [.. await ordered.Select(a => a.Id).Take(limit + 1).ToListAsync(ct)];
        var byId = (await StoryReader.Rows(db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id))).ToListAsync(ct)).ToDictionary(r => r.Id);
        var rows = ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        var stories = await reader.ReadAsync([.. rows.Take(limit)], include, q.Caller.IsAdmin, ct);
        string? next = null;
        if (rows.Count > limit)
        {
            var last = rows[limit - 1];
            next = (sort == Newest ? ApiCursor.At(sort, last.PublishedAt ?? default, last.Id) : ApiCursor.At(sort, last.ModifiedAt, last.Id)).Encode();
        }
        return new ApiJson<Page<ApiStory>>(new Page<ApiStory>(stories, next), fields);
    }

    /// <summary>Published, unless an admin key asks for another status (or <c>any</c>: every status).</summary>
    private static ArticleStatus? Status(ApiQuery q)
    {
        var raw = q["status"];
        if (raw is null)
        {
            return ArticleStatus.Published;
        }
        if (!q.Caller.IsAdmin)
        {
            throw new ApiRefusalException(ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.AdminKeyRequired,
                "Only an admin key may filter by status; other callers see published stories.", parameter: "status"));
        }
        if (raw == "any")
        {
            return null;
        }
        return StoryReader.TryParseStatus(raw, out var status)
            ? status
            : throw ApiQuery.Refuse(ApiProblems.InvalidFilter, "status must be draft, in-review, scheduled, published, unpublished or any.", "status");
    }

    private static async Task<T> FindAsync<T>(IQueryable<T> set, string raw, System.Linq.Expressions.Expression<Func<T, int>> id,
        System.Linq.Expressions.Expression<Func<T, string>> slug, string what, CancellationToken ct) where T : class
    {
        var number = Catalogue.IdOf(raw);
        var query = number is int n
            ? set.Where(Equal(id, n))
            : set.Where(Equal(slug, raw));
        return await query.AsNoTracking().FirstOrDefaultAsync(ct)
            ?? throw ApiQuery.Refuse(ApiProblems.InvalidFilter, $"There is no {what} '{Cut(raw)}'.", what);
    }

    private static System.Linq.Expressions.Expression<Func<T, bool>> Equal<T, TValue>(System.Linq.Expressions.Expression<Func<T, TValue>> property, TValue value) =>
        System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(
            System.Linq.Expressions.Expression.Equal(property.Body, System.Linq.Expressions.Expression.Constant(value, typeof(TValue))),
            property.Parameters);

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static async Task<IResult> OneAsync(int id, HttpContext http, BylineDb db, StoryReader reader, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields", "include");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiStory>(), ApiProblems.UnknownField);
        var include = q["include"] is null
            ? new HashSet<string>(["section", "tags", "authors", "body", "formatData", "updates"], StringComparer.Ordinal)
            : q.Names("include", StoryReader.Includes, ApiProblems.UnknownInclude);
        var articles = db.Articles.AsNoTracking().Where(a => a.Id == id);
        if (!q.Caller.IsAdmin)
        {
            articles = articles.Where(a => a.Status == ArticleStatus.Published);
        }
        var rows = await StoryReader.Rows(articles).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return ApiProblems.Missing("story");
        }
        return new ApiJson<ApiStory>((await reader.ReadAsync(rows, include, q.Caller.IsAdmin, ct))[0], fields);
    }

    /// <summary>
    /// Search goes through the site's own index and cost bounds: ranked results cannot be keyset-paged,
    /// so the cursor holds an offset, and it stops where the engine stops ranking (its candidates).
    /// </summary>
    private static async Task<IResult> SearchAsync(HttpContext http, BylineDb db, StoryReader reader, ISearchIndex index,
        Microsoft.Extensions.Options.IOptions<SearchOptions> searchOptions, TimeProvider clock, CancellationToken ct)
    {
        var q = new ApiQuery(http, "q", "fields", "include", "limit", "cursor", "section");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiSearchHit>(), ApiProblems.UnknownField);
        var include = q.Names("include", StoryReader.Includes, ApiProblems.UnknownInclude);
        var limit = q.Limit(20, Math.Min(50, q.Options.AnonymousMaxPageSize), Math.Min(100, q.Options.KeyMaxPageSize));
        var text = q["q"] ?? throw ApiQuery.Refuse(ApiProblems.InvalidQuery, "q is required.", "q");
        if (text.Length > 200)
        {
            throw ApiQuery.Refuse(ApiProblems.InvalidQuery, "q is longer than 200 characters.", "q");
        }
        var query = SearchSyntax.Parse(text);
        if (!query.IsSearchable)
        {
            throw ApiQuery.Refuse(ApiProblems.InvalidQuery, "q has no words to search for.", "q");
        }
        int? topSection = null;
        if (q["section"] is { } sectionRaw)
        {
            var section = await FindAsync(db.Sections, sectionRaw, x => x.Id, x => x.Slug, "section", ct);
            topSection = section.ParentId ?? section.Id;
        }
        var skip = (int)(ApiCursor.Parse(q["cursor"], 's')?.Id ?? 0);
        if (skip > searchOptions.Value.Candidates)
        {
            throw ApiQuery.Refuse(ApiProblems.InvalidCursor, "The cursor is past the end of the results.", "cursor");
        }
        IReadOnlyList<SearchHit> hits;
        try
        {
            hits = await index.SearchAsync(new SearchRequest(query, topSection, null, null, skip, limit + 1, clock.GetUtcNow().UtcDateTime), ct);
        }
        catch (SearchTooCostlyException)
        {
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, ApiProblems.SearchTooBroad, "The search took too long; narrow it down.");
        }
        var page = hits.Take(limit).ToList();
        int[] ids = [.. page.Select(h => h.ArticleId)];
        var rows = await StoryReader.Rows(db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id) && a.Status == ArticleStatus.Published)).ToListAsync(ct);
        var stories = (await reader.ReadAsync(rows, include, false, ct)).ToDictionary(s => s.Id);
        var items = page.Where(h => stories.ContainsKey(h.ArticleId))
            .Select(h => new ApiSearchHit(stories[h.ArticleId],
                h.Headline.Length > 0 ? SearchMarkup.ToHtml(h.Headline) : System.Net.WebUtility.HtmlEncode(stories[h.ArticleId].Headline),
                SearchMarkup.ToHtml(h.Snippet, dropMarkdown: true)))
            .ToList();
        var next = hits.Count > limit && skip + limit < searchOptions.Value.Candidates ? new ApiCursor('s', 0, skip + limit).Encode() : null;
        return new ApiJson<Page<ApiSearchHit>>(new Page<ApiSearchHit>(items, next), fields);
    }
}
