using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Articles;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Shows;

/// <summary>
/// /shows/{show}/{slug}-{id}: the player, title, description, duration, the show and its other
/// episodes. The same page answers the newsroom's preview route for episodes.
/// </summary>
public sealed class EpisodePageModel(BylineDb db, ArticleQuery query, ShowCatalog catalog, TimeProvider clock) : SitePageModel
{
    private const int MoreCount = 6;

    public ArticleRow Episode { get; private set; } = null!;
    public ShowEntry Show { get; private set; } = null!;
    public VideoSource? Video { get; private set; }
    public IReadOnlyList<BodyBlock> Body { get; private set; } = [];
    public IReadOnlyList<EpisodeCard> More { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;
    /// <summary>The og:video of the social card (a file or a platform's player); null for HLS.</summary>
    public OgVideo? OgVideo { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? show, string? key, int? previewId, CancellationToken ct)
    {
        int id;
        if (previewId is { } p)
        {
            if (await BeginPreviewAsync() is { } refused)
            {
                return refused;
            }
            id = p;
        }
        else if (!Slugs.TryParseArticleKey(key, out _, out id))
        {
            return NotFound();
        }
        var article = await query.FindAsync(id, ct);
        if (article is null || article.Format != StoryFormat.Episode || (!IsPreview && article is not { Status: ArticleStatus.Published, PublishedAt: not null }))
        {
            return NotFound();
        }
        article = article with { PublishedAt = article.PublishedAt ?? NowUtc };
        var entry = article.ShowId is { } showId ? catalog.Find(showId) ?? await ShowRedirects.ReloadAndFindAsync(catalog, showId, ct) : null;
        if (entry is null)
        {
            return NotFound();
        }
        var canonical = StoryFormats.Path(StoryFormat.Episode, "", article.Slug, article.Id, entry.Slug);
        if (!IsPreview && !string.Equals(Request.Path.Value, canonical, StringComparison.Ordinal))
        {
            // The id is the key: a wrong show or an old slug answers with the episode's address.
            return RedirectPermanent(canonical);
        }
        Episode = article;
        Show = entry;
        Video = FormatData.FromJson(article.FormatData).Video is { } v && FormatRules.VideoProblem(v) is null ? v : null;
        Body = BodyDocument.Deserialize(article.BodyJson);
        More = [.. (await EpisodeQueries.NewestAsync(db, entry.Id, entry.Slug, 0, MoreCount + 1, ct)).Where(e => e.Id != id).Take(MoreCount)];

        Title = string.IsNullOrWhiteSpace(article.SeoTitle) ? article.Headline : article.SeoTitle;
        Description = string.IsNullOrWhiteSpace(article.SeoDescription) ? article.Standfirst : article.SeoDescription;
        CanonicalPath = canonical;
        Describe(canonical);
        CacheAs([ContentKeys.Article(id)], [ContentKeys.Show(entry.Id), ContentKeys.Shows]);
        return Page();
    }

    /// <summary>Like the article page, the episode only reads.</summary>
    public IActionResult OnPost(int? previewId) =>
        previewId is not null && User.Identity?.IsAuthenticated != true ? Challenge() : StatusCode(StatusCodes.Status405MethodNotAllowed);

    public string? PosterPath => Episode.Lead is { } lead ? LeadImages.Primary(lead.Key, lead.Widths, lead.Width, lead.Height)?.Path : null;

    private void Describe(string canonical)
    {
        var images = Episode.Lead is { } lead ? LeadImages.WithCrops(lead.Key, lead.Widths, lead.Width, lead.Height) : [];
        if (Video is { } video)
        {
            Head.StructuredData.Add(StructuredData.Serialize(VideoData.VideoObject(Ld, new LdVideo(
                canonical, Episode.Headline, Description, [.. images.Select(i => i.Path)], Episode.PublishedAt!.Value, video, Show.Name, Show.Url))));
            Head.OgType = "video.episode";
            OgVideo = video.Kind switch
            {
                VideoKind.Upload => new OgVideo(AbsoluteUrl(video.Url), "video/mp4"),
                VideoKind.Embed when VideoData.EmbedUrl(video) is { } embed => new OgVideo(embed, "text/html"),
                _ => null,
            };
        }
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld,
            [new("Home", "/"), new("Video shows", "/shows"), new(Show.Name, Show.Url), new(StructuredData.Headline(Episode.Headline), canonical)])));
        Head.Image = images.Count > 0 ? images[0] : null;
        Head.ImageAlt = Episode.Lead?.Alt;
    }
}

public sealed record OgVideo(string Url, string Type);
