using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Byline.Content;

/// <summary>
/// What kind of story a row of <see cref="Article"/> is. Every format shares the article's workflow,
/// revisions, scheduling, tags and search; the ones below <see cref="StoryFormats.FirstUnlisted"/> also
/// appear in the ordinary story lists (home, sections, tags, authors, feeds).
/// </summary>
public enum StoryFormat
{
    Article = 0,
    PhotoStory = 1,
    LiveBlog = 2,
    /// <summary>A headline and a summary of at most 60 words, optionally linked to a full story.</summary>
    ShortNews = 10,
    /// <summary>An episode of a video show.</summary>
    Episode = 11,
    WebStory = 12,
    /// <summary>A topic hub (event) page: pinned stories, then everything carrying its tags.</summary>
    Hub = 13,
}

public static class StoryFormats
{
    /// <summary>Formats from here up have their own streams and pages, not places in the story lists.</summary>
    public const StoryFormat FirstUnlisted = StoryFormat.ShortNews;

    public static bool IsListed(StoryFormat format) => format < FirstUnlisted;

    public static readonly StoryFormat[] All =
        [StoryFormat.Article, StoryFormat.PhotoStory, StoryFormat.LiveBlog, StoryFormat.ShortNews, StoryFormat.Episode, StoryFormat.WebStory, StoryFormat.Hub];

    public static string Label(StoryFormat format) => format switch
    {
        StoryFormat.PhotoStory => "Photo story",
        StoryFormat.LiveBlog => "Live blog",
        StoryFormat.ShortNews => "Short news",
        StoryFormat.Episode => "Video episode",
        StoryFormat.WebStory => "Web story",
        StoryFormat.Hub => "Topic hub",
        _ => "Article",
    };

    /// <summary>The small label lists and search results put on a story that is not a plain article; null for articles.</summary>
    public static string? SearchLabel(StoryFormat format) => format switch
    {
        StoryFormat.PhotoStory => "Photos",
        StoryFormat.LiveBlog => "Live blog",
        StoryFormat.ShortNews => "Short news",
        StoryFormat.Episode => "Video",
        StoryFormat.WebStory => "Web story",
        StoryFormat.Hub => "Topic hub",
        _ => null,
    };

    /// <summary>The query-string name of a format ("photo-story"), as the newsroom's "new story" links use it.</summary>
    public static string Key(StoryFormat format) => format switch
    {
        StoryFormat.PhotoStory => "photo-story",
        StoryFormat.LiveBlog => "live-blog",
        StoryFormat.ShortNews => "short",
        StoryFormat.Episode => "episode",
        StoryFormat.WebStory => "web-story",
        StoryFormat.Hub => "hub",
        _ => "article",
    };

    public static bool TryParseKey(string? key, out StoryFormat format)
    {
        foreach (var f in All)
        {
            if (string.Equals(Key(f), key, StringComparison.Ordinal))
            {
                format = f;
                return true;
            }
        }
        format = StoryFormat.Article;
        return false;
    }

    /// <summary>
    /// The reader URL of a story of any format. Articles, photo stories and live blogs live under their
    /// top-level section; the other formats under their own stream. <paramref name="showSlug"/> is needed
    /// only for episodes.
    /// </summary>
    public static string Path(StoryFormat format, string topSectionSlug, string slug, int id, string? showSlug = null)
    {
        var key = slug + "-" + id.ToString(CultureInfo.InvariantCulture);
        return format switch
        {
            StoryFormat.ShortNews => "/shorts/" + key,
            StoryFormat.Episode => "/shows/" + (showSlug ?? "episodes") + "/" + key,
            StoryFormat.WebStory => "/web-stories/" + key,
            StoryFormat.Hub => "/events/" + slug,
            _ => Slugs.ArticlePath(topSectionSlug, slug, id),
        };
    }

    /// <summary>First URL segments the formats' own pages use: no section may take one of these slugs.</summary>
    public static readonly string[] ReservedSegments = ["shorts", "shows", "live", "web-stories", "events", "photos"];
}

/// <summary>
/// The format-specific parts of a story, stored as JSON in <see cref="Article.FormatData"/> and carried
/// in every revision snapshot (so they are compared, restored and protected by the same version check).
/// </summary>
public sealed record FormatData
{
    /// <summary>Pictures of a photo story, or pages of a web story, in order.</summary>
    public IReadOnlyList<Slide> Slides { get; init; } = [];
    /// <summary>The video of an episode.</summary>
    public VideoSource? Video { get; init; }
    /// <summary>A topic hub's key facts, one line each.</summary>
    public IReadOnlyList<string> KeyFacts { get; init; } = [];
    /// <summary>A topic hub's pinned stories in the editors' order.</summary>
    public IReadOnlyList<int> PinnedIds { get; init; } = [];
    /// <summary>When a live blog was ended (UTC); null while it is running.</summary>
    public DateTime? LiveEndedAt { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool IsEmpty => Slides.Count == 0 && Video is null && KeyFacts.Count == 0 && PinnedIds.Count == 0 && LiveEndedAt is null;

    /// <summary>The column value: null for an ordinary article, so article rows stay small.</summary>
    public string? ToJson() => IsEmpty ? null : JsonSerializer.Serialize(this, Json);

    public static FormatData FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new FormatData();
        }
        try
        {
            return JsonSerializer.Deserialize<FormatData>(json, Json) ?? new FormatData();
        }
        catch (JsonException)
        {
            // A damaged column must not take the page down; the editor shows the parts as empty.
            return new FormatData();
        }
    }
}

/// <summary>One picture of a photo story (caption in <see cref="Text"/>) or one page of a web story (heading and text).</summary>
public sealed record Slide(int? ImageId, string Heading = "", string Text = "", string Credit = "", string Alt = "");

public enum VideoKind
{
    /// <summary>An MP4 uploaded to the media store; <see cref="VideoSource.Url"/> is its local path.</summary>
    Upload = 0,
    /// <summary>An HLS playlist (.m3u8) by absolute http(s) URL.</summary>
    Hls = 1,
    /// <summary>A page on a video platform, embedded by URL (the only case that loads a third party).</summary>
    Embed = 2,
}

public sealed record VideoSource(VideoKind Kind, string Url, int DurationSeconds = 0);
