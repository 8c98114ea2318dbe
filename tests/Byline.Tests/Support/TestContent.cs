using System.Text;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Support;

/// <summary>What a story needs beyond its section; anything left out gets a sensible default.</summary>
public sealed record StorySpec
{
    public string? Headline { get; init; }
    public string? Slug { get; init; }
    public IReadOnlyList<Author> Authors { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
    /// <summary>Paragraphs of body text; a sub-heading goes in after the second.</summary>
    public int Paragraphs { get; init; } = 10;
    public string? BodyMarkdown { get; init; }
    /// <summary>UTC; defaults to a second before the story is made, so the newest story is the last one made.</summary>
    public DateTime? PublishedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }
    public ArticleStatus Status { get; init; } = ArticleStatus.Published;
    public Image? LeadImage { get; init; }
    public string? LeadImageAlt { get; init; }
    public string Standfirst { get; init; } = "A standfirst of one sentence that sums the story up.";
    public string Attribution { get; init; } = "";
}

/// <summary>A story as the tests address it.</summary>
/// <summary>A story as the tests address it; <see cref="Path"/> is its canonical URL path.</summary>
public sealed record Story(int Id, string Slug, string Headline, Section Section, string Path, DateTime? PublishedAt);

/// <summary>
/// Makes the data a test needs straight through the app's <see cref="BylineDb"/>. Every name and slug
/// is unique, so tests sharing an app (one per class) never see each other's data by accident. After
/// each write it tells the app what changed, as the newsroom does (section chrome reload, a
/// <see cref="ContentChanged"/> with the affected keys), so cached pages are evicted.
/// </summary>
public sealed class TestContent(BylineApp app)
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Now, to the second: both databases keep it exactly.</summary>
    public static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    public async Task<Section> SectionAsync(Section? parent = null, bool showOnHome = true, int position = 0)
    {
        var section = await AddAsync(new Section
        {
            Slug = Unique(parent is null ? "sec" : "sub"),
            Name = Unique(parent is null ? "Section" : "Sub"),
            Description = "Stories of a section made by a test.",
            ParentId = parent?.Id,
            ShowOnHome = showOnHome,
            Position = position,
        });
        section.Parent = parent;
        ChangedStructure();
        await RaiseAsync("section", ContentKeys.Section(section.Id));
        return section;
    }

    public Task<Tag> TagAsync() => AddAsync(new Tag { Slug = Unique("tag"), Name = Unique("Tag") });

    public Task<Author> AuthorAsync() =>
        AddAsync(new Author { Slug = Unique("author"), Name = Unique("Reporter"), JobTitle = "Reporter", Bio = "Writes for tests." });

    public Task<Author> DeskAsync() =>
        AddAsync(new Author { Slug = Unique("desk"), Name = Unique("News Desk"), IsDesk = true });

    public Task<Image> ImageAsync() =>
        AddAsync(new Image
        {
            Key = Unique("img"),
            Width = 1200,
            Height = 675,
            Alt = "A test picture of a street at dusk",
            Caption = "The street at dusk.",
            Credit = "Test Agency",
            Widths = string.Join(',', MediaPaths.StandardWidths),
            ContentType = "image/jpeg",
            CreatedAt = Now(),
        });

    /// <summary>Writes (or rewrites) the static page at a slug, with a unique title.</summary>
    public async Task<StaticPage> StaticPageAsync(string slug)
    {
        var markdown = "We make a newspaper.\n\nWrite to us any time.";
        var page = new StaticPage
        {
            Slug = slug,
            Title = Unique("Page"),
            BodyMarkdown = markdown,
            BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown)),
            UpdatedAt = Now(),
        };
        await app.WithDbAsync(async db =>
        {
            await db.StaticPages.Where(p => p.Slug == slug).ExecuteDeleteAsync();
            db.StaticPages.Add(page);
            return await db.SaveChangesAsync();
        });
        ChangedStructure();
        await RaiseAsync("page", ContentKeys.Page(page.Slug));
        return page;
    }

    /// <summary>
    /// Sections and static pages are held in memory by the site chrome; the newsroom tells it when they
    /// change, and so do the tests, which write to the database directly.
    /// </summary>
    private void ChangedStructure() => app.Services.GetService<Byline.Site.Chrome.SiteChrome>()?.Invalidate();

    public async Task<Story> StoryAsync(Section section, StorySpec? spec = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        spec ??= new StorySpec();
        var article = NewArticle(section, spec);
        await app.WithDbAsync(async db =>
        {
            db.Articles.Add(article);
            await db.SaveChangesAsync();
            return 0;
        });
        await ArticlesChangedAsync([article.Id]);
        return new Story(article.Id, article.Slug, article.Headline, section, PathOf(section, article), article.PublishedAt);
    }

    /// <summary>Several stories in one section, published a second apart, the last one newest.</summary>
    public async Task<List<Story>> StoriesAsync(Section section, int count, DateTime? newest = null, int paragraphs = 3)
    {
        ArgumentNullException.ThrowIfNull(section);
        var last = newest ?? Now().AddSeconds(-1);
        var articles = Enumerable.Range(0, count)
            .Select(i => NewArticle(section, new StorySpec { Paragraphs = paragraphs, PublishedAt = last.AddSeconds(i - (count - 1)) }))
            .ToList();
        await app.WithDbAsync(async db =>
        {
            db.Articles.AddRange(articles);
            await db.SaveChangesAsync();
            return 0;
        });
        await ArticlesChangedAsync([.. articles.Select(a => a.Id)]);
        return articles.Select(a => new Story(a.Id, a.Slug, a.Headline, section, PathOf(section, a), a.PublishedAt)).ToList();
    }

    /// <summary>
    /// Puts stories at the head of a curated list ("top" is the home page's Top Stories), in the order
    /// given, ahead of whatever earlier tests placed there.
    /// </summary>
    public async Task CurateAsync(string list, params Story[] stories)
    {
        await app.WithDbAsync(async db =>
        {
            var first = await db.CuratedItems.Where(c => c.List == list).Select(c => (int?)c.Position).MinAsync() ?? 0;
            var position = first - stories.Length - 1;
            foreach (var story in stories)
            {
                db.CuratedItems.Add(new CuratedItem { List = list, Position = ++position, ArticleId = story.Id });
            }
            await db.SaveChangesAsync();
            return 0;
        });
        await RaiseAsync("curation", ContentKeys.Home);
    }

    /// <summary>Writes changed settings and reloads the app's in-memory copy, as the newsroom would.</summary>
    public async Task<SiteSettings> SettingsAsync(Func<SiteSettings, SiteSettings> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var store = app.Services.GetRequiredService<SiteSettingsStore>();
        // The newsroom's path: write through, swap the in-memory copy, tell the caches.
        await store.SaveAsync(change(store.Current), CancellationToken.None);
        ChangedStructure();
        await RaiseAsync("settings", ContentKeys.Settings);
        return store.Current;
    }

    public SiteSettings CurrentSettings => app.Services.GetRequiredService<SiteSettingsStore>().Current;

    public static string BodyWith(int paragraphs)
    {
        var md = new StringBuilder();
        for (var i = 1; i <= paragraphs; i++)
        {
            md.Append("Paragraph ").Append(i).Append(" of the story, with enough words to read like news copy from the desk.\n\n");
            if (i == 2)
            {
                md.Append("## What happened next\n\n");
            }
        }
        return md.ToString();
    }

    /// <summary>A story's address names its top-level section, also for stories in a sub-section.</summary>
    private static string PathOf(Section section, Article article) =>
        Slugs.ArticlePath((section.Parent ?? section).Slug, article.Slug, article.Id);

    private static Article NewArticle(Section section, StorySpec spec)
    {
        var headline = spec.Headline ?? $"Story {Guid.NewGuid():N} makes the news";
        var markdown = spec.BodyMarkdown ?? BodyWith(spec.Paragraphs);
        var published = spec.Status == ArticleStatus.Published ? spec.PublishedAt ?? Now().AddSeconds(-1) : spec.PublishedAt;
        var listed = spec.Status == ArticleStatus.Published ? published : null;
        var created = (published ?? Now()).AddMinutes(-30);
        return new Article
        {
            Slug = spec.Slug ?? Slugs.From(headline),
            Headline = headline,
            Standfirst = spec.Standfirst,
            BodyMarkdown = markdown,
            BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown)),
            WordCount = BodyDocument.CountWords(markdown),
            LeadImageId = spec.LeadImage?.Id,
            LeadImageAlt = spec.LeadImageAlt,
            SectionId = section.Id,
            TopSectionId = section.ParentId ?? section.Id,
            Attribution = spec.Attribution,
            Status = spec.Status,
            PublishedAt = published,
            UpdatedAt = spec.UpdatedAt,
            CreatedAt = created,
            ModifiedAt = spec.UpdatedAt ?? published ?? created,
            Version = 1,
            Authors = spec.Authors.Select((a, i) => new ArticleAuthor { AuthorId = a.Id, Position = i, ListedAt = listed }).ToList(),
            Tags = spec.Tags.Select((t, i) => new ArticleTag { TagId = t.Id, Position = i, ListedAt = listed }).ToList(),
        };
    }

    /// <summary>Raises what the newsroom raises after saving stories: every key each story shows under.</summary>
    public async Task ArticlesChangedAsync(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            keys.UnionWith(await app.WithDbAsync(db => AffectedKeys.ForArticleAsync(db, id, CancellationToken.None)));
        }
        await RaiseAsync("story", [.. keys]);
    }

    public Task RaiseAsync(string reason, params string[] keys) =>
        app.Services.GetRequiredService<ContentEvents>().RaiseAsync(new ContentChanged(keys, reason), CancellationToken.None);

    public async Task<T> AddAsync<T>(T entity) where T : class =>
        await app.WithDbAsync(async db =>
        {
            db.Add(entity);
            await db.SaveChangesAsync();
            return entity;
        });
}
