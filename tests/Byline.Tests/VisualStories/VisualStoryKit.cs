using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.VisualStories;

/// <summary>Photo stories and web stories made through the publishing service, as the newsroom makes them.</summary>
public static class VisualStoryKit
{
    public static async Task<List<Image>> ImagesAsync(this BylineApp app, int count)
    {
        ArgumentNullException.ThrowIfNull(app);
        var images = new List<Image>();
        for (var i = 0; i < count; i++)
        {
            images.Add(await app.Content.ImageAsync());
        }
        return images;
    }

    /// <summary>Slides on the given pictures with numbered captions, credits and headings.</summary>
#pragma warning disable CA1002 // test helper: tests index the list and pass it on
    public static List<Slide> Slides(IEnumerable<Image> images, string tag) =>
#pragma warning restore CA1002
        [.. images.Select((img, i) => new Slide(img.Id, $"Heading {i + 1} {tag}", $"Caption {i + 1} {tag} tells what the picture shows.", $"Credit {i + 1} {tag}", $"Alt {i + 1} {tag}"))];

    public static StoryInput Input(Section section, StoryFormat format, IReadOnlyList<Slide> slides) =>
        NewsroomServices.Story(section) with
        {
            Format = format,
            BodyMarkdown = format == StoryFormat.WebStory ? "" : "An introduction to the pictures.",
            Extras = new FormatData { Slides = slides },
        };

    /// <summary>Creates and publishes a story of the format; returns its id. <paramref name="publishedAt"/> moves its publication time.</summary>
    public static async Task<int> PublishAsync(this BylineApp app, StoryInput input, DateTime? publishedAt = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var editor = await app.UserAsync(Roles.Editor);
        var created = await app.CreateAsync(input, editor);
        Assert.True(created.Succeeded, $"create failed: {created.Outcome} {string.Join("; ", created.Errors ?? new Dictionary<string, string>())}");
        var published = await app.ApplyAsync(created.ArticleId, new StoryCommand(StoryAction.Publish, created.Version, input), editor);
        Assert.True(published.Succeeded, $"publish failed: {published.Outcome} {string.Join("; ", published.Errors ?? new Dictionary<string, string>())}");
        if (publishedAt is { } at)
        {
            await app.WithDbAsync(db => db.Articles.Where(a => a.Id == created.ArticleId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PublishedAt, at)));
            await app.Content.ArticlesChangedAsync([created.ArticleId]);
        }
        return created.ArticleId;
    }

    /// <summary>The story's reader address, as the site builds it.</summary>
    public static Task<string> PathAsync(this BylineApp app, int id)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(async db =>
        {
            var a = await db.Articles.Where(x => x.Id == id).Select(x => new { x.Format, x.Slug, Top = db.Sections.Where(s => s.Id == x.TopSectionId).Select(s => s.Slug).First() }).FirstAsync();
            return StoryFormats.Path(a.Format, a.Top, a.Slug, id);
        });
    }
}
