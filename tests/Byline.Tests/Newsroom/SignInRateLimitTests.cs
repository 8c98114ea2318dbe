using System.Net;
using Byline.Newsroom;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Newsroom;

/// <summary>The per-address limit on sign-in posts. A class of its own: it spends its app's whole allowance.</summary>
public abstract class SignInRateLimitTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Sign_in_posts_beyond_the_limit_get_the_429_page_while_the_form_still_shows()
    {
        var limit = app.Services.GetRequiredService<IOptions<NewsroomOptions>>().Value.SignInPostsPerMinute;
        using var client = NewsroomClient.Anonymous(app);
        var token = await client.TokenAsync("/newsroom/signin");
        HttpStatusCode last = default;

        for (var i = 0; i <= limit && last != HttpStatusCode.TooManyRequests; i++)
        {
            using var post = await client.PostAsync("/newsroom/signin",
                [new("Email", "nobody@newsroom.test"), new("Password", "Wrong-password-1!"), new(NewsroomClient.TokenField, token)]);
            last = post.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("429", (await NewsroomClient.ParseAsync(post)).One("[data-status]").GetAttribute("data-status"));
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        using var form = await client.GetAsync("/newsroom/signin");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
    }
}

public sealed class SignInRateLimitTestsOnSqlite(SqliteApp app) : SignInRateLimitTests(app), IClassFixture<SqliteApp>;

public sealed class SignInRateLimitTestsOnPostgres(PostgresApp app) : SignInRateLimitTests(app), IClassFixture<PostgresApp>;
