using Byline.Content;
using Byline.Discovery;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Home;

public sealed record SectionBlock(SectionNode Section, IReadOnlyList<StoryCard> Stories, BlockLayout Layout = BlockLayout.LeadList)
{
    public string LayoutSlug => FrontPage.Slug(Layout);
}

public sealed class IndexModel(StoryLists lists, Shorts.ShortNews shorts, Discovery.PopularStories popular, TimeProvider clock) : SitePageModel
{
    private const int LatestCount = 10;
    private const int PerSection = 4;
    private const int MostReadCount = 5;
    private const int ShortCount = 6;
    // The newest stories Top Stories' fallback chooses from (docs/front-page.md).
    private const int Candidates = 30;

    public StoryCard? Lead { get; private set; }
    /// <summary>The secondary tier: two to four stories with pictures under the lead.</summary>
    public IReadOnlyList<StoryCard> Secondary { get; private set; } = [];
    /// <summary>The more tier: headlines after the secondary stories.</summary>
    public IReadOnlyList<StoryCard> More { get; private set; } = [];
    /// <summary>True when Top Stories were filled from the importance order (nothing, or too little, curated).</summary>
    public bool Filled { get; private set; }
    public IReadOnlyList<StoryCard> Latest { get; private set; } = [];
    public IReadOnlyList<SectionBlock> Blocks { get; private set; } = [];
    public IReadOnlyList<StoryCard> MostRead { get; private set; } = [];
    public IReadOnlyList<Shorts.ShortItem> ShortNews { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The home page. On the newsroom's preview route (<c>/newsroom/curation/top/preview</c>, editors)
    /// <paramref name="order"/> (story ids, comma-separated) stands in for the saved Top Stories order,
    /// so the curation page shows the page as it will look before the order is saved.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(string? order, CancellationToken ct)
    {
        IReadOnlyList<int>? unsaved = null;
        if (Request.Path.StartsWithSegments("/newsroom", StringComparison.OrdinalIgnoreCase))
        {
            if (await BeginNewsroomPreviewAsync(Storage.Policies.Editor) is { } refused)
            {
                return refused;
            }
            unsaved = ParseOrder(order);
        }
        var front = Settings.Front;
        var topCount = front.TopCount;
        // Ids of every list first, then the cards of all of them in one query.
        var latestIds = await lists.LatestIdsAsync(Candidates, ct);
        var curatedIds = unsaved ?? await lists.TopStoryIdsAsync(topCount, ct);
        var homeSections = Chrome.TopLevel.Where(s => s.ShowOnHome).ToList();
        var sectionIds = await lists.NewestPerSectionIdsAsync([.. homeSections.Select(s => s.Id)], PerSection, ct);
        var cards = await lists.CardsByIdAsync([.. curatedIds, .. latestIds, .. sectionIds], ct);
        var snapshot = popular.Current;
        var topIds = StoryLists.Pick(cards, curatedIds).Select(c => c.Id).ToList();
        if (topIds.Count < topCount)
        {
            // Too little curated: the rest in order of importance among the newest, never simply the newest.
            Filled = true;
            topIds.AddRange(FrontPageOrder.Pick(StoryLists.Pick(cards, latestIds), [.. snapshot.MostRead.Select(c => c.Id)], topIds.ToHashSet(), topCount - topIds.Count, NowUtc));
        }
        var top = StoryLists.Pick(cards, topIds);
        Lead = top.Count > 0 ? top[0] : null;
        Secondary = [.. top.Skip(1).Take(front.SecondaryCount)];
        More = [.. top.Skip(1 + front.SecondaryCount)];
        // Latest News starts where Top Stories leave off: nothing shown above is repeated.
        var shown = topIds.ToHashSet();
        Latest = StoryLists.Pick(cards, latestIds.Where(id => !shown.Contains(id)).Take(LatestCount));
        MostRead = [.. snapshot.MostRead.Take(MostReadCount)];
        ShortNews = await shorts.NewestAsync(ShortCount, ct);
        var perSection = StoryLists.Pick(cards, sectionIds).GroupBy(c => c.TopSectionId).ToDictionary(g => g.Key, g => (IReadOnlyList<StoryCard>)[.. g]);
        Blocks = [.. homeSections
            .Select(s => Block(s, front.LayoutOf(s.Id), perSection.GetValueOrDefault(s.Id) ?? [], snapshot))
            .Where(b => b.Stories.Count > 0)];
        Title = "";
        Description = $"{Settings.PublicationName}: {Settings.Tagline}. The latest news, analysis and opinion.";
        CanonicalPath = "/";
        Head.Feeds.Add(FeedLink.For(Settings.PublicationName, "/"));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.WebSite(Ld)));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Organization(Ld)));
        if (IsPreview)
        {
            return Page();
        }
        CacheAs([ContentKeys.Home, ContentKeys.Latest, .. Blocks.Select(b => ContentKeys.Section(b.Section.Id))], [Discovery.PopularKeys.Site, ContentKeys.Format(StoryFormat.ShortNews), .. Blocks.Where(b => b.Layout == BlockLayout.MostRead).Select(b => Discovery.PopularKeys.Section(b.Section.Id))]);
        return Page();
    }

    /// <summary>The page only reads: a POST is 405; on the newsroom's preview route it is first authorized like a GET (sign-in, 403).</summary>
    public async Task<IActionResult> OnPostAsync() =>
        Request.Path.StartsWithSegments("/newsroom", StringComparison.OrdinalIgnoreCase) && await BeginNewsroomPreviewAsync(Storage.Policies.Editor) is { } refused
            ? refused : StatusCode(StatusCodes.Status405MethodNotAllowed);

    /// <summary>At most the tiers' worth of distinct positive story ids; anything else in the list is ignored.</summary>
    private IReadOnlyList<int> ParseOrder(string? order)
    {
        var ids = new List<int>();
        foreach (var part in (order ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(100))
        {
            if (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0 && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }
        return [.. ids.Take(Settings.Front.TopCount)];
    }

    /// <summary>A section's block: a numbered most-read block puts the section's most read first, then its newest.</summary>
    private static SectionBlock Block(SectionNode section, BlockLayout layout, IReadOnlyList<StoryCard> newest, Discovery.PopularSnapshot snapshot)
    {
        if (layout == BlockLayout.MostRead && snapshot.MostReadBySection.TryGetValue(section.Id, out var read) && read.Count > 0)
        {
            newest = [.. read.Concat(newest).DistinctBy(c => c.Id).Take(PerSection)];
        }
        return new SectionBlock(section, newest, layout);
    }
}
