using System.Text.Json;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.VisualStories;

public abstract class PhotoStoryPageTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_photo_story_shows_its_figures_in_order_with_captions_credits_and_counters()
    {
        var section = await app.Content.SectionAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var slides = VisualStoryKit.Slides(await app.ImagesAsync(4), tag);
        var id = await app.PublishAsync(VisualStoryKit.Input(section, StoryFormat.PhotoStory, slides));

        var page = await app.PageAsync(await app.PathAsync(id));

        var gallery = page.One("article.story section.photo-story");
        Assert.Equal("4", gallery.GetAttribute("data-photo-count"));
        var figures = gallery.QuerySelectorAll("ol.photo-list > li.photo figure");
        Assert.Equal(4, figures.Length);
        for (var i = 0; i < 4; i++)
        {
            var f = figures[i];
            Assert.Equal($"{i + 1} / 4", f.One(".photo-counter").Text());
            Assert.Equal(slides[i].Text, f.One(".caption").Text());
            Assert.Equal(slides[i].Credit, f.One(".credit").Text());
            var img = f.One("picture img");
            Assert.Equal(slides[i].Alt, img.GetAttribute("alt"));
            Assert.False(string.IsNullOrEmpty(img.GetAttribute("srcset")));
            Assert.NotNull(img.GetAttribute("width"));
            f.One("picture source[type='image/webp']");
            Assert.StartsWith("/media/", f.One("a.photo-open").GetAttribute("href"), StringComparison.Ordinal);
        }
        // The viewer is the story's own script; the list above is complete without it.
        page.One("script[src^='/photo-viewer.js']");
        Assert.Null(page.QuerySelector("figure.lead-figure"));
    }

    [DatabaseFact]
    public async Task A_photo_story_has_ImageGallery_structured_data_beside_its_NewsArticle()
    {
        var section = await app.Content.SectionAsync();
        var slides = VisualStoryKit.Slides(await app.ImagesAsync(3), "ld");
        var id = await app.PublishAsync(VisualStoryKit.Input(section, StoryFormat.PhotoStory, slides));

        var page = await app.PageAsync(await app.PathAsync(id));

        var docs = page.QuerySelectorAll("script[type='application/ld+json']").Select(s => JsonDocument.Parse(s.TextContent).RootElement).ToList();
        Assert.Contains(docs, d => d.GetProperty("@type").GetString() == "NewsArticle");
        var gallery = Assert.Single(docs, d => d.GetProperty("@type").GetString() == "ImageGallery");
        var media = gallery.GetProperty("associatedMedia").EnumerateArray().ToList();
        Assert.Equal(3, media.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ImageObject", media[i].GetProperty("@type").GetString());
            Assert.StartsWith("http", media[i].GetProperty("contentUrl").GetString(), StringComparison.Ordinal);
            Assert.Equal(slides[i].Text, media[i].GetProperty("caption").GetString());
            Assert.Equal(slides[i].Credit, media[i].GetProperty("creditText").GetString());
            Assert.True(media[i].GetProperty("width").GetInt32() > 0);
            Assert.True(media[i].GetProperty("height").GetInt32() > 0);
        }
    }

    [DatabaseFact]
    public async Task A_photo_story_card_in_its_section_list_carries_a_photos_label_with_the_count()
    {
        var section = await app.Content.SectionAsync();
        var id = await app.PublishAsync(VisualStoryKit.Input(section, StoryFormat.PhotoStory, VisualStoryKit.Slides(await app.ImagesAsync(5), "card")));
        var path = await app.PathAsync(id);

        var list = await app.PageAsync("/" + section.Slug);

        var card = list.Some("li.story-card").Single(c => c.QuerySelector("a.story-link")?.GetAttribute("href") == path);
        Assert.Equal("Photos: 5", card.One(".format-label[data-format='photo-story']").Text().Replace(" :", ":", StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task A_photo_story_whose_pictures_were_deleted_still_renders_without_them()
    {
        var section = await app.Content.SectionAsync();
        var images = await app.ImagesAsync(2);
        var id = await app.PublishAsync(VisualStoryKit.Input(section, StoryFormat.PhotoStory, VisualStoryKit.Slides(images, "gone")));
        await app.WithDbAsync(async db =>
        {
            db.Images.Remove(await db.Images.FindAsync(images[0].Id) ?? throw new InvalidOperationException());
            return await db.SaveChangesAsync();
        });
        await app.Content.ArticlesChangedAsync([id]);

        var page = await app.PageAsync(await app.PathAsync(id));

        Assert.Single(page.QuerySelectorAll("li.photo"));
    }
}

public sealed class PhotoStoryPageTestsOnSqlite(SqliteApp app) : PhotoStoryPageTests(app), IClassFixture<SqliteApp>;

public sealed class PhotoStoryPageTestsOnPostgres(PostgresApp app) : PhotoStoryPageTests(app), IClassFixture<PostgresApp>;
