using System.Text.RegularExpressions;
using Byline.Content;
using Byline.Discovery;
using Byline.Site.Articles;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Hubs;

/// <summary>A topic hub as its page needs it (the story row plus what FormatData holds).</summary>
public sealed record HubRow(ArticleRow Story, IReadOnlyList<string> KeyFacts, IReadOnlyList<int> PinnedIds, IReadOnlyList<ArticleTagLink> Tags);

/// <summary>One entry of the hub's live-blog teaser.</summary>
public sealed record LiveTeaserItem(DateTime PostedAt, string Text, bool IsPinned);

/// <summary>The hub's live blog: its card, whether it has ended, and its latest updates.</summary>
public sealed record LiveTeaser(StoryCard Blog, bool Ended, IReadOnlyList<LiveTeaserItem> Updates);

/// <summary>Reads topic hubs: by slug for readers, by id for the newsroom preview.</summary>
public sealed partial class HubQuery(BylineDb db, ArticleQuery articles, StoryLists lists)
{
    private const int TeaserCount = 3;

    public async Task<int?> PublishedIdBySlugAsync(string slug, CancellationToken ct) =>
        await db.Articles.AsNoTracking()
            .Where(a => a.Format == StoryFormat.Hub && a.Slug == slug && a.Status == ArticleStatus.Published)
            .OrderByDescending(a => a.PublishedAt)
            .Select(a => (int?)a.Id)
            .FirstOrDefaultAsync(ct);

    /// <summary>The current slug of the published hub that once had <paramref name="oldSlug"/>, if any.</summary>
    public async Task<string?> RenamedToAsync(string oldSlug, CancellationToken ct)
    {
        var target = await db.SlugRedirects.AsNoTracking().Where(r => r.Kind == RedirectKind.Hub && r.OldSlug == oldSlug)
            .Select(r => (int?)r.TargetId).FirstOrDefaultAsync(ct);
        return target is null
            ? null
            : await db.Articles.AsNoTracking()
                .Where(a => a.Id == target && a.Format == StoryFormat.Hub && a.Status == ArticleStatus.Published)
                .Select(a => a.Slug).FirstOrDefaultAsync(ct);
    }

    public async Task<HubRow?> FindAsync(int id, CancellationToken ct)
    {
        var story = await articles.FindAsync(id, ct);
        if (story is null || story.Format != StoryFormat.Hub)
        {
            return null;
        }
        var data = FormatData.FromJson(story.FormatData);
        return new HubRow(story, data.KeyFacts, data.PinnedIds, await articles.TagsAsync(id, ct));
    }

    /// <summary>
    /// The live blog's latest updates, read straight from LiveBlogUpdates (the live blog page itself
    /// belongs to the live-blog feature). Null when the blog is not a published live blog.
    /// </summary>
    public async Task<LiveTeaser?> LiveTeaserAsync(int liveBlogId, CancellationToken ct)
    {
        var cards = await lists.CardsAsync([liveBlogId], ct);
        if (cards.Count == 0 || cards[0].Format != StoryFormat.LiveBlog)
        {
            return null;
        }
        var formatData = await db.Articles.AsNoTracking().Where(a => a.Id == liveBlogId).Select(a => a.FormatData).FirstOrDefaultAsync(ct);
        var updates = await db.LiveBlogUpdates.AsNoTracking()
            .Where(u => u.ArticleId == liveBlogId && !u.IsDeleted)
            .OrderByDescending(u => u.PostedAt).ThenByDescending(u => u.Id)
            .Take(TeaserCount)
            .Select(u => new { u.PostedAt, u.Headline, u.BodyMarkdown, u.IsPinned })
            .ToListAsync(ct);
        return new LiveTeaser(cards[0], FormatData.FromJson(formatData).LiveEndedAt is not null,
            [.. updates.Select(u => new LiveTeaserItem(u.PostedAt, string.IsNullOrWhiteSpace(u.Headline) ? Plain(u.BodyMarkdown) : u.Headline, u.IsPinned))]);
    }

    /// <summary>The first words of an update's Markdown, without its markup, for a one-line teaser.</summary>
    public static string Plain(string markdown, int max = 160)
    {
        var text = MarkupChars().Replace(Links().Replace(markdown ?? "", "$1"), "");
        text = Spaces().Replace(text, " ").Trim();
        if (text.Length <= max)
        {
            return text;
        }
        var cut = text.LastIndexOf(' ', max);
        return text[..(cut > max / 2 ? cut : max)] + "…";
    }

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Links();

    [GeneratedRegex(@"[*_#>`~]|^\s*[-+]\s", RegexOptions.Multiline)]
    private static partial Regex MarkupChars();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
