using System.Globalization;
using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.LiveBlogs;
using Byline.Tests.Site;
using Byline.Tests.Support;

namespace Byline.Tests.Security;

/// <summary>
/// The hostile-input corpus (<see cref="HostileCorpus"/>) against the real app on one database. A class of its
/// own: it signs in, posts hostile forms and trips the sign-in rate limit, which the other suites must not share.
/// </summary>
public abstract class HostileCorpusTests(BylineApp app)
{
    private const int AtLeast = 2000;

    [DatabaseFact]
    public async Task Two_thousand_hostile_requests_over_every_route_never_answer_a_server_error()
    {
        var routes = HostileCorpus.Routes(app, await RealValuesAsync());
        var newsroom = routes.Where(r => r.IsNewsroom).ToList();
        var clients = new Dictionary<string, NewsroomClient>(StringComparer.Ordinal) { ["anonymous"] = NewsroomClient.Anonymous(app) };
        try
        {
            foreach (var role in new[] { Roles.Contributor, Roles.Editor, Roles.Admin })
            {
                clients[role] = await NewsroomClient.SignInAsync(app, role);
            }
            var probes = new List<Probe>();
            // Anonymous: a third of every list on each public route, an eighth on the newsroom's (they redirect to sign-in).
            probes.AddRange(HostileCorpus.Requests("anonymous", routes.Where(r => !r.IsNewsroom), share: 3));
            probes.AddRange(HostileCorpus.Requests("anonymous", newsroom, share: 8));
            probes.AddRange(HostileCorpus.RawRequests("anonymous", routes, cookie: null, share: 3));
            // Signed in: a quarter of every list each, rotated so the three roles together send three quarters of it to each newsroom route.
            var offset = 0;
            foreach (var (who, client) in clients.Where(c => c.Key != "anonymous"))
            {
                probes.AddRange(HostileCorpus.Requests(who, newsroom, share: 4, offset: offset++));
                probes.AddRange(HostileCorpus.RawRequests(who, newsroom, client.Cookies.GetCookieHeader(client.Http.BaseAddress!), share: 7));
            }
            foreach (var (who, client) in clients)
            {
                // Forms as each identity sees them (with its antiforgery token): every page it can open.
                foreach (var route in who == "anonymous" ? routes : newsroom)
                {
                    // Headers first: a live-updates stream never ends.
                    using var response = await client.Http.GetAsync(new Uri(route.Path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
                    if (HostileCorpus.IsHtml(response))
                    {
                        probes.AddRange(HostileCorpus.FormPosts(who, route.Path, await NewsroomClient.ParseAsync(response), route.EndsSession));
                    }
                }
            }

            var failures = await HostileCorpus.RunAsync(probes, who => clients[who].Http, app.Client.BaseAddress!);

            Assert.True(probes.Count >= AtLeast, $"the corpus has {probes.Count} requests, fewer than {AtLeast}");
            var reached = probes.Select(p => p.Target).ToList();
            Assert.All(routes, r => Assert.Contains(r.Path, reached));
            Assert.True(failures.Count == 0,
                $"{failures.Count} of {probes.Count} hostile requests answered a server error or broke off:\n{string.Join('\n', failures.Take(80))}");
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Real content for every parameter the routes take, so hostile input reaches the code behind a found page.</summary>
    private async Task<Dictionary<string, string>> RealValuesAsync()
    {
        var section = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(section);
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var image = await app.Content.ImageAsync();
        var story = await app.Content.StoryAsync(sub, new StorySpec { Tags = [tag], Authors = [author], LeadImage = image });
        await app.Content.StoryAsync(section, new StorySpec { Status = ArticleStatus.Draft });
        await app.Content.StaticPageAsync("about");
        var show = await ShowContent.ShowAsync(app);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Mp4());
        var liveBlog = await LiveBlogKit.CreateAsync(app, section);
        string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
        string Key(Story s) => s.Path[(s.Path.LastIndexOf('/') + 1)..];
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["section"] = section.Slug,
            ["sub"] = sub.Slug,
            ["key"] = Key(story),
            ["slug"] = tag.Slug,
            [":slug"] = "about",
            ["tag:slug"] = tag.Slug,
            ["author:slug"] = author.Slug,
            ["shows:show"] = show.Slug,
            ["shows:key"] = Key(episode),
            ["media:key"] = image.Key,
            ["media:file"] = "w320.webp",
            ["live-updates:id"] = Id(liveBlog.Id),
            ["id"] = Id(story.Id),
            ["newsroom/shows:id"] = Id(show.Id),
            ["newsroom/stories:id"] = Id(liveBlog.Id),
            ["previewId"] = Id(story.Id),
            ["code"] = "404",
            ["number"] = "1",
            ["kind"] = "menus",
        };
    }
}

public sealed class HostileCorpusOnSqlite(SqliteApp app) : HostileCorpusTests(app), IClassFixture<SqliteApp>;

public sealed class HostileCorpusOnPostgres(PostgresApp app) : HostileCorpusTests(app), IClassFixture<PostgresApp>;
