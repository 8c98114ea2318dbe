using Byline.Discovery;
using Byline.Events;
using Byline.Publishing;
using Byline.Content;
using Byline.Site.Head;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Articles;

public sealed class ArticlePageModel(ArticleQuery query, StoryLists lists, Shorts.ShortNews shorts, SiteChrome chrome, Discovery.RelatedStories related, TimeProvider clock) : SitePageModel
{
    private const int LatestCount = 8;
    private const int QuickReadCount = 3;
    private const int ShortCount = 5;
    /// <summary>The newest stories of the story's top-level section read for the ending (next story and "More from").</summary>
    private const int SectionCount = 10;
    private const int MoreFromCount = 4;

    public ArticleRow Article { get; private set; } = null!;
    public SectionNode Section { get; private set; } = null!;
    public SectionNode TopSection { get; private set; } = null!;
    public IReadOnlyList<ArticleAuthorLink> Authors { get; private set; } = [];
    public IReadOnlyList<ArticleTagLink> Tags { get; private set; } = [];
    public IReadOnlyList<BodyItem> Body { get; private set; } = [];
    /// <summary>"More from {Section}": the best two related stories of the same top-level section.</summary>
    public IReadOnlyList<StoryCard> Related { get; private set; } = [];
    /// <summary>The end-of-article "Related stories": the rest of the related list.</summary>
    public IReadOnlyList<StoryCard> RelatedStories { get; private set; } = [];
    /// <summary>The ending's "Next in {Section}": the newest story of the top-level section not shown above it.</summary>
    public StoryCard? NextStory { get; private set; }
    /// <summary>The ending's "More from {Section}": the section's newest stories after the next one, none shown elsewhere in the ending.</summary>
    public IReadOnlyList<StoryCard> MoreFromSection { get; private set; } = [];
    public IReadOnlyList<StoryCard> QuickReads { get; private set; } = [];
    public IReadOnlyList<StoryCard> Latest { get; private set; } = [];
    public IReadOnlyList<StoryCard> TopStories { get; private set; } = [];
    /// <summary>The newest shorts: the inline box shows the first few as headlines, the list after the story expands the first.</summary>
    public IReadOnlyList<Shorts.ShortItem> ShortNews { get; private set; } = [];
    public string ArticleUrl { get; private set; } = "";
    /// <summary>The updates of a live blog (LiveBlogs/_LiveBlog.cshtml); null for other formats.</summary>
    public LiveBlogs.LiveBlogView? LiveBlog { get; private set; }
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;


    public async Task<IActionResult> OnGetAsync(string? section, string? key, int? previewId, CancellationToken ct)
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
        if (article is null || (!IsPreview && article is not { Status: ArticleStatus.Published, PublishedAt: not null }))
        {
            return NotFound();
        }
        // A draft has no publication time yet; the preview shows it as if published now.
        article = article with { PublishedAt = article.PublishedAt ?? NowUtc };
        if (!Chrome.ById.ContainsKey(article.SectionId) || !Chrome.ById.ContainsKey(article.TopSectionId))
        {
            Chrome = await chrome.ReloadAsync(ct);
        }
        if (!Chrome.ById.TryGetValue(article.SectionId, out var storySection) || !Chrome.ById.TryGetValue(article.TopSectionId, out var top))
        {
            return NotFound();
        }
        if (!StoryFormats.IsListed(article.Format))
        {
            // Shorts, episodes, web stories and hubs have pages of their own; this route only points there.
            if (IsPreview)
            {
                return Redirect($"/newsroom/stories/{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/preview/{StoryFormats.Key(article.Format)}");
            }
            var showSlug = article.ShowId is { } showId ? await query.ShowSlugAsync(showId, ct) : null;
            return RedirectPermanent(StoryFormats.Path(article.Format, top.Slug, article.Slug, article.Id, showSlug));
        }
        var canonical = StoryFormats.Path(article.Format, top.Slug, article.Slug, article.Id);
        if (!IsPreview && !string.Equals(Request.Path.Value, canonical, StringComparison.Ordinal))
        {
            // The id is the key: an old slug or a moved section answers with the story's current address.
            return RedirectPermanent(canonical);
        }

        if (article.Format == StoryFormat.LiveBlog)
        {
            LiveBlog = await HttpContext.RequestServices.GetRequiredService<LiveBlogs.LiveBlogReader>()
                .LoadAsync(id, article.FormatData, Request.Query["before"], IsPreview, Dateline, ct);
            if (LiveBlog is null)
            {
                return BadRequest();
            }
        }
        Article = article;
        Section = storySection;
        TopSection = top;
        ArticleUrl = AbsoluteUrl(canonical);
        var links = await query.LinksAsync(id, ct);
        Authors = links.Authors;
        Tags = links.Tags;
        var relatedIds = await related.ForAsync(id, ct);
        // One read of the newest stories serves Latest News, the inline quick reads and, when
        // nothing is curated, Top Stories; the cards of every list on the page come in one query.
        var newestIds = await lists.LatestIdsAsync(LatestCount + QuickReadCount + 1, ct);
        var topIds = await lists.TopStoryIdsAsync(7, ct);
        if (topIds.Count == 0)
        {
            topIds = [.. newestIds.Take(7)];
        }
        // The section's newest ids are held like the newest stories (StoryIdCache, cleared by any story change).
        var sectionIds = await lists.NewestPerSectionIdsAsync([article.TopSectionId], SectionCount, ct);
        var cards = await lists.CardsByIdAsync([.. relatedIds, .. newestIds, .. topIds, .. sectionIds], ct);
        var relatedCards = StoryLists.Pick(cards, relatedIds);
        Related = [.. relatedCards.Where(s => s.TopSectionId == article.TopSectionId).Take(2)];
        RelatedStories = [.. relatedCards.Where(s => !Related.Contains(s)).Take(4)];
        // The ending never repeats a story: the in-body box and the related stories keep theirs, the
        // section's newest fill the next story and "More from" with the rest.
        var shown = new HashSet<int>([id, .. Related.Select(s => s.Id), .. RelatedStories.Select(s => s.Id)]);
        var fromSection = StoryLists.Pick(cards, sectionIds).Where(s => !shown.Contains(s.Id)).ToList();
        NextStory = fromSection.FirstOrDefault();
        MoreFromSection = [.. fromSection.Skip(1).Take(MoreFromCount)];
        var newest = StoryLists.Pick(cards, newestIds);
        Latest = [.. newest.Where(s => s.Id != id).Take(LatestCount)];
        QuickReads = [.. newest.Where(s => s.TopSectionId != article.TopSectionId).Take(QuickReadCount)];
        TopStories = [.. StoryLists.Pick(cards, topIds).Where(s => s.Id != id).Take(6)];
        ShortNews = await shorts.NewestAsync(ShortCount, ct);
        Body = BodyLayout.Arrange(BodyDocument.Deserialize(article.BodyJson), Settings.Insertion);

