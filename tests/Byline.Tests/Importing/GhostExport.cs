using System.IO.Compression;
using System.Text.Json;

namespace Byline.Tests.Importing;

/// <summary>One post of a generated Ghost export.</summary>
internal sealed record GhostPostSpec(string Id, string Title, string Slug)
{
    public string Type { get; init; } = "post";
    public string Status { get; init; } = "published";
    public string Visibility { get; init; } = "public";
    public string? Lexical { get; init; }
    public string? Mobiledoc { get; init; }
    public string? Html { get; init; }
    public string? FeatureImage { get; init; }
    public string? Excerpt { get; init; }
    public DateTime PublishedAt { get; init; } = new(2024, 5, 2, 8, 0, 0, DateTimeKind.Utc);
    public string[] Tags { get; init; } = [];
    public string[] Authors { get; init; } = [];
    public string? MetaTitle { get; init; }
    public string? MetaDescription { get; init; }
}

/// <summary>
/// Writes a Ghost export the way Ghost 5 does (<c>{"db":[{"meta":…,"data":{"posts":[…],…}}]}</c>), with
/// ids made unique per test (24 hex digits like Ghost's ObjectIds), and optionally a zip with pictures.
/// </summary>
internal sealed class GhostExport
{
    private readonly string _prefix = Guid.NewGuid().ToString("N")[..16];

    public List<GhostPostSpec> Posts { get; } = [];
    public List<(string Id, string Name, string Slug)> Tags { get; } = [];
    public List<(string Id, string Name, string Slug)> Users { get; } = [];

    /// <summary>A Ghost-like id, unique to this export.</summary>
    public string Id(int n) => _prefix + n.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    public static string Paragraphs(params string[] texts) => Lexical(texts.Select(t => $$"""{"type":"paragraph","children":[{"type":"text","text":{{JsonSerializer.Serialize(t)}},"format":0}]}""").ToArray());

    public static string Lexical(params string[] nodes) => JsonSerializer.Serialize(new { root = new { type = "root", children = nodes.Select(n => JsonDocument.Parse(n).RootElement).ToArray() } });

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("db");
            w.WriteStartObject();
            w.WriteStartObject("meta");
            w.WriteNumber("exported_on", 1714636800000);
            w.WriteString("version", "5.82.0");
            w.WriteEndObject();
            w.WriteStartObject("data");
            w.WriteStartArray("posts");
            foreach (var p in Posts)
            {
                w.WriteStartObject();
                w.WriteString("id", p.Id);
                w.WriteString("uuid", "00000000-0000-4000-8000-" + p.Id[^12..]);
                w.WriteString("title", p.Title);
                w.WriteString("slug", p.Slug);
                WriteOrNull(w, "mobiledoc", p.Mobiledoc);
                WriteOrNull(w, "lexical", p.Lexical);
                WriteOrNull(w, "html", p.Html);
                WriteOrNull(w, "feature_image", p.FeatureImage);
                w.WriteBoolean("featured", false);
                w.WriteString("type", p.Type);
                w.WriteString("status", p.Status);
                w.WriteString("visibility", p.Visibility);
                w.WriteString("created_at", p.PublishedAt.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("updated_at", p.PublishedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("published_at", p.PublishedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
                WriteOrNull(w, "custom_excerpt", p.Excerpt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("posts_meta");
            foreach (var p in Posts.Where(p => p.MetaTitle is not null || p.MetaDescription is not null))
            {
                w.WriteStartObject();
                w.WriteString("id", "m" + p.Id[1..]);
                w.WriteString("post_id", p.Id);
                WriteOrNull(w, "meta_title", p.MetaTitle);
                WriteOrNull(w, "meta_description", p.MetaDescription);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tags");
            foreach (var (id, name, slug) in Tags)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WriteString("slug", slug);
                w.WriteNull("description");
                w.WriteString("visibility", name.StartsWith('#') ? "internal" : "public");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            Links(w, "posts_tags", "tag_id", p => p.Tags);
            w.WriteStartArray("users");
            foreach (var (id, name, slug) in Users)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WriteString("slug", slug);
                w.WriteString("email", slug + "@example.com");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            Links(w, "posts_authors", "author_id", p => p.Authors);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private void Links(Utf8JsonWriter w, string table, string column, Func<GhostPostSpec, string[]> ids)
    {
        w.WriteStartArray(table);
        foreach (var p in Posts)
        {
            var list = ids(p);
            // Written in reverse, so only sort_order (not the file's order) says which tag is primary.
            for (var i = list.Length - 1; i >= 0; i--)
            {
                w.WriteStartObject();
                w.WriteString("id", $"{p.Id}-{list[i]}");
                w.WriteString("post_id", p.Id);
                w.WriteString(column, list[i]);
                w.WriteNumber("sort_order", i);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    public string WriteJson(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"ghost-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, ToJson());
        return path;
    }

    /// <summary>A zip as a Ghost migration hands it over: the JSON and <c>content/images/…</c> beside it.</summary>
    public string WriteZip(string folder, IReadOnlyDictionary<string, byte[]> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"ghost-{Guid.NewGuid():N}.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        var json = zip.CreateEntry("site/export.json");
        using (var s = json.Open())
        {
            s.Write(ToJson());
        }
        foreach (var (name, bytes) in images)
        {
            using var s = zip.CreateEntry("site/content/images/" + name).Open();
            s.Write(bytes);
        }
        return path;
    }
}
