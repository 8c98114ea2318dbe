using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.Site.Head;
using Byline.Site.Stories;
using Byline.Search;
using Byline.Site.Chrome;
using Byline.Caching;
using Byline.Publishing;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Search;

public sealed class SearchPageModel(SiteSearch search, SiteChrome chrome, SearchRateLimit rateLimit, SearchOptions options, TimeProvider clock) : SitePageModel
{
    private const int ResultsPerPage = 20;
    public const int MaxQueryLength = 200;

    public string Query { get; private set; } = "";
    public SectionNode? Section { get; private set; }
    public DateOnly? From { get; private set; }
    public DateOnly? To { get; private set; }
    public int PageNumber { get; private set; } = 1;
    public SearchResults? Results { get; private set; }

    /// <summary>Why the search was not run, as a stable code (<c>search.rate-limited</c>, <c>search.too-broad</c>), or null.</summary>
    public string? RefusalCode { get; private set; }
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var parse = Paging.Parse(Request.Query["page"].ToString(), ResultsPerPage);
        if (parse.Error != PagingError.None)
        {
            return parse.Error == PagingError.Invalid ? BadRequest() : NotFound();
        }
        PageNumber = parse.Paging.Page;
        Query = Clean(Request.Query["q"].ToString());
        // Unknown sections and malformed dates are no filter: a search page never refuses a query.
        var sectionSlug = Request.Query["section"].ToString();
        if (sectionSlug.Length is > 0 and <= 100 && sectionSlug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && !Chrome.BySlug.ContainsKey(sectionSlug) && await search.IsTopSectionAsync(sectionSlug, ct))
        {
            // A section created since the chrome was loaded.
            Chrome = await chrome.ReloadAsync(ct);
        }
        Section = Chrome.BySlug.TryGetValue(sectionSlug, out var s) && s.ParentId is null ? s : null;
        From = SiteSearch.ParseDate(Request.Query["from"].ToString());
        To = SiteSearch.ParseDate(Request.Query["to"].ToString());
        NoIndex = true;
        Title = Query.Length == 0 ? "Search" : $"Search: {Query}";
        Description = $"Search the stories of {Settings.PublicationName}.";
        CanonicalPath = "/search";
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.WebPage(Ld, "SearchResultsPage", CanonicalPath, Title, Description)));
        if (Query.Length > 0)
        {
            // Asked only when the output cache missed: a cached answer costs nothing and is never refused.
            if (!rateLimit.TryAcquire(HttpContext.Connection.RemoteIpAddress, out var retryAfter))
            {
                RefusalCode = "search.rate-limited";
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Page();
            }
            try
            {
                Results = await search.SearchAsync(Query, Section?.Id, From, To, parse.Paging, ct);
            }
            catch (SearchTooCostlyException)
            {
                RefusalCode = "search.too-broad";
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            }
            if (parse.Paging.Page > 1 && Results.Items.Count == 0)
            {
                return NotFound();
            }
            if (Results.CountedTerm is { } term)
            {
                Response.Headers[Discovery.SearchCounting.Header] = Uri.EscapeDataString(term);
            }
        }
        // Results change with any story (a publish, an edit, an unpublish names `latest`), and the index is
        // updated beside the eviction rather than before it, so a results page also lives only briefly.
        CacheAs([ContentKeys.Latest]);
        HttpContext.CacheTags().MaxLifetime = options.CacheLifetime;
        return Page();
    }

    public string PageUrl(int page)
    {
        var parts = new List<string> { "q=" + Uri.EscapeDataString(Query) };
        if (Section is not null)
        {
            parts.Add("section=" + Uri.EscapeDataString(Section.Slug));
        }
        if (From is { } from)
        {
            parts.Add("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (To is { } to)
        {
            parts.Add("to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (page > 1)
        {
            parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        }
        return "/search?" + string.Join('&', parts);
    }

    /// <summary>Drops control characters and lone surrogates, trims and caps the length: odd input is just a search that finds nothing.</summary>
    private static string Clean(string raw)
    {
        var sb = new System.Text.StringBuilder(Math.Min(raw.Length, MaxQueryLength));
        foreach (var rune in raw.EnumerateRunes())
        {
            if (System.Text.Rune.IsControl(rune) || rune == System.Text.Rune.ReplacementChar)
            {
                continue;
            }
            if (sb.Length + rune.Utf16SequenceLength > MaxQueryLength)
            {
                break;
            }
            sb.Append(rune.ToString());
        }
        return sb.ToString().Trim();
    }
}
