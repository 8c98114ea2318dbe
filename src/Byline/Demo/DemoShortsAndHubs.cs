using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Demo;

/// <summary>
/// The demo's short news and topic hubs, made from the demo stories already written: each short
/// summarises a recent story with the editor's own TextRank summariser (most link back to it), and
/// two hubs gather the stories of a tournament and a budget by their tags.
/// </summary>
internal static class DemoShortsAndHubs
{
    public const int ShortCount = 40;

    public static readonly DemoHub[] Hubs =
    [
        new("Premier Cricket Cup 2026", "premier-cricket-cup-2026",
            "Every match, every twist and every table of the season's biggest cricket tournament, in one place.",
            """
            Ten franchises, seventy-four matches and eight weeks of cricket: the Premier Cricket Cup returns with new venues, a bigger auction purse and the first full season under the revised impact-player rule.

            This page gathers our match reports, analysis and interviews as they are published. The stories our sports desk considers essential stay at the top; everything else follows, newest first.
            """,
            ["Ten teams play a double round-robin before the play-offs.", "The final is scheduled for the last Sunday of May.",
             "Each side may field one impact player per match.", "Matches start at 3.30 pm and 7.30 pm IST."],
            ["Premier Cricket Cup 2026", "Premier Cricket Cup"]),
        new("Union Budget 2026", "union-budget-2026",
            "What the budget means for taxes, spending, markets and household finances, explained as it happens.",
            """
            The finance minister presents the Union Budget for 2026-27 against a backdrop of slowing private investment, a widening trade gap and state elections later in the year.

            Our business and politics desks follow the run-up, the speech and the reaction. Pinned at the top are the explainers we recommend reading first.
            """,
            ["The budget speech is due on February 1 at 11 am.", "The fiscal deficit target for 2025-26 was 4.4% of GDP.",
             "Income-tax slabs under the new regime are expected to change.", "Parliament votes on the Finance Bill in March."],
            ["Union Budget 2026", "Budget Session"]),
    ];

    public sealed record DemoHub(string Name, string Slug, string Intro, string Body, string[] KeyFacts, string[] TagNames);

    public static async Task AddAsync(BylineDb db, Search.ISearchIndex search, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Articles.AnyAsync(a => a.Format == StoryFormat.ShortNews || a.Format == StoryFormat.Hub, ct))
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // Every third of the newest stories: a spread of sections rather than one busy desk.
        var sources = await db.Articles.AsNoTracking()
            .Where(a => a.Status == ArticleStatus.Published && a.Format == StoryFormat.Article && a.PublishedAt <= now)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Take(ShortCount * 3)
            .Select(a => new { a.Id, a.Headline, a.BodyMarkdown, a.Standfirst, a.SectionId, a.TopSectionId, a.LeadImageId, PublishedAt = a.PublishedAt!.Value })
            .ToListAsync(ct);
        var articles = new List<Article>();
        for (var i = 0; i < sources.Count && articles.Count < ShortCount; i += 3)
        {
            var s = sources[i];
            var summary = ExtractiveSummary.Summarise(s.BodyMarkdown, FormatRules.ShortSummaryMaxWords);
            if (summary.Length == 0)
            {
                summary = ExtractiveSummary.Summarise(s.Standfirst, FormatRules.ShortSummaryMaxWords);
            }
            var at = s.PublishedAt.AddMinutes(Math.Min(12, (now - s.PublishedAt).TotalMinutes / 2));
            articles.Add(New(StoryFormat.ShortNews, s.Headline, Slugs.From(s.Headline), summary, "", s.SectionId, s.TopSectionId, s.LeadImageId, at,
                // One in four stands alone, as a wire brief would.
                linked: articles.Count % 4 == 3 ? null : s.Id, data: null));
        }

        var tagIds = await db.Tags.AsNoTracking().ToDictionaryAsync(t => t.Name, t => t.Id, StringComparer.Ordinal, ct);
        var hubTags = new List<(Article Hub, int[] Tags)>();
        foreach (var h in Hubs)
        {
            var tags = h.TagNames.Where(tagIds.ContainsKey).Select(n => tagIds[n]).ToArray();
            var tagged = await db.ArticleTags.AsNoTracking()
                .Where(t => tags.Contains(t.TagId) && t.ListedAt != null)
                .OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId)
                .Select(t => t.ArticleId)
                .Take(20)
                .Join(db.Articles, id => id, a => a.Id, (id, a) => new { ArticleId = id, a.SectionId, a.TopSectionId, a.LeadImageId })
                .ToListAsync(ct);
            var first = tagged.FirstOrDefault();
            var sectionId = first?.SectionId ?? sources[0].SectionId;
            var topId = first?.TopSectionId ?? sources[0].TopSectionId;
            // Demo pictures print their section's name: the hero comes from a story of the hub's own section.
            var hero = tagged.Where(t => t.TopSectionId == topId).Select(t => t.LeadImageId).FirstOrDefault(i => i is not null)
                ?? sources.Where(x => x.TopSectionId == topId).Select(x => x.LeadImageId).FirstOrDefault(i => i is not null);
            // The editors pin the second, fourth and sixth newest: what matters is not always what is newest.
            var pinned = tagged.Select(t => t.ArticleId).Distinct().Where((_, i) => i % 2 == 1).Take(3).ToList();
            var hub = New(StoryFormat.Hub, h.Name, h.Slug, h.Intro, h.Body, sectionId, topId, hero, now.AddDays(-3), linked: null,
                data: new FormatData { KeyFacts = h.KeyFacts, PinnedIds = pinned });
            articles.Add(hub);
            hubTags.Add((hub, tags));
        }
        db.Articles.AddRange(articles);
        await db.SaveChangesAsync(ct);
        foreach (var (hub, tags) in hubTags)
        {
            // Unlisted formats carry their tags without a list date: tag pages never show the hub itself.
            db.ArticleTags.AddRange(tags.Select((t, i) => new ArticleTag { ArticleId = hub.Id, TagId = t, Position = i, ListedAt = null }));
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        // Written below the publishing service, so indexed here: search finds shorts and hubs like any story.
        foreach (var a in articles)
        {
            await search.UpsertAsync(new Search.SearchDocument(a.Id, a.Headline, a.Standfirst, a.BodyMarkdown,
                string.Join(' ', Hubs.FirstOrDefault(h => h.Slug == a.Slug && a.Format == StoryFormat.Hub)?.TagNames ?? []), "",
                a.PublishedAt!.Value, a.SectionId, a.TopSectionId), ct);
        }
    }

    private static Article New(StoryFormat format, string headline, string slug, string standfirst, string body, int sectionId, int topId, int? imageId, DateTime at, int? linked, FormatData? data)
    {
        var blocks = BodyDocument.Render(body);
        return new Article
        {
            Format = format,
            Headline = headline,
            Slug = slug.Length == 0 ? "short" : slug,
            Standfirst = standfirst,
            BodyMarkdown = body,
            BodyHtml = BodyDocument.Serialize(blocks),
            WordCount = BodyDocument.CountWords(body) + BodyDocument.CountWords(standfirst),
            SectionId = sectionId,
            TopSectionId = topId,
            LeadImageId = imageId,
            Status = ArticleStatus.Published,
            PublishedAt = at,
            CreatedAt = at,
            ModifiedAt = at,
            Version = 1,
            LinkedArticleId = linked,
            FormatData = data?.ToJson(),
        };
    }
}
