using System.Globalization;
using System.Net;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Home-page curation by drag and drop (issue 19, point 9): the whole Top Stories order saved in one
/// post, a stale order refused, and the preview route drawing the real home page from an unsaved order.
/// </summary>
public abstract class CurationOrderTests(BylineApp app)
{
    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    [DatabaseFact]
    public async Task A_new_order_is_saved_in_one_post_a_stale_one_is_refused_and_the_preview_draws_an_unsaved_order()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();
        var a = await app.Content.StoryAsync(section);
        var b = await app.Content.StoryAsync(section);
        var c = await app.Content.StoryAsync(section);
        await app.WithDbAsync(async db => await db.CuratedItems.Where(x => x.List == "top").ExecuteDeleteAsync());
        await app.Content.CurateAsync("top", a, b, c);
        var items = await app.WithDbAsync(db => db.CuratedItems.Where(x => x.List == "top").OrderBy(x => x.Position).Select(x => new { x.Id, x.ArticleId }).ToListAsync());
        string ItemOf(int article) => Id(items.Single(i => i.ArticleId == article).Id);

        // The preview is the home page itself, drawn from the order given (c first), the saved one untouched.
        var preview = await editor.PageAsync($"/newsroom/curation/top/preview?order={c.Id},{a.Id},{b.Id}");
        Assert.Contains(c.Path, preview.One("section.top-stories article.lead-story").LinkPaths("a"));
        var home = await app.PageAsync("/");
        Assert.Contains(a.Path, home.One("section.top-stories article.lead-story").LinkPaths("a"));

        using var saved = await editor.SubmitAsync("/newsroom/curation/top",
            new Dictionary<string, string> { ["order"] = $"{ItemOf(c.Id)},{ItemOf(a.Id)},{ItemOf(b.Id)}" }, "form[data-form=order]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal([c.Id, a.Id, b.Id], await app.WithDbAsync(db => db.CuratedItems.Where(x => x.List == "top").OrderBy(x => x.Position).Select(x => x.ArticleId).ToListAsync()));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.CurationSaved && e.Details.StartsWith("reordered"))));
        await Poll.UntilAsync(async () => (await app.PageAsync("/")).One("section.top-stories article.lead-story").LinkPaths("a").Contains(c.Path),
            "the home page leading with the story moved first", TimeSpan.FromSeconds(30));

        // An order missing a story (the list changed since the page was loaded) is refused and nothing moves.
        using var stale = await editor.SubmitAsync("/newsroom/curation/top",
            new Dictionary<string, string> { ["order"] = $"{ItemOf(b.Id)},{ItemOf(a.Id)}" }, "form[data-form=order]");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await NewsroomClient.ParseAsync(stale)).One("[data-error-for=Order]").TextContent));
        using var garbage = await editor.SubmitAsync("/newsroom/curation/top",
            new Dictionary<string, string> { ["order"] = "x,y" }, "form[data-form=order]");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal([c.Id, a.Id, b.Id], await app.WithDbAsync(db => db.CuratedItems.Where(x => x.List == "top").OrderBy(x => x.Position).Select(x => x.ArticleId).ToListAsync()));

        // The preview is for editors only, never cached, framable by the newsroom itself.
        using var asEditor = await editor.GetAsync("/newsroom/curation/top/preview?order=1,2");
        Assert.Equal("no-store", asEditor.Headers.CacheControl?.ToString());
        Assert.Equal("SAMEORIGIN", string.Join("", asEditor.Headers.GetValues("X-Frame-Options")));
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var refused = await contributor.GetAsync("/newsroom/curation/top/preview");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}

public sealed class CurationOrderOnSqlite(SqliteApp app) : CurationOrderTests(app), IClassFixture<SqliteApp>;

public sealed class CurationOrderOnPostgres(PostgresApp app) : CurationOrderTests(app), IClassFixture<PostgresApp>;
