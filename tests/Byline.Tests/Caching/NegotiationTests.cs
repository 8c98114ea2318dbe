using Byline.Caching;
using Microsoft.AspNetCore.Http;

namespace Byline.Tests.Caching;

public class NegotiationTests
{
    [Theory]
    [InlineData(null, Coding.Identity)]
    [InlineData("gzip", Coding.Gzip)]
    [InlineData("gzip, deflate, br, zstd", Coding.Brotli)]
    [InlineData("br;q=0, gzip", Coding.Gzip)]
    [InlineData("gzip;q=0", Coding.Identity)]
    [InlineData("*", Coding.Brotli)]
    [InlineData("deflate", Coding.Identity)]
    [InlineData("GZIP ; q=0.5", Coding.Gzip)]
    public void Brotli_is_preferred_then_gzip_and_q0_refuses(string? header, Coding expected) =>
        Assert.Equal(expected, OutputCacheMiddleware.Negotiate(header));

    [Theory]
    [InlineData("GET", "/world", null, true)]
    [InlineData("HEAD", "/world/story-12", null, true)]
    [InlineData("POST", "/world", null, false)]
    [InlineData("GET", "/newsroom/stories", null, false)]
    [InlineData("GET", "/api/v1/articles", null, false)]
    [InlineData("GET", "/healthz", null, false)]
    [InlineData("GET", "/site.css", null, false)]
    [InlineData("GET", "/rss.xml", null, true)]
    [InlineData("GET", "/robots.txt", null, true)]
    [InlineData("GET", "/world", "theme=dark", true)]
    public void Only_anonymous_reads_of_reader_paths_are_eligible(string method, string path, string? cookie, bool eligible)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }
        Assert.Equal(eligible, OutputCacheMiddleware.IsEligible(context.Request, new CacheOptions()));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("?page=2", "?page=2")]
    [InlineData("?utm_source=x", "")]
    [InlineData("?page=2&utm_source=x&r=123", "?page=2")]
    [InlineData("?q=harbour&fbclid=1&section=world", "?q=harbour&section=world")]
    [InlineData("?p%61ge=3&x=1", "?p%61ge=3")]
    [InlineData("?PAGE=3", "?PAGE=3")]
    [InlineData("?&&page=2&", "?page=2")]
    [InlineData("?", "")]
    public void Only_the_parameters_pages_read_stay_in_the_query(string query, string expected)
    {
        ArgumentNullException.ThrowIfNull(query);
        var canonical = OutputCacheMiddleware.CanonicalQuery(new QueryString(query.Length == 0 ? null : query), new CacheOptions().QueryParameters);

        Assert.Equal(expected, canonical.Value ?? "");
    }
}
