using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.VisualStories;

/// <summary>A web story as the /web-stories list and the home strip show it: a portrait cover card.</summary>
public sealed record WebStoryCard(int Id, string Headline, string Url, DateTime PublishedAt, SlideImage? Cover, int Pages);

public sealed record WebStoryPage(IReadOnlyList<WebStoryCard> Stories, Paging Paging, bool HasNext);

/// <summary>
/// The web-story stream, newest first: a range of IX_Articles_Format (Format, PublishedAt, Id) for the
/// ids of one page, then the rows of just those ids and their cover pictures.
/// </summary>
public sealed class WebStoryQuery(BylineDb db, SlideImages images, Stories.StoryIdCache idCache)
{
    public async Task<WebStoryPage> PageAsync(Paging paging, CancellationToken ct)
    {
        var ids = await Stream().Skip(paging.Skip).Take(paging.Size + 1).ToListAsync(ct);
        var hasNext = ids.Count > paging.Size;
        if (hasNext)
        {
            ids.RemoveAt(ids.Count - 1);
        }
        return new WebStoryPage(await CardsAsync(ids, ct), paging, hasNext);
    }

    /// <summary>The home strip's newest web stories; their ids are held like the newest stories' (every story's change names the home page).</summary>
    public async Task<IReadOnlyList<WebStoryCard>> NewestAsync(int count, CancellationToken ct) =>
        await CardsAsync(await idCache.GetAsync(Events.ContentKeys.Format(StoryFormat.WebStory), count, c => Stream().TakeFixed(count).ToListAsync(c), ct), ct);

    private IQueryable<int> Stream() =>
        db.Articles.Where(a => a.Format == StoryFormat.WebStory && a.Status == ArticleStatus.Published)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id);

    private async Task<IReadOnlyList<WebStoryCard>> CardsAsync(List<int> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var rows = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id) && a.Status == ArticleStatus.Published)
            .Select(a => new { a.Id, a.Slug, a.Headline, a.PublishedAt, a.LeadImageId, a.FormatData })
            .ToListAsync(ct);
        var slides = rows.ToDictionary(r => r.Id, r => FormatData.FromJson(r.FormatData).Slides);
        // The cover is the lead picture when the editor chose one, else the first page's picture.
        var covers = rows.ToDictionary(r => r.Id, r => r.LeadImageId ?? slides[r.Id].Select(s => s.ImageId).FirstOrDefault(i => i is not null));
        var pictures = await images.ByIdAsync(covers.Values.Where(c => c is not null).Select(c => c!.Value), ct);
        var byId = rows.ToDictionary(r => r.Id);
        return [.. ids.Where(byId.ContainsKey).Select(id =>
        {
            var r = byId[id];
            return new WebStoryCard(r.Id, r.Headline, StoryFormats.Path(StoryFormat.WebStory, "", r.Slug, r.Id), r.PublishedAt!.Value,
                covers[id] is { } cover ? pictures.GetValueOrDefault(cover) : null, slides[id].Count);
        })];
    }
}
