using Byline.Content;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Search;

public sealed class SearchPageModel(SearchQuery search, TimeProvider clock) : SitePageModel
{
    private const int ResultsPerPage = 20;

    public string Query { get; private set; } = "";
    public StoryPage? Results { get; private set; }
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;
    public string BasePath => "/search?q=" + Uri.EscapeDataString(Query);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var parse = Paging.Parse(Request.Query["page"].ToString(), ResultsPerPage);
        if (parse.Error != PagingError.None)
        {
            return parse.Error == PagingError.Invalid ? BadRequest() : NotFound();
        }
        Query = Clean(Request.Query["q"].ToString());
        NoIndex = true;
        Title = Query.Length == 0 ? "Search" : $"Search: {Query}";
        Description = $"Search the stories of {Settings.PublicationName}.";
        CanonicalPath = "/search";
        if (Query.Length > 0)
        {
            Results = await search.HeadlinesAsync(Query, parse.Paging, ct);
            if (parse.Paging.Page > 1 && Results.Stories.Count == 0)
            {
                return NotFound();
            }
        }
        return Page();
    }

    /// <summary>Trims, drops control characters and caps the length, so odd input is just a search that finds nothing.</summary>
    private static string Clean(string raw)
    {
        var chars = raw.Where(c => !char.IsControl(c) && !char.IsSurrogate(c) || char.IsSurrogate(c)).ToArray();
        var text = new string(chars).Trim();
        return text.Length > SearchQuery.MaxQueryLength ? text[..SearchQuery.MaxQueryLength].Trim() : text;
    }
}
