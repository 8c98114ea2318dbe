using System.Globalization;
using System.Text.Json;
using Byline.Content;
using Byline.Publishing;

namespace Byline.Api.Admin;

/// <summary>
/// A story's fields as the admin API takes them, laid over a starting <see cref="StoryInput"/>: only the
/// properties present change it (a PATCH), or the start is blank (a create, a PUT). Read strictly: a
/// property we do not know, one given twice, or a value of the wrong JSON type is a 400 naming the field;
/// what the values mean (lengths, sections, formats) is the newsroom's own validation, in the service.
/// </summary>
public static class StoryJson
{
    private delegate StoryInput Apply(StoryInput story, JsonElement value, string path);

    private static readonly Dictionary<string, Apply> Fields = new(StringComparer.Ordinal)
    {
        ["headline"] = (s, v, p) => s with { Headline = Text(v, p) },
        ["slug"] = (s, v, p) => s with { Slug = Text(v, p) },
        ["standfirst"] = (s, v, p) => s with { Standfirst = Text(v, p) },
        ["body"] = (s, v, p) => s with { BodyMarkdown = Text(v, p).Replace("\r\n", "\n", StringComparison.Ordinal) },
        ["sectionId"] = (s, v, p) => s with { SectionId = Number(v, p) },
        ["tags"] = (s, v, p) => s with { Tags = List(v, p, Text) },
        ["authorIds"] = (s, v, p) => s with { AuthorIds = List(v, p, (e, q) => Number(e, q) ?? throw WrongType(q, "a whole number")) },
        ["leadImageId"] = (s, v, p) => s with { LeadImageId = Number(v, p) },
        ["leadImageAlt"] = (s, v, p) => s with { LeadImageAlt = Optional(v, p) },
        ["leadImageCaption"] = (s, v, p) => s with { LeadImageCaption = Optional(v, p) },
        ["leadImageCredit"] = (s, v, p) => s with { LeadImageCredit = Optional(v, p) },
        ["attribution"] = (s, v, p) => s with { Attribution = Text(v, p) },
        ["seoTitle"] = (s, v, p) => s with { SeoTitle = Optional(v, p) },
        ["seoDescription"] = (s, v, p) => s with { SeoDescription = Optional(v, p) },
        ["format"] = (s, v, p) => s with { Format = Format(v, p) },
        ["linkedStoryId"] = (s, v, p) => s with { LinkedArticleId = Number(v, p) },
        ["showId"] = (s, v, p) => s with { ShowId = Number(v, p) },
        ["slides"] = (s, v, p) => s with { Extras = s.Extras with { Slides = List(v, p, SlideOf) } },
        ["video"] = (s, v, p) => s with { Extras = s.Extras with { Video = VideoOf(v, p) } },
        ["keyFacts"] = (s, v, p) => s with { Extras = s.Extras with { KeyFacts = List(v, p, Text) } },
        ["pinnedIds"] = (s, v, p) => s with { Extras = s.Extras with { PinnedIds = List(v, p, (e, q) => Number(e, q) ?? throw WrongType(q, "a whole number")) } },
    };

    /// <summary>The property names a story body may carry, for the docs and the OpenAPI description.</summary>
    public static IReadOnlyCollection<string> Names => Fields.Keys;

    /// <summary>The newsroom's error keys that the API spells differently.</summary>
    private static readonly Dictionary<string, string> ErrorNames = new(StringComparer.Ordinal)
    {
        ["linkedArticleId"] = "linkedStoryId",
        ["videoUrl"] = "video",
        ["videoDuration"] = "video",
    };

