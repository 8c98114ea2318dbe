using System.Globalization;
using Byline.Content;
using Byline.Discovery;
using Byline.Search;
using Byline.Site.Stories;

namespace Byline.Site.Search;

/// <summary>A result as the search page shows it: the card plus safe HTML with &lt;mark&gt; around the matched words.</summary>
public sealed record SearchResult(StoryCard Card, string HeadlineHtml, string SnippetHtml);

/// <param name="CountedTerm">The normalised term to count in <i>Most searched</i> (a first page that found something), or null.</param>
public sealed record SearchResults(IReadOnlyList<SearchResult> Items, bool HasNext, string? CountedTerm = null);

/// <summary>The reader's search: parse, query the index, load the cards, count the term.</summary>
public sealed class SiteSearch(ISearchIndex index, StoryLists lists, Storage.BylineDb db, SiteSettingsStore settings, TimeProvider clock)
{
    public Task<bool> IsTopSectionAsync(string slug, CancellationToken ct) =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Sections, s => s.Slug == slug && s.ParentId == null, ct);

    public async Task<SearchResults> SearchAsync(string text, int? topSectionId, DateOnly? from, DateOnly? to, Paging paging, CancellationToken ct)
    {
        var query = SearchSyntax.Parse(text);
        if (!query.IsSearchable)
        {
            return new SearchResults([], false);
        }
        // Days are the publication's days (its dateline zone), as readers see dates on the site.
        var zone = settings.Dateline.Zone;
        DateTime? fromUtc = from is { } f ? Dateline.StartOfDayUtc(f, zone) : null;
        // "to" is inclusive: everything before the next local midnight.
        DateTime? toUtc = to is { } t && t < DateOnly.MaxValue ? Dateline.StartOfDayUtc(t.AddDays(1), zone) : null;
        var hits = await index.SearchAsync(
            new SearchRequest(query, topSectionId, fromUtc, toUtc, paging.Skip, paging.Size + 1, clock.GetUtcNow().UtcDateTime), ct);
        var hasNext = hits.Count > paging.Size;
        var page = hits.Take(paging.Size).ToList();
        var cards = (await lists.CardsAsync([.. page.Select(h => h.ArticleId)], ct)).ToDictionary(c => c.Id);
        var items = page.Where(h => cards.ContainsKey(h.ArticleId)).Select(h =>
        {
            var card = cards[h.ArticleId];
            var headline = h.Headline.Length > 0 ? SearchMarkup.ToHtml(h.Headline) : System.Net.WebUtility.HtmlEncode(card.Headline);
            return new SearchResult(card, headline, SearchMarkup.ToHtml(h.Snippet, dropMarkdown: true));
        }).ToList();
        // Only searches that found something are counted: the list should show what readers find, not typos or probes.
        // The page hands the term to SearchCounting, which counts cached answers too.
        var counted = paging.Page == 1 && items.Count > 0 ? SearchTerms.Normalize(text) : null;
        return new SearchResults(items, hasNext, counted);
    }

    /// <summary>A date filter from the query string (yyyy-MM-dd); anything else is no filter.</summary>
    public static DateOnly? ParseDate(string? raw) =>
        DateOnly.TryParseExact(raw?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
