using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Shows;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Site;

/// <summary>Shows and episodes written straight to the database, then announced as the newsroom would.</summary>
public static class ShowContent
{
    public static async Task<Show> ShowAsync(BylineApp app, bool active = true, Image? artwork = null, string schedule = "Weeknights at 9 pm", int position = 0)
    {
        ArgumentNullException.ThrowIfNull(app);
        var show = await app.WithDbAsync(async db =>
        {
            var s = new Show
            {
                Slug = TestContent.Unique("show"), Name = TestContent.Unique("Show"), Description = "A show made by a test.",
                ScheduleText = schedule, IsActive = active, Position = position, ArtworkImageId = artwork?.Id, CreatedAt = TestContent.Now(),
            };
            db.Shows.Add(s);
            await db.SaveChangesAsync();
            return s;
        });
        await ChangedAsync(app, show.Id);
        return show;
    }

    public static async Task ChangedAsync(BylineApp app, int showId)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.Services.GetRequiredService<ShowCatalog>().ReloadAsync(CancellationToken.None);
        await app.Content.RaiseAsync("show", ContentKeys.Show(showId), ContentKeys.Shows, ContentKeys.Settings);
    }

    public static async Task<Story> EpisodeAsync(BylineApp app, Show show, VideoSource? video, DateTime? publishedAt = null, Section? section = null,
        Image? thumbnail = null, ArticleStatus status = ArticleStatus.Published, string? standfirst = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(show);
        section ??= await app.Content.SectionAsync();
        var headline = $"Episode {Guid.NewGuid():N} on the week's news";
        var published = status == ArticleStatus.Published ? publishedAt ?? TestContent.Now().AddSeconds(-1) : publishedAt;
        var markdown = "What the episode covers, in a paragraph.";
        var article = new Article
        {
            Slug = Slugs.From(headline), Headline = headline, Standfirst = standfirst ?? "The episode in one sentence.",
            BodyMarkdown = markdown, BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown)), WordCount = 7,
            LeadImageId = thumbnail?.Id, SectionId = section.Id, TopSectionId = section.ParentId ?? section.Id,
            Status = status, PublishedAt = published, CreatedAt = (published ?? TestContent.Now()).AddMinutes(-30),
            ModifiedAt = published ?? TestContent.Now(), Version = 1, Format = StoryFormat.Episode, ShowId = show.Id,
            FormatData = new FormatData { Video = video }.ToJson(),
        };
        await app.WithDbAsync(async db =>
        {
            db.Articles.Add(article);
            return await db.SaveChangesAsync();
        });
        await app.Content.ArticlesChangedAsync([article.Id]);
        return new Story(article.Id, article.Slug, headline, section, StoryFormats.Path(StoryFormat.Episode, "", article.Slug, article.Id, show.Slug), published);
    }

    public static VideoSource Mp4(string key = "vid-0123456789abcdef") => new(VideoKind.Upload, $"/media/{key}/video.mp4", 754);

    public static VideoSource Hls => new(VideoKind.Hls, "https://video.example.org/live/master.m3u8", 1830);

    public static VideoSource YouTube => new(VideoKind.Embed, "https://www.youtube.com/watch?v=dQw4w9WgXcQ", 212);
}
