using System.Globalization;
using System.Text.Json;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Byline.Wire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Wire;

/// <summary>
/// Agency pictures into the media library, fetched through the guarded wire client from a picture server on
/// loopback when "Use as draft" needs them: the lead picture and those after the body, the agency's credit,
/// one fetch per address (and one image per content), and every bad picture recorded with its reason while
/// the item and its draft go on without it.
/// </summary>
public abstract class WirePictureTests(BylineApp app, FeedServer feeds)
{
    private static string Unique(string prefix) => TestContent.Unique(prefix);

    private static object Picture(string href) => new { name = "picture", type = "picture", renditions = new[] { new { href } } };

    private async Task<int> DraftAsync(long itemId)
    {
        var editor = await app.UserAsync(Roles.Editor);
        await using var scope = app.Services.CreateAsyncScope();
        var made = await scope.ServiceProvider.GetRequiredService<WireDrafts>().CreateAsync(itemId, false, editor, CancellationToken.None);
        Assert.True(made.ArticleId is not null, made.Error + " " + string.Join("; ", made.Errors?.Values ?? []));
        return made.ArticleId!.Value;
    }

    private Task<WirePicture?> PictureRowAsync(string url)
    {
        var hash = WirePictures.Hash(url);
        return app.WithDbAsync(db => db.Set<WirePicture>().AsNoTracking().FirstOrDefaultAsync(p => p.UrlHash == hash));
    }

