using System.Globalization;
using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;

namespace Byline.Tests.VisualStories;

/// <summary>The slide list of the story editor, posted as a browser without JavaScript posts it.</summary>
public abstract class VisualStoryEditorTests(BylineApp app)
{
    private static Dictionary<string, string> Fields(Section section, string headline, string act, IEnumerable<(int? ImageId, string Heading, string Text)> slides)
    {
        var fields = new Dictionary<string, string>
        {
            ["Form.Headline"] = headline,
            ["Form.Slug"] = "",
            ["Form.Standfirst"] = "What the story is about.",
            ["Form.SectionId"] = section.Id.ToString(CultureInfo.InvariantCulture),
            ["act"] = act,
        };
        var i = 0;
        foreach (var (imageId, heading, text) in slides)
        {
            var n = i++.ToString(CultureInfo.InvariantCulture);
            fields[$"Form.Slides[{n}].ImageId"] = imageId?.ToString(CultureInfo.InvariantCulture) ?? "";
            fields[$"Form.Slides[{n}].Heading"] = heading;
            fields[$"Form.Slides[{n}].Text"] = text;
            fields[$"Form.Slides[{n}].Credit"] = "Credit " + n;
        }
        return fields;
    }

    private static IEnumerable<(int?, string, string)> Pages(IEnumerable<Image> images) =>
        images.Select((img, i) => ((int?)img.Id, $"Page heading {i + 1}", $"Page text {i + 1}."));

