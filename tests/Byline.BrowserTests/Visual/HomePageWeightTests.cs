using System.Net.Http.Headers;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// Issue 20's "home-page HTML under 60 KB compressed", held: the demo publication's home page as the server sends it
/// with gzip and with Brotli (bench/reader.md has the figures). It runs on the visual fixture's server, which already has
/// the demo content, rather than generating the demo once more in the server suite; the page's size does not depend on
/// the database.
/// </summary>
[Collection(VisualCollection.Name)]
public sealed class HomePageWeightTests(VisualSite site)
{
    public const int MaxCompressedBytes = 60 * 1024;

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task The_home_page_html_stays_under_60_KB_compressed(string encoding)
    {
        using var handler = new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None };
        using var http = new HttpClient(handler) { BaseAddress = site.Server.Address, Timeout = TimeSpan.FromMinutes(1) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        Assert.True(bytes < MaxCompressedBytes, $"the home page is {bytes:N0} bytes with {encoding}, over {MaxCompressedBytes:N0}");
        // Anything this small is an error page, not the home page.
        Assert.True(bytes > 1024, $"the home page is only {bytes} bytes with {encoding}: is it the home page?");
    }
}