    [DatabaseFact]
    public async Task Use_as_draft_fetches_the_pictures_into_the_media_library_with_the_credit_and_bad_ones_are_recorded_with_their_reason()
    {
        var tag = Guid.NewGuid().ToString("N");
        string Pic(string name) => feeds.Url($"/pic/{tag}/{name}");
        var lead = Pic("lead.jpg");
        var inBody = Pic("body.png");
        var sameBytes = Pic("same-as-lead.jpg");
        var missing = Pic("missing.jpg");
        var page = Pic("page.jpg");
        var huge = Pic("huge.jpg");
        var redirected = feeds.Url("/redirect-private/" + tag + ".jpg");
        const string literal = "http://10.20.30.40/agency/photo.jpg";
        var jpeg = TestImages.Jpeg(900, 600);
        feeds.Serve($"/pic/{tag}/lead.jpg", new FeedDocument(jpeg, "image/jpeg"));
        feeds.Serve($"/pic/{tag}/same-as-lead.jpg", new FeedDocument(jpeg, "image/jpeg"));
        feeds.Serve($"/pic/{tag}/body.png", new FeedDocument(TestImages.Png(640, 400), "image/png"));
        feeds.Serve($"/pic/{tag}/page.jpg", FeedDocument.Html("<!doctype html><html><body>Sign in to see this photo</body></html>"));
        var big = new byte[1_500_000];
        jpeg.AsSpan(0, 16).CopyTo(big);
        feeds.Serve($"/pic/{tag}/huge.jpg", new FeedDocument(big, "image/jpeg"));
        var id = Unique("urn:pictures");
        var path = WireKit.NewPath("ninjs");
        feeds.Serve(path, FeedDocument.Json(JsonSerializer.Serialize(new
        {
            uri = id,
            version = "1",
            headlines = new[] { new { value = "Flood waters rise " + tag } },
            bodies = new[] { new { contenttype = "text/html", value = "<p>" + WireFeeds.Prose(41) + "</p>" } },
            associations = new[] { Picture(lead), Picture(redirected), Picture(literal), Picture(missing), Picture(page), Picture(huge), Picture(inBody), Picture(sameBytes) },
        })));
        var (source, _) = await app.SourceAsync("Pictures Agency", WireFeedKind.Ninjs, feeds.Url(path), credit: "PTI Photo", sectionId: (await app.Content.SectionAsync()).Id);

        Assert.Equal(1, (await app.PollAsync(source)).Result.Stored);
        var item = Assert.Single(await app.ItemsAsync(source));
        Assert.True(item.HasPictures);
        Assert.Null(await PictureRowAsync(lead));

        var articleId = await DraftAsync(item.Id);

        var article = await app.ArticleAsync(articleId);
        Assert.NotNull(article.LeadImageId);
        var leadImage = await app.WithDbAsync(db => db.Images.AsNoTracking().FirstAsync(i => i.Id == article.LeadImageId));
        Assert.Equal("PTI Photo", leadImage.Credit);
        Assert.Equal(900, leadImage.Width);
        var root = app.Services.GetRequiredService<Byline.Media.MediaStore>().LocalRoot!;
        Assert.True(File.Exists(Byline.Content.MediaPaths.File(root, leadImage.Key, Byline.Content.MediaPaths.ParseWidths(leadImage.Widths).Max(), "jpg")),
            "the media library made the renditions");
        var bodyRow = await PictureRowAsync(inBody);
        Assert.NotNull(bodyRow?.ImageId);
        var bodyImage = await app.WithDbAsync(db => db.Images.AsNoTracking().FirstAsync(i => i.Id == bodyRow!.ImageId));
        Assert.Contains("](/media/", article.BodyMarkdown, StringComparison.Ordinal);
        Assert.Contains(bodyImage.Key, article.BodyMarkdown, StringComparison.Ordinal);
        Assert.Equal(article.LeadImageId, (await PictureRowAsync(sameBytes))?.ImageId);

        Assert.Contains("refused", (await PictureRowAsync(redirected))?.Error, StringComparison.Ordinal);
        Assert.Contains("refused", (await PictureRowAsync(literal))?.Error, StringComparison.Ordinal);
        Assert.Contains("404", (await PictureRowAsync(missing))?.Error, StringComparison.Ordinal);
        Assert.Contains("text/html", (await PictureRowAsync(page))?.Error, StringComparison.Ordinal);
        Assert.Contains("larger than", (await PictureRowAsync(huge))?.Error, StringComparison.Ordinal);
        foreach (var bad in new[] { redirected, literal, missing, page, huge })
        {
            Assert.Null((await PictureRowAsync(bad))?.ImageId);
        }

        // A second draft from the same item fetches nothing again and makes no new image.
        var images = await app.WithDbAsync(db => db.Images.CountAsync());
        var again = await app.ArticleAsync(await DraftAsync(item.Id));
        Assert.Equal(article.LeadImageId, again.LeadImageId);
        Assert.Equal(images, await app.WithDbAsync(db => db.Images.CountAsync()));
        Assert.Equal(1, feeds.FullAnswers($"/pic/{tag}/lead.jpg"));
        Assert.Equal(1, feeds.FullAnswers($"/pic/{tag}/body.png"));

        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        var desk = await contributor.PageAsync("/newsroom/wire?item=" + item.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(5, desk.QuerySelectorAll("[data-picture-state=failed]").Length);
        Assert.Equal(3, desk.QuerySelectorAll("[data-picture-state=stored]").Length);
    }

    [DatabaseTheory]
    [InlineData("rss")]
    [InlineData("newsml")]
    public async Task Rss_enclosures_and_newsml_links_become_the_drafts_lead_picture(string kind)
    {
        var tag = Guid.NewGuid().ToString("N");
        feeds.Serve($"/pic/{tag}.jpg", new FeedDocument(TestImages.Jpeg(500, 300), "image/jpeg"));
        var copy = new WireCopy(Unique("urn:" + kind), "Picture story " + tag, WireFeeds.Prose(43), Picture: feeds.Url($"/pic/{tag}.jpg"));
        var path = WireKit.NewPath(kind);
        feeds.Serve(path, FeedDocument.Xml(kind == "rss" ? WireFeeds.Rss(copy) : WireFeeds.NewsMl(copy)));
        var (source, _) = await app.SourceAsync("Agency " + kind, kind == "rss" ? WireFeedKind.RssAtom : WireFeedKind.NewsMlG2, feeds.Url(path),
            sectionId: (await app.Content.SectionAsync()).Id);
        await app.PollAsync(source);
        var item = Assert.Single(await app.ItemsAsync(source));

        var article = await app.ArticleAsync(await DraftAsync(item.Id));

        var image = await app.WithDbAsync(db => db.Images.AsNoTracking().FirstAsync(i => i.Id == article.LeadImageId));
        Assert.Equal("Agency " + kind, image.Credit);
        Assert.Equal(500, image.Width);
    }
}

public sealed class WirePictureTestsOnSqlite(WireSqliteApp app) : WirePictureTests(app, app.Feeds), IClassFixture<WireSqliteApp>;

public sealed class WirePictureTestsOnPostgres(WirePostgresApp app) : WirePictureTests(app, app.Feeds), IClassFixture<WirePostgresApp>;
