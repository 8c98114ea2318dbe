using Byline.Tests.Site;
using Byline.Tests.Support;

namespace Byline.Tests.Distribution;

/// <summary>The video pages (/shows, a show, episodes with each kind of player, /live on and off air) pass the W3C Nu HTML Checker.</summary>
public abstract class ShowHtmlValidityTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Every_video_page_type_passes_the_nu_html_checker()
    {
        var art = await app.Content.ImageAsync();
        var show = await ShowContent.ShowAsync(app, artwork: art);
        var bare = await ShowContent.ShowAsync(app);
        var mp4 = await ShowContent.EpisodeAsync(app, show, ShowContent.Mp4(), thumbnail: art);
        var hls = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);
        var embed = await ShowContent.EpisodeAsync(app, show, ShowContent.YouTube, thumbnail: art);
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync());

        var dir = Path.Combine(BylineApp.TempRoot, $"vnu-shows-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var files = new List<string>();
            async Task SaveAsync(string name, string path)
            {
                using var response = await app.GetAsync(path);
                Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
                var file = Path.Combine(dir, name + ".html");
                await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());
                files.Add(file);
            }
            await SaveAsync("shows", "/shows");
            await SaveAsync("show", $"/shows/{show.Slug}");
            await SaveAsync("show-empty", $"/shows/{bare.Slug}");
            await SaveAsync("episode-mp4", mp4.Path);
            await SaveAsync("episode-hls", hls.Path);
            await SaveAsync("episode-embed", embed.Path);
            await SaveAsync("article-with-top-shows", story.Path);
            await app.Content.SettingsAsync(s => s with { LiveTv = new() });
            await SaveAsync("live-off-air", "/live");
            await app.Content.SettingsAsync(s => s with { LiveTv = new() { StreamUrl = "https://live.example.org/master.m3u8", Title = "Byline Live", Description = "Our channel.", PosterImageId = art.Id } });
            await SaveAsync("live-on-air", "/live");
            await app.Content.SettingsAsync(s => s with { LiveTv = new() });

            var errors = await NuChecker.ErrorsAsync(files);
            Assert.True(errors.Count == 0, "The Nu HTML Checker found errors:\n" + string.Join('\n', errors));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class ShowHtmlValidityOnSqlite(SqliteApp app) : ShowHtmlValidityTests(app), IClassFixture<SqliteApp>;

public sealed class ShowHtmlValidityOnPostgres(PostgresApp app) : ShowHtmlValidityTests(app), IClassFixture<PostgresApp>;