        Title = string.IsNullOrWhiteSpace(article.SeoTitle) ? article.Headline : article.SeoTitle;
        Description = string.IsNullOrWhiteSpace(article.SeoDescription) ? article.Standfirst : article.SeoDescription;
        CanonicalPath = canonical;
        DescribeForDistribution(canonical);
        // The story itself evicts its page; the lists beside it (more from the section, latest, top
        // stories) and the names of its tags and authors only make it stale. The ending's stories are
        // named one by one as well: a related story from another section changes no key of this one's.
        IEnumerable<StoryCard> ending = [.. Related, .. RelatedStories, .. MoreFromSection];
        if (NextStory is { } next)
        {
            ending = ending.Append(next);
        }
        CacheAs([ContentKeys.Article(id)], [
            ContentKeys.Section(article.SectionId), ContentKeys.Section(article.TopSectionId), ContentKeys.Latest, ContentKeys.Home, ContentKeys.Format(StoryFormat.ShortNews),
            .. Tags.Select(t => ContentKeys.Tag(t.Id)), .. Authors.Select(a => ContentKeys.Author(a.Id)),
            .. ending.Select(s => ContentKeys.Article(s.Id))]);
        return Page();
    }

    /// <summary>
    /// The page only reads. A POST is 405 rather than a render with nothing loaded; on the newsroom's
    /// preview route an anonymous one is first sent to sign in, like every newsroom route.
    /// </summary>
    public IActionResult OnPost(int? previewId) =>
        previewId is not null && User.Identity?.IsAuthenticated != true ? Challenge() : StatusCode(StatusCodes.Status405MethodNotAllowed);

    public string ShareWhatsApp => "https://wa.me/?text=" + Uri.EscapeDataString($"{Article.Headline} {ArticleUrl}");
    public string ShareFacebook => "https://www.facebook.com/sharer/sharer.php?u=" + Uri.EscapeDataString(ArticleUrl);
    public string ShareX => "https://x.com/intent/post?url=" + Uri.EscapeDataString(ArticleUrl) + "&text=" + Uri.EscapeDataString(Article.Headline);

    public IEnumerable<(string Kind, CallToAction Cta)> CallsToAction()
    {
        if (Settings.Newsletter.Enabled)
        {
            yield return ("newsletter", Settings.Newsletter);
        }
        if (Settings.Membership.Enabled)
        {
            yield return ("membership", Settings.Membership);
        }
        if (Settings.PreferredSource.Enabled)
        {
            yield return ("preferred-source", Settings.PreferredSource);
        }
    }

    /// <summary>Structured data, the social card and the feeds of the story's section.</summary>
    private void DescribeForDistribution(string canonical)
    {
        var published = Article.PublishedAt!.Value;
        var modified = Article.UpdatedAt is { } u && u > published ? u : published;
        var images = Article.Lead is { } lead ? LeadImages.WithCrops(lead.Key, lead.Widths, lead.Width, lead.Height) : [];
        var story = StructuredData.NewsArticle(Ld, new LdArticle(
            canonical,
            Article.Headline,
            Description,
            published,
            Article.UpdatedAt,
            Section.Name,
            [.. Tags.Select(t => t.Name)],
            [.. Authors.Select(a => new LdAuthor(a.Name, "/author/" + a.Slug, a.IsDesk))],
            images));
        if (LiveBlog is { } live)
        {
            LiveBlogStructuredData.Apply(story, Ld, live, published);
        }
        Head.StructuredData.Add(StructuredData.Serialize(story));
        List<LdCrumb> crumbs = [new("Home", "/"), new(TopSection.Name, TopSection.Url)];
        if (Section.Id != TopSection.Id)
        {
            crumbs.Add(new(Section.Name, Section.Url));
        }
        crumbs.Add(new(StructuredData.Headline(Article.Headline), canonical));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, crumbs)));
        Head.OgType = "article";
        Head.Image = images.Count > 0 ? images[0] : null;
        Head.ImageAlt = Article.Lead?.Alt;
        Head.Article = new ArticleCard(Dateline.Iso(published), Dateline.Iso(modified), Section.Name, [.. Tags.Select(t => t.Name)]);
        Head.Feeds.Add(FeedLink.For(TopSection.Name, TopSection.Url));
        if (Section.Id != TopSection.Id)
        {
            Head.Feeds.Add(FeedLink.For(Section.Name, Section.Url));
        }
        Head.Feeds.Add(FeedLink.For(Settings.PublicationName, "/"));
    }
}
