using System.Globalization;
using System.Text.Json.Nodes;
using Byline.Content;
using Byline.Site.Head;

namespace Byline.Site.Shows;

/// <summary>What an episode's VideoObject says.</summary>
public sealed record LdVideo(string Path, string Name, string Description, IReadOnlyList<string> ThumbnailPaths, DateTime UploadedUtc, VideoSource Video, string ShowName, string ShowPath);

/// <summary>
/// schema.org <c>VideoObject</c> for episodes, with the properties Google's video guidelines name:
/// name, description, thumbnailUrl, uploadDate (with offset), duration (ISO 8601) and contentUrl
/// (an uploaded file or an HLS playlist) or embedUrl (a platform's player).
/// </summary>
public static class VideoData
{
    public static JsonObject VideoObject(LdContext ctx, LdVideo v)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(v);
        var thumbs = new JsonArray();
        foreach (var t in v.ThumbnailPaths)
        {
            thumbs.Add(ctx.Absolute(t));
        }
        if (thumbs.Count == 0)
        {
            thumbs.Add(ctx.Absolute(DistributionAssets.Icon512));
        }
        var node = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "VideoObject",
            ["@id"] = ctx.Absolute(v.Path) + "#video",
            ["name"] = StructuredData.Headline(v.Name),
            ["description"] = string.IsNullOrWhiteSpace(v.Description) ? v.Name : v.Description,
            ["thumbnailUrl"] = thumbs,
            ["uploadDate"] = ctx.Dateline.Iso(v.UploadedUtc),
            ["url"] = ctx.Absolute(v.Path),
            ["inLanguage"] = ctx.Settings.Language,
            ["publisher"] = new JsonObject
            {
                ["@type"] = "NewsMediaOrganization",
                ["@id"] = ctx.OrganizationId,
                ["name"] = ctx.Settings.PublicationName,
            },
            ["partOfSeries"] = new JsonObject
            {
                ["@type"] = "CreativeWorkSeries",
                ["name"] = v.ShowName,
                ["url"] = ctx.Absolute(v.ShowPath),
            },
        };
        if (v.Video.DurationSeconds > 0)
        {
            node["duration"] = Duration(v.Video.DurationSeconds);
        }
        if (EmbedUrl(v.Video) is { } embed)
        {
            node["embedUrl"] = embed;
        }
        else
        {
            node["contentUrl"] = v.Video.Kind == VideoKind.Upload ? ctx.Absolute(v.Video.Url) : v.Video.Url;
        }
        return node;
    }

    /// <summary>"PT1H2M5S", "PT12M30S".</summary>
    public static string Duration(int seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        var text = "PT";
        if (t.Hours + (t.Days * 24) > 0)
        {
            text += (t.Hours + (t.Days * 24)).ToString(CultureInfo.InvariantCulture) + "H";
        }
        if (t.Minutes > 0)
        {
            text += t.Minutes.ToString(CultureInfo.InvariantCulture) + "M";
        }
        if (t.Seconds > 0 || text == "PT")
        {
            text += t.Seconds.ToString(CultureInfo.InvariantCulture) + "S";
        }
        return text;
    }

    /// <summary>"12:30", "1:02:05" for readers.</summary>
    public static string Clock(int seconds) =>
        seconds >= 3600
            ? TimeSpan.FromSeconds(seconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : TimeSpan.FromSeconds(seconds).ToString(@"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>The player address of an embed (youtube-nocookie or Vimeo), taken from the generated frame.</summary>
    public static string? EmbedUrl(VideoSource video)
    {
        ArgumentNullException.ThrowIfNull(video);
        if (video.Kind != VideoKind.Embed || Embeds.Html(video.Url) is not { } html)
        {
            return null;
        }
        const string marker = "src=\"";
        var at = html.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || !html.Contains("<iframe", StringComparison.Ordinal))
        {
            return null;
        }
        var start = at + marker.Length;
        var end = html.IndexOf('"', start);
        return end < 0 ? null : System.Net.WebUtility.HtmlDecode(html[start..end]);
    }
}

/// <summary>What the player partial needs.</summary>
public sealed record PlayerView(VideoSource Video, string Title, string? PosterPath, bool Live = false);
