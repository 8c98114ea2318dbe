using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

public abstract class StaticFilesTests(BylineApp app)
{
    private async Task<HttpResponseMessage> SendAsync(string path, string? acceptEncoding, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return await app.Client.SendAsync(request);
    }

    private static byte[] Decode(string? coding, byte[] body)
    {
        if (coding is null)
        {
            return body;
        }
        using Stream decoder = coding == "br"
            ? new BrotliStream(new MemoryStream(body), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        decoder.CopyTo(plain);
        return plain.ToArray();
    }

    [DatabaseTheory]
    [InlineData("/site.css", "br", "br")]
    [InlineData("/site.css", "gzip", "gzip")]
    [InlineData("/site.css", "gzip, deflate, br", "br")]
    [InlineData("/site.js", "br", "br")]
    [InlineData("/site.js", "gzip", "gzip")]
    [InlineData("/site.css", "br;q=0, gzip", "gzip")]
    public async Task Stylesheet_and_script_come_compressed_in_the_accepted_coding(string path, string accept, string expected)
    {
        using var plain = await SendAsync(path, null);
        var identity = await plain.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);

        using var response = await SendAsync(path, accept);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([expected], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.True(body.Length < identity.Length, $"{expected} body of {path} is {body.Length} bytes, identity {identity.Length}");
        Assert.Equal(identity, Decode(expected, body));
        Assert.Equal(plain.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag.IsWeak);
        Assert.NotEqual(plain.Headers.ETag, response.Headers.ETag);
    }

    [DatabaseTheory]
    [InlineData("br")]
    [InlineData("gzip")]
    [InlineData(null)]
    public async Task A_matching_etag_answers_304_in_each_coding(string? coding)
    {
        using var first = await SendAsync("/site.css", coding);
        var etag = first.Headers.ETag?.Tag;
        Assert.NotNull(etag);

        using var again = await SendAsync("/site.css", coding, etag);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag?.Tag);
    }

    [DatabaseFact]
    public async Task The_etag_of_one_coding_does_not_validate_another()
    {
        using var gzip = await SendAsync("/site.css", "gzip");

        using var br = await SendAsync("/site.css", "br", gzip.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.OK, br.StatusCode);
        Assert.Equal(["br"], br.Content.Headers.ContentEncoding);
    }

    [DatabaseFact]
    public async Task The_versioned_link_on_a_page_is_cached_for_a_year_and_compressed()
    {
        var home = await app.PageAsync("/");
        // The site's own stylesheet (pages with ad slots link /ads/slots.css beside it).
        var href = home.One("link[rel=stylesheet][href^=\"/site.css\"]").GetAttribute("href");
        Assert.Contains("?v=", href, StringComparison.Ordinal);

        using var response = await SendAsync(href!, "br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        Assert.Contains(response.Headers.CacheControl!.Extensions, e => e.Name == "immutable");
    }

    [DatabaseFact]
    public async Task A_head_request_sends_headers_without_a_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri("/site.css", UriKind.Relative));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}

public sealed class StaticFilesOnSqlite(SqliteApp app) : StaticFilesTests(app), IClassFixture<SqliteApp>;

public sealed class StaticFilesOnPostgres(PostgresApp app) : StaticFilesTests(app), IClassFixture<PostgresApp>;
