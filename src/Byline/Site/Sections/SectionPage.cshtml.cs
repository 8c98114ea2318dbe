using Byline.Discovery;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Sections;

/// <summary>A top-level section (its stories and all its sub-sections') or a sub-section.</summary>
public sealed class SectionPageModel(SectionResolver resolver, StoryLists lists, Discovery.PopularStories popular, TimeProvider clock) : SitePageModel
{
    public SectionNode Section { get; private set; } = null!;
    public SectionNode? Parent { get; private set; }
    public IReadOnlyList<SectionNode> SubSections { get; private set; } = [];
    public StoryPage Stories { get; private set; } = null!;
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    /// <summary>The top-level section the popular lists are about (a sub-section shows its parent's).</summary>
    public SectionNode? PopularSection { get; private set; }
    public IReadOnlyList<StoryCard> MostRead { get; private set; } = [];
    public IReadOnlyList<StoryCard> Trending { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string section, string? sub, CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        var (top, _, snapshot) = await resolver.ResolveAsync(Chrome, section, ct);
        Chrome = snapshot;
        if (top is null)
        {
            return NotFound();
        }
        var target = top;
        if (sub is not null)
        {
            var (child, renamed, snap2) = await resolver.ResolveAsync(Chrome, sub, ct);
            Chrome = snap2;
            // A sub-section merged into a top-level section: its old slug leads there.
            if (renamed && child is { ParentId: null })
            {
                return Moved(child.Url);
            }
            // "/india/world" is not a sub-section of anything; "/world/europe" under the wrong parent moves to its own URL.
            if (child?.ParentId is null)
            {
                return NotFound();
            }
            target = child;
        }
        var requested = sub is null ? $"/{section}" : $"/{section}/{sub}";
        if (!string.Equals(target.Url, requested, StringComparison.Ordinal))
        {
            return Moved(target.Url);
        }

        Section = target;
        Parent = Chrome.Parent(target);
        SubSections = Chrome.ChildrenOf(Parent?.Id ?? target.Id);
        Stories = target.ParentId is null
            ? await lists.SectionPageAsync(target.Id, paging, ct)
            : await lists.SubSectionPageAsync(target.Id, paging, ct);
        if (paging.Page > 1 && Stories.Stories.Count == 0)
        {
            return NotFound();
        }
        Title = paging.Page > 1 ? $"{target.Name} — page {paging.Page}" : $"{target.Name} news";
        Description = string.IsNullOrEmpty(target.Description) ? $"The latest {target.Name} news and analysis." : target.Description;
        CanonicalPath = PagePath(target.Url, paging.Page);
        // An empty list is a thin page: keep it out of search indexes until it has stories.
        NoIndex = Stories.Stories.Count == 0;
        Head.Feeds.Add(FeedLink.For(target.Name, target.Url));
        List<LdCrumb> crumbs = [new("Home", "/")];
        if (Parent is { } parentSection)
        {
            crumbs.Add(new(parentSection.Name, parentSection.Url));
        }
        crumbs.Add(new(target.Name, target.Url));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Stories.Stories.Select(s => s.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, crumbs)));
        List<string> related = [];
        if (paging.Page == 1)
        {
            // Read from memory (refreshed every minute); a refresh that changes these lists raises the
            // key below, which marks this page stale so one request re-renders it.
            PopularSection = Parent ?? target;
            var current = popular.Current;
            MostRead = current.MostReadBySection.GetValueOrDefault(PopularSection.Id) ?? [];
            Trending = current.TrendingBySection.GetValueOrDefault(PopularSection.Id) ?? [];
            related.Add(Discovery.PopularKeys.Section(PopularSection.Id));
        }
        CacheAs([ContentKeys.Section(target.Id)], related);
        return Page();
    }
}
