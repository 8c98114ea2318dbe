using Byline.Discovery;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Stories;

namespace Byline.Site.Home;

public sealed record SectionBlock(SectionNode Section, IReadOnlyList<StoryCard> Stories);

public sealed class IndexModel(StoryLists lists, Shorts.ShortNews shorts, Discovery.PopularStories popular, TimeProvider clock) : SitePageModel
{
    private const int TopCount = 7;
    private const int LatestCount = 10;
    private const int PerSection = 4;
    private const int MostReadCount = 5;
    private const int ShortCount = 6;

    public StoryCard? Lead { get; private set; }
    public IReadOnlyList<StoryCard> Companions { get; private set; } = [];
    public IReadOnlyList<StoryCard> Latest { get; private set; } = [];
    public IReadOnlyList<SectionBlock> Blocks { get; private set; } = [];
    public IReadOnlyList<StoryCard> MostRead { get; private set; } = [];
    public IReadOnlyList<Shorts.ShortItem> ShortNews { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Ids of every list first, then the cards of all of them in one query.
        var latestIds = await lists.LatestIdsAsync(Math.Max(LatestCount, TopCount), ct);
        var topIds = await lists.TopStoryIdsAsync(TopCount, ct);
        if (topIds.Count == 0)
        {
            topIds = [.. latestIds.Take(TopCount)];
        }
        var homeSections = Chrome.TopLevel.Where(s => s.ShowOnHome).ToList();
        var sectionIds = await lists.NewestPerSectionIdsAsync([.. homeSections.Select(s => s.Id)], PerSection, ct);
        var cards = await lists.CardsByIdAsync([.. topIds, .. latestIds.Take(LatestCount), .. sectionIds], ct);
        var top = StoryLists.Pick(cards, topIds);
        Lead = top.Count > 0 ? top[0] : null;
        Companions = [.. top.Skip(1)];
        Latest = StoryLists.Pick(cards, latestIds.Take(LatestCount));
        MostRead = [.. popular.Current.MostRead.Take(MostReadCount)];
        ShortNews = await shorts.NewestAsync(ShortCount, ct);
        var perSection = StoryLists.Pick(cards, sectionIds).GroupBy(c => c.TopSectionId).ToDictionary(g => g.Key, g => (IReadOnlyList<StoryCard>)[.. g]);
        Blocks = [.. homeSections
            .Select(s => new SectionBlock(s, perSection.GetValueOrDefault(s.Id) ?? []))
            .Where(b => b.Stories.Count > 0)];
        Title = "";
        Description = $"{Settings.PublicationName}: {Settings.Tagline}. The latest news, analysis and opinion.";
        CanonicalPath = "/";
        Head.Feeds.Add(FeedLink.For(Settings.PublicationName, "/"));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.WebSite(Ld)));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Organization(Ld)));
        CacheAs([ContentKeys.Home, ContentKeys.Latest, .. Blocks.Select(b => ContentKeys.Section(b.Section.Id))], [Discovery.PopularKeys.Site, ContentKeys.Format(Byline.Content.StoryFormat.ShortNews)]);
    }
}