    public static StoryInput Read(JsonElement root, StoryInput start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var story = start;
        foreach (var (name, value) in Properties(root, ""))
        {
            if (!Fields.TryGetValue(name, out var apply))
            {
                throw new ApiRefusalException(ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.UnknownProperty,
                    $"A story has no property '{Cut(name)}'.", Cut(name)));
            }
            story = apply(story, value, name);
        }
        return story;
    }

    /// <summary>The service's messages under the names this API uses.</summary>
    public static IReadOnlyDictionary<string, string> Errors(IReadOnlyDictionary<string, string> errors) =>
        (errors ?? throw new ArgumentNullException(nameof(errors)))
            .GroupBy(e => ErrorNames.GetValueOrDefault(e.Key, e.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Value)), StringComparer.Ordinal);

    /// <summary>The properties of an object, refusing anything else and any name given twice.</summary>
    internal static IEnumerable<(string Name, JsonElement Value)> Properties(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(path, "an object");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var at = path.Length == 0 ? property.Name : path + "." + property.Name;
            if (!seen.Add(property.Name))
            {
                throw new ApiRefusalException(ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.DuplicateProperty,
                    $"'{Cut(at)}' is given more than once.", Cut(at)));
            }
            yield return (property.Name, property.Value);
        }
    }

    internal static ApiRefusalException WrongType(string path, string expected) =>
        new(ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.WrongType, $"'{Cut(path)}' must be {expected}.", Cut(path)));

    /// <summary>A string; null counts as empty.</summary>
    private static string Text(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => throw WrongType(path, "a string"),
    };

    private static string? Optional(JsonElement value, string path) => value.ValueKind == JsonValueKind.Null ? null : Text(value, path);

    private static int? Number(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt32(out var n) => n,
        _ => throw WrongType(path, "a whole number (or null)"),
    };

    private static IReadOnlyList<T> List<T>(JsonElement value, string path, Func<JsonElement, string, T> item)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(path, "an array");
        }
        return [.. value.EnumerateArray().Select((e, i) => item(e, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"))];
    }

    private static StoryFormat Format(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && StoryFormats.TryParseKey(value.GetString()!, out var format)
            ? format
            : throw WrongType(path, "one of " + string.Join(", ", StoryFormats.All.Select(StoryFormats.Key)));

    private static Slide SlideOf(JsonElement value, string path)
    {
        var slide = new Slide(null);
        foreach (var (name, v) in Properties(value, path))
        {
            var at = path + "." + name;
            slide = name switch
            {
                "imageId" => slide with { ImageId = Number(v, at) },
                "heading" => slide with { Heading = Text(v, at).Trim() },
                "text" => slide with { Text = Text(v, at).Trim() },
                "credit" => slide with { Credit = Text(v, at).Trim() },
                "alt" => slide with { Alt = Text(v, at).Trim() },
                _ => throw new ApiRefusalException(ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.UnknownProperty,
                    $"A slide has no property '{Cut(name)}'.", Cut(at))),
            };
        }
        return slide;
    }

    private static VideoSource? VideoOf(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var video = new VideoSource(VideoKind.Upload, "");
        foreach (var (name, v) in Properties(value, path))
        {
            var at = path + "." + name;
            video = name switch
            {
                "kind" => video with { Kind = VideoKindOf(v, at) },
                "url" => video with { Url = Text(v, at).Trim() },
                "durationSeconds" => video with { DurationSeconds = Number(v, at) is int n and >= 0 ? n : throw WrongType(at, "a whole number of seconds") },
                _ => throw new ApiRefusalException(ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.UnknownProperty,
                    $"A video has no property '{Cut(name)}'.", Cut(at))),
            };
        }
        return video.Url.Length == 0 ? null : video;
    }

    private static VideoKind VideoKindOf(JsonElement value, string path) => value.ValueKind == JsonValueKind.String
        ? value.GetString() switch
        {
            "upload" => VideoKind.Upload,
            "hls" => VideoKind.Hls,
            "embed" => VideoKind.Embed,
            _ => throw WrongType(path, "upload, hls or embed"),
        }
        : throw WrongType(path, "upload, hls or embed");

    public static string VideoKindName(VideoKind kind) => kind switch
    {
        VideoKind.Hls => "hls",
        VideoKind.Embed => "embed",
        _ => "upload",
    };

    private static string Cut(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
