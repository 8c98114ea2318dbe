using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Stories;

namespace Byline.Site.Home;

public sealed record SectionBlock(SectionNode Section, IReadOnlyList<StoryCard> Stories);

public sealed class IndexModel(StoryLists lists, TimeProvider clock) : SitePageModel
{
    private const int TopCount = 7;
    private const int LatestCount = 10;
    private const int PerSection = 4;

    public StoryCard? Lead { get; private set; }
    public IReadOnlyList<StoryCard> Companions { get; private set; } = [];
    public IReadOnlyList<StoryCard> Latest { get; private set; } = [];
    public IReadOnlyList<SectionBlock> Blocks { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var top = await lists.TopStoriesAsync(TopCount, ct);
        Lead = top.Count > 0 ? top[0] : null;
        Companions = [.. top.Skip(1)];
        Latest = await lists.LatestAsync(LatestCount, ct);
        var homeSections = Chrome.TopLevel.Where(s => s.ShowOnHome).ToList();
        var perSection = await lists.NewestPerSectionAsync([.. homeSections.Select(s => s.Id)], PerSection, ct);
        Blocks = [.. homeSections
            .Select(s => new SectionBlock(s, perSection.GetValueOrDefault(s.Id) ?? []))
            .Where(b => b.Stories.Count > 0)];
        Title = "";
        Description = $"{Settings.PublicationName}: {Settings.Tagline}. The latest news, analysis and opinion.";
        CanonicalPath = "/";
        CacheAs([ContentKeys.Home, ContentKeys.Latest, .. Blocks.Select(b => ContentKeys.Section(b.Section.Id))]);
    }
}
