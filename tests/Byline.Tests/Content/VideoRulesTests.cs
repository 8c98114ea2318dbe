using Byline.Content;
using Byline.Media;
using Byline.Site.Shows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Byline.Tests.Content;

/// <summary>The MP4 check, the upload limit and the duration formats, without a server.</summary>
public sealed class VideoRulesTests
{
    private static byte[] Ftyp(string major, params string[] compatible)
    {
        var size = 16 + (4 * compatible.Length);
        var bytes = new List<byte> { 0, 0, (byte)(size >> 8), (byte)size };
        bytes.AddRange("ftyp"u8.ToArray());
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(major));
        bytes.AddRange(new byte[] { 0, 0, 0, 1 });
        foreach (var c in compatible)
        {
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(c));
        }
        return [.. bytes];
    }

    [Fact]
    public void Mp4_brands_pass_and_other_files_do_not()
    {
        Assert.True(VideoFiles.IsMp4(Ftyp("isom", "iso2", "avc1", "mp41")));
        Assert.True(VideoFiles.IsMp4(Ftyp("mp42")));
        Assert.True(VideoFiles.IsMp4(Ftyp("XXXX", "mp42")));
        Assert.False(VideoFiles.IsMp4(Ftyp("qt  ")));
        Assert.False(VideoFiles.IsMp4(Ftyp("heic", "mif1")));
        Assert.False(VideoFiles.IsMp4("RIFF\0\0\0\0WEBPVP8 "u8));
        Assert.False(VideoFiles.IsMp4("ftyp"u8));
        Assert.False(VideoFiles.IsMp4([]));
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_with_its_code_and_nothing_is_written()
    {
        var root = Path.Combine(Path.GetTempPath(), "byline-tests", "video-" + Guid.NewGuid().ToString("N"));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Byline:Media:Path"] = root }).Build();
        var store = MediaStore.Create(config);
        var videos = new VideoFiles(store, new VideoOptions { MaxVideoBytes = 16 }, NullLogger<VideoFiles>.Instance);
        var bytes = Ftyp("isom", "mp41", "avc1");

        using var stream = new MemoryStream(bytes);
        var result = await videos.SaveAsync(stream, bytes.Length, CancellationToken.None);

        Assert.Null(result.Url);
        Assert.Equal("too-large", result.Code);
        Assert.False(Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any());
    }

    [Theory]
    [InlineData(754, "PT12M34S", "12:34")]
    [InlineData(3725, "PT1H2M5S", "1:02:05")]
    [InlineData(60, "PT1M", "1:00")]
    [InlineData(0, "PT0S", "0:00")]
    public void Durations_read_as_iso_8601_and_as_a_clock(int seconds, string iso, string clock)
    {
        Assert.Equal(iso, VideoData.Duration(seconds));
        Assert.Equal(clock, VideoData.Clock(seconds));
    }

    [Fact]
    public void Embed_url_is_the_privacy_respecting_player_and_only_for_embeds()
    {
        Assert.Equal("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", VideoData.EmbedUrl(new VideoSource(VideoKind.Embed, "https://youtu.be/dQw4w9WgXcQ")));
        Assert.Equal("https://player.vimeo.com/video/76979871?dnt=1", VideoData.EmbedUrl(new VideoSource(VideoKind.Embed, "https://vimeo.com/76979871")));
        Assert.Null(VideoData.EmbedUrl(new VideoSource(VideoKind.Hls, "https://youtu.be/dQw4w9WgXcQ")));
        Assert.Null(VideoData.EmbedUrl(new VideoSource(VideoKind.Embed, "https://example.org/video")));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("https://live.example.org/master.m3u8", true)]
    [InlineData("http://live.example.org/master.m3u8", true)]
    [InlineData("not a url", false)]
    [InlineData("ftp://live.example.org/master.m3u8", false)]
    [InlineData("javascript:alert(1)", false)]
    public void Live_tv_stream_must_be_empty_or_an_http_address(string url, bool ok)
    {
        Assert.Equal(ok, !LiveTvSettings.Check(url, "Live", "").ContainsKey("StreamUrl"));
    }
}
