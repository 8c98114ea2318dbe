using System.Net;
using Byline.Caching;
using Byline.Events;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Caching;

/// <summary>
/// nginx's proxy cache as the CDN in front of Byline, purged by the generic HTTP adapter: nginx-light has
/// no purge module, so the adapter sends <c>GET</c> with <c>X-Byline-Purge: 1</c> from loopback and
/// nginx's <c>proxy_cache_bypass</c> fetches the page again and replaces its copy (docs/caching.md).
/// A story's change refreshes exactly its page, its section front and the home page; another section's
/// pages stay the copies nginx already held.
/// </summary>
public abstract class NginxCdnTests(BylineApp app)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [DatabaseFact]
    public async Task A_story_change_refreshes_exactly_its_pages_in_nginx_and_leaves_another_section_cached()
    {
        var mine = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(mine, new StorySpec { PublishedAt = TestContent.Now().AddDays(-2) });
        var unrelated = await app.Content.StoryAsync(other, new StorySpec { PublishedAt = TestContent.Now().AddDays(-2) });
        await using var nginx = await NginxCache.StartAsync(app.Client.BaseAddress!);
        var options = app.Services.GetRequiredService<IOptionsMonitor<CacheOptions>>().CurrentValue;
        try
        {
            // Nothing from making the content is still on its way to the CDN adapter.
            var dispatcher = app.Services.GetRequiredService<ContentEventDispatcher>();
            await Poll.UntilAsync(async () => (await dispatcher.StatusAsync(CancellationToken.None)).Consumers.Single(c => c.Name == "cdn-purge").Behind == 0,
                "the CDN purges of the set-up delivered", Deadline);
            options.Cdn = new CdnOptions
            {
                Kind = CdnKind.Http,
                Http = new HttpCdnOptions { BaseUrl = nginx.Address, Method = "GET", Headers = new(StringComparer.OrdinalIgnoreCase) { ["X-Byline-Purge"] = "1" } },
            };
            string[] pages = ["/", "/" + mine.Slug, story.Path, "/" + other.Slug, unrelated.Path];
            var before = new Dictionary<string, string>();
            foreach (var path in pages)
            {
                before[path] = await nginx.HitAsync(path);
            }
            Assert.Contains(story.Headline, before[story.Path], StringComparison.Ordinal);
            var changed = "Changed " + TestContent.Unique("headline");
            await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Headline, changed)));

            await app.Content.ArticlesChangedAsync([story.Id]);

            await Poll.UntilAsync(async () => (await nginx.HitAsync(story.Path)).Contains(changed, StringComparison.Ordinal), "nginx serving the changed story from its cache", Deadline);
            await Poll.UntilAsync(() => Task.FromResult(nginx.Refreshed().Contains("/")), "the home page refreshed", Deadline);
            await Poll.UntilAsync(async () => (await nginx.HitAsync("/" + mine.Slug)).Contains(changed, StringComparison.Ordinal), "nginx serving the refreshed section front", Deadline);
            var refreshed = nginx.Refreshed();
            Assert.Contains(story.Path, refreshed);
            Assert.Contains("/" + mine.Slug, refreshed);
            Assert.DoesNotContain("/" + other.Slug, refreshed);
            Assert.DoesNotContain(unrelated.Path, refreshed);
            Assert.Subset(new HashSet<string> { "/", "/" + mine.Slug, story.Path, "/sitemap", "/sitemap.xml", "/news-sitemap.xml" }, refreshed.ToHashSet());
            // The other section's pages are still nginx's copies from before: served as HITs, same bytes.
            Assert.Equal(before["/" + other.Slug], await nginx.HitAsync("/" + other.Slug));
            Assert.Equal(before[unrelated.Path], await nginx.HitAsync(unrelated.Path));
        }
        finally
        {
            options.Cdn = new CdnOptions();
        }
    }

    /// <summary>nginx with a proxy cache, configured as docs/caching.md shows for the generic HTTP purge.</summary>
    private sealed class NginxCache : IAsyncDisposable
    {
        private readonly NginxProcess _nginx;

        private NginxCache(NginxProcess nginx) => _nginx = nginx;

        public Uri Address => _nginx.Address;

        private HttpClient Client => _nginx.Client;

        public static async Task<NginxCache> StartAsync(Uri origin) =>
            new(await NginxProcess.StartAsync("nginx-cdn", (folder, port) => $$"""
                  proxy_cache_path {{folder}}/cache levels=1:2 keys_zone=byline:4m max_size=64m inactive=10m use_temp_path=off;
                  geo $byline_purger { default 0; 127.0.0.1 1; ::1 1; }
                  map "$byline_purger:$http_x_byline_purge" $byline_refresh { default 0; "1:1" 1; }
                  map $http_accept_encoding $byline_coding { default ""; "~*\bbr\b" br; "~*\bgzip\b" gzip; }
                  log_format purge '$byline_refresh $request_method $request_uri $upstream_cache_status';
                  server {
                    listen 127.0.0.1:{{port}};
                    access_log {{folder}}/access.log purge;
                    location / {
                      proxy_pass {{origin.GetLeftPart(UriPartial.Authority)}};
                      proxy_http_version 1.1;
                      proxy_set_header Host $http_host;
                      proxy_set_header Connection "";
                      proxy_set_header Accept-Encoding $byline_coding;
                      proxy_set_header X-Byline-Purge "";
                      proxy_cache byline;
                      proxy_cache_key "$scheme$http_host$request_uri:$byline_coding";
                      proxy_ignore_headers Vary;
                      proxy_cache_valid 200 10m;
                      proxy_cache_bypass $byline_refresh;
                      add_header X-CDN $upstream_cache_status always;
                    }
                  }
                """));

        /// <summary>GETs a page until nginx answers it from its cache, and returns that body.</summary>
        public async Task<string> HitAsync(string path)
        {
            string body = "";
            await Poll.UntilAsync(async () =>
            {
                using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                body = await response.Content.ReadAsStringAsync();
                return response.Headers.TryGetValues("X-CDN", out var v) && v.Single() == "HIT";
            }, "nginx HIT for " + path, Deadline);
            return body;
        }

        /// <summary>The paths the purge adapter made nginx fetch again (its access log, refresh flag set).</summary>
        public List<string> Refreshed()
        {
            var log = Path.Combine(_nginx.Folder, "access.log");
            if (!File.Exists(log))
            {
                return [];
            }
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' '))
                .Where(p => p.Length >= 3 && p[0] == "1")
                .Select(p => p[2])];
        }

        public ValueTask DisposeAsync() => _nginx.DisposeAsync();
    }
}

public sealed class NginxCdnOnSqlite(SqliteApp app) : NginxCdnTests(app), IClassFixture<SqliteApp>;

public sealed class NginxCdnOnPostgres(PostgresApp app) : NginxCdnTests(app), IClassFixture<PostgresApp>;
