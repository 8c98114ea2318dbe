using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Api.Content;

/// <summary>
/// Sections, tags, authors, shows and static pages: the small resources around the stories, read by
/// id in batches (for a page of stories) or listed. Tags and authors can run to tens of thousands,
/// so they page by cursor; sections, shows and pages are few and come whole.
/// </summary>
public static class Catalogue
{
    public static ApiSection ToApi(Section s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.Slug, s.Name, s.Description, s.ParentId, s.Position, "/" + s.Slug);
    }

    private static ApiTag ToApi(Tag t) => new(t.Id, t.Slug, t.Name, t.Description, "/tag/" + t.Slug);

    private static ApiAuthor ToApi(Author a, ApiImage? photo) =>
        new(a.Id, a.Slug, a.Name, a.IsDesk, a.JobTitle, a.Bio, photo, "/author/" + a.Slug);

    public static ApiImage ToApi(Image i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new(i.Id, MediaPaths.NearestUrl(i.Key, i.Widths, 1200), MediaPaths.SrcSet(i.Key, i.Widths, "jpg"), i.Width, i.Height, i.Alt, i.Caption, i.Credit);
    }

    internal static async Task<Dictionary<int, ApiImage>> ImagesAsync(BylineDb db, int[] ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ids.Length == 0
            ? []
            : await db.Images.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ToApi, ct);
    }

    internal static async Task<Dictionary<int, ApiTag>> TagsAsync(BylineDb db, int[] ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ids.Length == 0 ? [] : await db.Tags.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ToApi, ct);
    }

    internal static async Task<Dictionary<int, ApiAuthor>> AuthorsAsync(BylineDb db, int[] ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ids.Length == 0)
        {
            return [];
        }
        var authors = await db.Authors.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        var photos = await ImagesAsync(db, [.. authors.Where(a => a.PhotoImageId is not null).Select(a => a.PhotoImageId!.Value)], ct);
        return authors.ToDictionary(a => a.Id, a => ToApi(a, a.PhotoImageId is int p ? photos.GetValueOrDefault(p) : null));
    }

    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder api)
    {
        api.MapGet("/sections", SectionsAsync).WithName("ListSections").WithSummary("Every section, top-level ones and their sub-sections.");
        api.MapGet("/sections/{idOrSlug}", SectionAsync).WithName("GetSection").Produces<ApiSection>().WithSummary("One section by id or slug.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/tags", TagListAsync).WithName("ListTags").WithSummary("Tags by id, a page at a time.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/tags/{idOrSlug}", TagAsync).WithName("GetTag").Produces<ApiTag>().WithSummary("One tag by id or slug.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/authors", AuthorListAsync).WithName("ListAuthors").WithSummary("Authors and desks by id, a page at a time.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/authors/{idOrSlug}", AuthorAsync).WithName("GetAuthor").Produces<ApiAuthor>().WithSummary("One author or desk by id or slug.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/shows", ShowsAsync).WithName("ListShows").WithSummary("Every video show.");
        api.MapGet("/shows/{idOrSlug}", ShowAsync).WithName("GetShow").Produces<ApiShow>().WithSummary("One show by id or slug.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/pages", PagesAsync).WithName("ListPages").WithSummary("Every static page (About, Contact, Privacy…), without bodies.");
        api.MapGet("/pages/{slug}", PageAsync).WithName("GetPage").Produces<ApiStaticPage>().WithSummary("One static page with its body blocks.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<ApiJson<Page<ApiSection>>> SectionsAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiSection>(), ApiProblems.UnknownField);
        var sections = await db.Sections.AsNoTracking().OrderBy(s => s.ParentId ?? s.Id).ThenBy(s => s.ParentId != null).ThenBy(s => s.Position).ThenBy(s => s.Id).ToListAsync(ct);
        return new(new Page<ApiSection>([.. sections.Select(ToApi)], null), fields);
    }

    private static async Task<IResult> SectionAsync(string idOrSlug, HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiSection>(), ApiProblems.UnknownField);
        var id = IdOf(idOrSlug);
        var section = await db.Sections.AsNoTracking().FirstOrDefaultAsync(s => id != null ? s.Id == id : s.Slug == idOrSlug, ct);
        return section is null ? ApiProblems.Missing("section") : new ApiJson<ApiSection>(ToApi(section), fields);
    }

    private static async Task<ApiJson<Page<ApiTag>>> TagListAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields", "limit", "cursor");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiTag>(), ApiProblems.UnknownField);
        var limit = q.Limit(100, q.Options.AnonymousMaxPageSize, q.Options.KeyMaxPageSize);
        var after = (int)(ApiCursor.Parse(q["cursor"], 't')?.Id ?? 0);
        var tags = await db.Tags.AsNoTracking().Where(t => t.Id > after).OrderBy(t => t.Id).Take(limit + 1).ToListAsync(ct);
        return new(Paged(tags, limit, t => ToApi(t), t => new ApiCursor('t', 0, t.Id)), fields);
    }

    private static async Task<IResult> TagAsync(string idOrSlug, HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiTag>(), ApiProblems.UnknownField);
        var id = IdOf(idOrSlug);
        var tag = await db.Tags.AsNoTracking().FirstOrDefaultAsync(t => id != null ? t.Id == id : t.Slug == idOrSlug, ct);
        return tag is null ? ApiProblems.Missing("tag") : new ApiJson<ApiTag>(ToApi(tag), fields);
    }

    private static async Task<ApiJson<Page<ApiAuthor>>> AuthorListAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields", "limit", "cursor");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiAuthor>(), ApiProblems.UnknownField);
        var limit = q.Limit(100, q.Options.AnonymousMaxPageSize, q.Options.KeyMaxPageSize);
        var after = (int)(ApiCursor.Parse(q["cursor"], 'a')?.Id ?? 0);
        int[] ids = [.. await db.Authors.AsNoTracking().Where(a => a.Id > after).OrderBy(a => a.Id).Select(a => a.Id).Take(limit + 1).ToListAsync(ct)];
        var authors = await AuthorsAsync(db, ids, ct);
        return new(Paged(ids.Select(i => authors[i]).ToList(), limit, a => a, a => new ApiCursor('a', 0, a.Id)), fields);
    }

    private static async Task<IResult> AuthorAsync(string idOrSlug, HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiAuthor>(), ApiProblems.UnknownField);
        var id = IdOf(idOrSlug);
        var found = await db.Authors.AsNoTracking().Where(a => id != null ? a.Id == id : a.Slug == idOrSlug).Select(a => a.Id).FirstOrDefaultAsync(ct);
        var authors = found == 0 ? [] : await AuthorsAsync(db, [found], ct);
        return authors.TryGetValue(found, out var author) ? new ApiJson<ApiAuthor>(author, fields) : ApiProblems.Missing("author");
    }

    private static async Task<ApiJson<Page<ApiShow>>> ShowsAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiShow>(), ApiProblems.UnknownField);
        var shows = await db.Shows.AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Id).ToListAsync(ct);
        return new(new Page<ApiShow>(await ShowsToApiAsync(db, shows, ct), null), fields);
    }

    private static async Task<IResult> ShowAsync(string idOrSlug, HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiShow>(), ApiProblems.UnknownField);
        var id = IdOf(idOrSlug);
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => id != null ? s.Id == id : s.Slug == idOrSlug, ct);
        return show is null ? ApiProblems.Missing("show") : new ApiJson<ApiShow>((await ShowsToApiAsync(db, [show], ct))[0], fields);
    }

    private static async Task<IReadOnlyList<ApiShow>> ShowsToApiAsync(BylineDb db, List<Show> shows, CancellationToken ct)
    {
        var art = await ImagesAsync(db, [.. shows.Where(s => s.ArtworkImageId is not null).Select(s => s.ArtworkImageId!.Value)], ct);
        return [.. shows.Select(s => new ApiShow(s.Id, s.Slug, s.Name, s.Description, s.ScheduleText, s.IsActive,
            s.ArtworkImageId is int a ? art.GetValueOrDefault(a) : null, "/shows/" + s.Slug))];
    }

    private static async Task<ApiJson<Page<ApiPageSummary>>> PagesAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiPageSummary>(), ApiProblems.UnknownField);
        var pages = await db.StaticPages.AsNoTracking().OrderBy(p => p.Slug)
            .Select(p => new ApiPageSummary(p.Id, p.Slug, p.Title, p.UpdatedAt, "/" + p.Slug)).ToListAsync(ct);
        return new(new Page<ApiPageSummary>(pages, null), fields);
    }

    private static async Task<IResult> PageAsync(string slug, HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiStaticPage>(), ApiProblems.UnknownField);
        var page = await db.StaticPages.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug, ct);
        return page is null
            ? ApiProblems.Missing("page")
            : new ApiJson<ApiStaticPage>(new ApiStaticPage(page.Id, page.Slug, page.Title, page.UpdatedAt, "/" + page.Slug, StoryReader.Blocks(page.BodyHtml)), fields);
    }

    /// <summary>A path segment that is all digits is an id; anything else a slug.</summary>
    public static int? IdOf(string idOrSlug) =>
        idOrSlug is { Length: > 0 and <= 9 } && idOrSlug.All(char.IsAsciiDigit) ? int.Parse(idOrSlug, CultureInfo.InvariantCulture) : null;

    /// <summary>Rows read with one extra: the extra says there is a next page, and the last kept row is its cursor.</summary>
    public static Page<TOut> Paged<TIn, TOut>(IReadOnlyList<TIn> rows, int limit, Func<TIn, TOut> map, Func<TIn, ApiCursor> cursor)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(cursor);
        var kept = rows.Take(limit).ToList();
        var next = rows.Count > limit ? cursor(kept[^1]).Encode() : null;
        return new Page<TOut>([.. kept.Select(map)], next);
    }
}
