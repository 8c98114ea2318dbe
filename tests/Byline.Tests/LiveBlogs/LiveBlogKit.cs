using System.Security.Claims;
using Byline.Content;
using Byline.LiveBlogs;
using Byline.Newsroom.LiveDesk;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.LiveBlogs;

/// <summary>Live blogs for tests: a story turned into a live blog, and the service called as a given role.</summary>
public static class LiveBlogKit
{
    /// <summary>A published (or other status) live blog in <paramref name="section"/>, with no updates yet.</summary>
    public static async Task<Story> CreateAsync(BylineApp app, Section section, ArticleStatus status = ArticleStatus.Published, int? createdBy = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var story = await app.Content.StoryAsync(section, new StorySpec { Status = status, Paragraphs = 2, Headline = $"Live: {Byline.Tests.Discovery.DiscoveryTestKit.Word()} as it happens" });
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Format, StoryFormat.LiveBlog).SetProperty(a => a.CreatedById, createdBy)));
        // With the story's id, as the publishing service raises it: search indexes it too.
        await Byline.Tests.Discovery.DiscoveryTestKit.RaiseChangedAsync(app, story.Id);
        return story;
    }

    public static Actor Editor { get; } = As("Test editor", Roles.Editor);

    public static Actor As(string name, string role, int? userId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.Role, role) };
        if (userId is { } id)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return Actor.From(new ClaimsPrincipal(new ClaimsIdentity(claims, "test")));
    }

    /// <summary>Runs the live-blog service in a scope of its own, as one request would.</summary>
    public static async Task<T> WithServiceAsync<T>(BylineApp app, Func<LiveBlogService, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LiveBlogService>());
    }

    public static async Task<long> PostAsync(BylineApp app, int articleId, string body, string headline = "", bool pin = false)
    {
        var result = await WithServiceAsync(app, s => s.PostAsync(articleId, headline, body, pin, Editor, CancellationToken.None));
        Assert.True(result.Succeeded, $"posting answered {result.Outcome}: {string.Join("; ", result.Errors?.Values ?? [])}");
        return result.UpdateId;
    }
}