    private async Task<HttpResponseMessage> PostNewAsync(string format, Dictionary<string, string> fields)
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        return await editor.SubmitAsync($"/newsroom/stories/new?format={format}", fields, "#story-form");
    }

    private Task<int> CountAsync(string headline) => app.WithDbAsync(db => Task.FromResult(db.Articles.Count(a => a.Headline == headline)));

    [DatabaseFact]
    public async Task The_editor_shows_a_slide_list_with_blank_rows_for_each_visual_format()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        var photo = await editor.PageAsync("/newsroom/stories/new?format=photo-story");
        var web = await editor.PageAsync("/newsroom/stories/new?format=web-story");

        Assert.Equal("PhotoStory", photo.One("#story-form input[name='Form.Format']").GetAttribute("value"));
        photo.One("fieldset.slides[data-slides='photo-story']");
        Assert.Equal(3, photo.QuerySelectorAll("[data-slide-list] > li.slide-row").Length);
        photo.One("[data-slide-list] textarea[name='Form.Slides[0].Text']");
        Assert.Null(photo.QuerySelector("[data-slide-list] input[name='Form.Slides[0].Heading']"));
        web.One("fieldset.slides[data-slides='web-story']");
        web.One("[data-slide-list] input[name='Form.Slides[2].Heading']");
        web.One("[data-slide-list] input[name='Form.Slides[2].ImageId']");
    }

    [DatabaseFact]
    public async Task A_gallery_with_no_pictures_is_refused_on_publish_and_keeps_what_was_typed()
    {
        var section = await app.Content.SectionAsync();
        var empty = "Empty gallery " + Guid.NewGuid().ToString("N")[..8];
        var captionOnly = "Caption-only gallery " + Guid.NewGuid().ToString("N")[..8];

        using var none = await PostNewAsync("photo-story", Fields(section, empty, "publish", []));
        using var noPicture = await PostNewAsync("photo-story", Fields(section, captionOnly, "publish", [(null, "", "A caption typed before picking the picture")]));

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await NewsroomClient.ParseAsync(none)).One(".field-error[data-for=slides]").TextContent));
        Assert.Equal(HttpStatusCode.BadRequest, noPicture.StatusCode);
        var page = await NewsroomClient.ParseAsync(noPicture);
        Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=slides]").TextContent));
        Assert.Equal("A caption typed before picking the picture", page.One("textarea[name='Form.Slides[0].Text']").TextContent.Trim());
        Assert.Equal(captionOnly, page.One("input[name='Form.Headline']").GetAttribute("value"));
        // The empty gallery was saved as a draft before publishing was refused: nothing typed is lost.
        Assert.Equal(ArticleStatus.Draft, (await app.WithDbAsync(db => Task.FromResult(db.Articles.Single(a => a.Headline == empty)))).Status);
        Assert.Equal(0, await CountAsync(captionOnly));
    }

    [DatabaseFact]
    public async Task A_photo_story_posted_without_javascript_drops_blank_rows_and_publishes()
    {
        var section = await app.Content.SectionAsync();
        var images = await app.ImagesAsync(2);
        var headline = "Gallery " + Guid.NewGuid().ToString("N")[..8];
        var fields = Fields(section, headline, "publish", [(images[0].Id, "", "First caption"), (null, "", ""), (images[1].Id, "", "Second caption"), (null, "", "")]);

        using var response = await PostNewAsync("photo-story", fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = await app.WithDbAsync(db => Task.FromResult(db.Articles.Single(a => a.Headline == headline)));
        Assert.Equal(StoryFormat.PhotoStory, stored.Format);
        Assert.Equal(ArticleStatus.Published, stored.Status);
        Assert.Equal(["First caption", "Second caption"], FormatData.FromJson(stored.FormatData).Slides.Select(s => s.Text));
    }

    [DatabaseTheory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(15, true)]
    [InlineData(16, false)]
    public async Task A_web_story_needs_5_to_15_pages_to_go_live(int pages, bool accepted)
    {
        var section = await app.Content.SectionAsync();
        var headline = $"Web story of {pages} pages " + Guid.NewGuid().ToString("N")[..8];

        using var response = await PostNewAsync("web-story", Fields(section, headline, "publish", Pages(await app.ImagesAsync(pages))));

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(ArticleStatus.Published, (await app.WithDbAsync(db => Task.FromResult(db.Articles.Single(a => a.Headline == headline)))).Status);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var page = await NewsroomClient.ParseAsync(response);
            Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=slides]").TextContent));
            Assert.Equal("Page heading 1", page.One("input[name='Form.Slides[0].Heading']").GetAttribute("value"));
            Assert.Equal(0, await app.WithDbAsync(db => Task.FromResult(db.Articles.Count(a => a.Headline == headline && a.Status == ArticleStatus.Published))));
        }
    }

    [DatabaseFact]
    public async Task A_web_story_page_without_text_is_refused_on_publish()
    {
        var section = await app.Content.SectionAsync();
        var headline = "Wordless " + Guid.NewGuid().ToString("N")[..8];
        var images = await app.ImagesAsync(5);
        var pages = Pages(images).Select((p, i) => i == 2 ? (p.Item1, "", "") : p);

        using var response = await PostNewAsync("web-story", Fields(section, headline, "publish", pages));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => Task.FromResult(db.Articles.Count(a => a.Headline == headline && a.Status == ArticleStatus.Published))));
    }

    [DatabaseFact]
    public async Task A_slide_whose_picture_was_deleted_is_refused()
    {
        var section = await app.Content.SectionAsync();
        var images = await app.ImagesAsync(2);
        await app.WithDbAsync(async db =>
        {
            db.Images.Remove(await db.Images.FindAsync(images[1].Id) ?? throw new InvalidOperationException());
            return await db.SaveChangesAsync();
        });
        var headline = "Deleted picture " + Guid.NewGuid().ToString("N")[..8];

        using var publish = await PostNewAsync("photo-story", Fields(section, headline, "publish", [(images[0].Id, "", "Kept"), (images[1].Id, "", "Gone")]));
        using var draft = await PostNewAsync("photo-story", Fields(section, headline, "save", [(images[0].Id, "", "Kept"), (images[1].Id, "", "Gone")]));

        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, draft.StatusCode);
        var page = await NewsroomClient.ParseAsync(draft);
        Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=slides]").TextContent));
        page.One(".slide-missing");
        Assert.Equal(0, await CountAsync(headline));
    }

    [DatabaseFact]
    public async Task Revisions_compare_and_restore_slides()
    {
        var section = await app.Content.SectionAsync();
        var images = await app.ImagesAsync(3);
        var editor = await app.UserAsync(Roles.Editor);
        var original = VisualStoryKit.Input(section, StoryFormat.PhotoStory, VisualStoryKit.Slides(images.Take(2), "first"));
        var (id, version) = await app.DraftAsync(editor, original);
        var changedSlides = VisualStoryKit.Slides([images[2], images[0]], "second");
        var changed = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, original with { Extras = new FormatData { Slides = changedSlides } }), editor);
        Assert.True(changed.Succeeded);
        var client = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        var compare = await client.PageAsync($"/newsroom/stories/{id}/revisions?a=1&b=2");
        using var restore = await client.SubmitAsync($"/newsroom/stories/{id}/revisions", new Dictionary<string, string>(), "form#restore-1");

        var diff = compare.One("table.diff").TextContent;
        Assert.Contains("Caption 1 first", diff, StringComparison.Ordinal);
        Assert.Contains("Caption 1 second", diff, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, restore.StatusCode);
        var restored = FormatData.FromJson((await app.ArticleAsync(id)).FormatData).Slides;
        Assert.Equal(original.Extras.Slides, restored);
    }
}

public sealed class VisualStoryEditorTestsOnSqlite(SqliteApp app) : VisualStoryEditorTests(app), IClassFixture<SqliteApp>;

public sealed class VisualStoryEditorTestsOnPostgres(PostgresApp app) : VisualStoryEditorTests(app), IClassFixture<PostgresApp>;
