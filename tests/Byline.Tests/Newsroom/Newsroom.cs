using System.Globalization;
using System.Security.Claims;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

/// <summary>Newsroom accounts and story writes straight through the app's services, for the workflow suites.</summary>
public static class NewsroomServices
{
    public static async Task<Actor> UserAsync(this BylineApp app, string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(app);
        var name = TestContent.Unique(role.ToLowerInvariant());
        var user = await app.WithDbAsync(async db =>
        {
            var u = new BylineUser
            {
                UserName = name,
                NormalizedUserName = name.ToUpperInvariant(),
                Email = name + "@example.test",
                NormalizedEmail = (name + "@example.test").ToUpperInvariant(),
                SecurityStamp = Guid.NewGuid().ToString("N"),
                DisplayName = name,
                CreatedAt = TestContent.Now(),
            };
            db.Users.Add(u);
            await db.SaveChangesAsync();
            return u;
        });
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, name),
                new Claim(ClaimTypes.Role, role),
            ], "test");
        return Actor.From(new ClaimsPrincipal(identity));
    }

    public static async Task<T> PublishingAsync<T>(this BylineApp app, Func<PublishingService, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PublishingService>());
    }

    public static Task<PublishResult> CreateAsync(this BylineApp app, StoryInput input, Actor actor) =>
        app.PublishingAsync(p => p.CreateAsync(input, actor, CancellationToken.None));

    public static Task<PublishResult> ApplyAsync(this BylineApp app, int id, StoryCommand command, Actor actor) =>
        app.PublishingAsync(p => p.ApplyAsync(id, command, actor, CancellationToken.None));

    public static StoryInput Story(Section section, params string[] tags) => section is null ? throw new ArgumentNullException(nameof(section)) : new()
    {
        Headline = "Story " + Guid.NewGuid().ToString("N")[..10] + " makes the news",
        Standfirst = "One sentence that sums it up.",
        BodyMarkdown = "First paragraph of the story.\n\n## A sub-heading\n\nSecond paragraph with **bold** words.",
        SectionId = section.Id,
        Tags = tags,
    };

    public static Task<Article> ArticleAsync(this BylineApp app, int id)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(db => db.Articles.Include(a => a.Tags).Include(a => a.Authors).AsSplitQuery().FirstAsync(a => a.Id == id));
    }

    public static Task<List<ArticleRevision>> RevisionsAsync(this BylineApp app, int id)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(db => db.ArticleRevisions.Where(r => r.ArticleId == id).OrderBy(r => r.Number).ToListAsync());
    }

    public static Task<int> AuditCountAsync(this BylineApp app, int id, string action)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "article" && e.EntityId == id.ToString(CultureInfo.InvariantCulture) && e.Action == action));
    }

    /// <summary>A contributor's draft, as the newsroom makes it.</summary>
    public static async Task<(int Id, int Version)> DraftAsync(this BylineApp app, Actor author, StoryInput input)
    {
        var created = await app.CreateAsync(input, author);
        Assert.True(created.Succeeded, $"create failed: {created.Outcome} {string.Join("; ", created.Errors ?? new Dictionary<string, string>())}");
        return (created.ArticleId, created.Version);
    }
}
