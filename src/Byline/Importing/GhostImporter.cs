using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Byline.Content;
using Byline.Events;
using Byline.Media;
using Byline.Redirects;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Importing;

/// <summary>
/// Imports a Ghost export (the JSON of Settings → Labs → Export, or a zip of it with the site's
/// <c>content/images</c>) in two streaming passes, like the WordPress importer and through the same
/// writer (<see cref="ImportStore"/>): the first reads tags, users and their links to posts and checks
/// the file; then the catalogue, the pictures, and the posts and pages a batch per transaction.
/// See docs/importing.md.
/// </summary>
internal sealed partial class GhostImporter(
    BylineDb db, ImportStore store, MediaOptions mediaOptions, ILogger<GhostImporter> log)
{
    public const string Origin = "ghost";
    /// <summary>Ghost's ids are 24-hex ObjectIds, unique across sites: one source serves every Ghost export.</summary>
    public const string Source = "ghost";
    /// <summary>Bumped when the mapping changes, so a re-run rewrites items imported by an older mapping.</summary>
    private const string Version = "ghost-2";
    /// <summary>What <c>__GHOST_URL__</c> stands for when the old site's address is not given.</summary>
    internal const string PlaceholderSite = "https://ghost.invalid";
    private const int PictureBatch = 25;
    internal static readonly string[] BodyFields = ["lexical", "mobiledoc", "html"];
    private static readonly string[] ImageFields = ["feature_image", "og_image"];

    [GeneratedRegex(@"__GHOST_URL__/content/images/[^""'\s)<>\\]+", RegexOptions.CultureInvariant)]
    private static partial Regex GhostImage();

    public async Task RunAsync(ImportOptions options, ImportReport report, Action<int, int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        using var archive = GhostArchive.Open(options.File);
        var scan = await Task.Run(() => Scan(archive, ct), ct);
        var run = new GhostRun(options, report, scan, archive);
        log.LogInformation("Ghost import: {Posts} posts and {Pages} pages, {Images} pictures", scan.Posts, scan.Pages, scan.Images.Count);
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        await store.LoadKnownAsync(run, ct);
        await CatalogAsync(run, ct);
        await PicturesAsync(run, ct);
        run.FreezeKnown();
        await store.WriteItemsAsync<GhostPost>(run, (sink, token) => ReadPosts(archive, sink, token), post => Prepare(run, post),
            post => post.Lexical.Length + post.Mobiledoc.Length + post.Html.Length + post.Excerpt.Length + post.Title.Length, scan.Posts + scan.Pages, progress, ct);
        await store.FixLinksAsync(run, ct);
    }

    // ---- first pass -----------------------------------------------------------------------------

    private static GhostScan Scan(GhostArchive archive, CancellationToken ct)
    {
        var scan = new GhostScan();
        using var json = archive.OpenJson();
        GhostJson.Read(json, table => table is "posts" or "tags" or "users" or "posts_tags" or "posts_authors" or "posts_meta", (table, row, _) =>
        {
            switch (table)
            {
                case "posts":
                    var id = Str(row, "id");
                    if (IsPage(row))
                    {
                        scan.Pages++;
                    }
                    else
                    {
                        scan.Posts++;
                    }
                    if (Str(row, "author_id") is { Length: > 0 } author)
                    {
                        // Ghost 0.x–1.x: one author on the post itself.
                        scan.Authors(id).Add((author, 0));
                    }
                    foreach (var field in ImageFields)
                    {
                        if (Str(row, field) is { Length: > 0 } image)
                        {
                            scan.Images.Add(image);
                        }
                    }
                    foreach (var field in BodyFields)
                    {
                        foreach (Match m in GhostImage().Matches(Str(row, field)))
                        {
                            scan.Images.Add(m.Value);
                        }
                    }
                    break;
                case "tags":
                    var name = Str(row, "name");
                    scan.Tags[Str(row, "id")] = new GhostTag(Str(row, "id"), name, Str(row, "slug"), Str(row, "description"),
                        Str(row, "visibility") == "internal" || name.StartsWith('#'));
                    break;
                case "users":
                    scan.Users[Str(row, "id")] = new GhostUser(Str(row, "id"), Str(row, "name"), Str(row, "slug"), Str(row, "bio"));
                    break;
                case "posts_tags":
                    scan.TagsOf(Str(row, "post_id")).Add((Str(row, "tag_id"), Int(row, "sort_order")));
                    break;
                case "posts_authors":
                    var list = scan.Authors(Str(row, "post_id"));
                    list.RemoveAll(a => a.Order == 0 && a.Id == Str(row, "author_id"));
                    list.Add((Str(row, "author_id"), Int(row, "sort_order")));
                    break;
                case "posts_meta":
                    scan.Meta[Str(row, "post_id")] = new GhostMeta(Str(row, "meta_title"), Str(row, "meta_description"),
                        Str(row, "feature_image_alt"), Str(row, "feature_image_caption"));
                    break;
            }
        }, ct);
        return scan;
    }

    private static void ReadPosts(GhostArchive archive, Action<GhostPost> sink, CancellationToken ct)
    {
        using var json = archive.OpenJson();
        GhostJson.Read(json, table => table == "posts", (_, row, raw) => sink(GhostPost.From(row, raw)), ct);
    }

    internal static bool IsPage(JsonElement row) =>
        Str(row, "type") == "page" || (row.TryGetProperty("page", out var p) && (p.ValueKind == JsonValueKind.True || (p.ValueKind == JsonValueKind.Number && p.GetInt32() == 1)));

    internal static string Str(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() ?? "",
            JsonValueKind.Number => v.GetRawText(),
            _ => "",
        } : "";

    private static int Int(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;

    // ---- sections, tags, authors ----------------------------------------------------------------

    private async Task CatalogAsync(GhostRun run, CancellationToken ct)
    {
        await using var tx = run.Options.DryRun ? null : await db.Database.BeginTransactionAsync(ct);
        var redirects = new List<(string From, string To)>();
        var prefix = run.PathPrefix;
        var sections = await db.Sections.AsTracking().ToDictionaryAsync(s => s.Slug, StringComparer.Ordinal, ct);
        var position = sections.Count;
        foreach (var tag in run.Scan.Tags.Values.Where(t => t.Internal))
        {
            run.Report.Skipped("tag", tag.Id, tag.Name, "internal tag (#…): Ghost's own bookkeeping, not shown to readers");
        }
        var primary = run.Options.PrimaryTagAsTag ? new HashSet<string>() : run.Scan.PrimaryTagIds();
        foreach (var tag in run.Scan.Tags.Values.Where(t => primary.Contains(t.Id)).OrderBy(t => t.Slug, StringComparer.Ordinal))
        {
            var slug = WordPressMapping.Slug(tag.Slug, tag.Name, 100);
            if (Newsroom.Structure.StructureEdits.ReservedSlugs.Contains(slug))
            {
                run.Report.Loss("tag", tag.Id, tag.Name, $"the address /{slug} is one of Byline's own; the section is /{slug}-section");
                slug += "-section";
            }
            var section = await store.EnsureSectionAsync(run, sections, slug, WordPressMapping.Clip(tag.Name.Length > 0 ? tag.Name : slug, 100), position++, ct);
            store.Remember(run, "section", tag.Id, section.Id, "");
            run.Sections[tag.Id] = section;
            redirects.Add(($"{prefix}/tag/{tag.Slug}", section.Path));
            redirects.Add(($"{prefix}/tag/{tag.Slug}/rss", section.Path + "/rss.xml"));
        }
        if (run.Scan.Posts > 0)
        {
            run.DefaultSection = await store.EnsureSectionAsync(run, sections, "imported", "Imported", position++, ct);
        }
        if (run.Scan.Pages > 0)
        {
            run.PagesSection = await store.EnsureSectionAsync(run, sections, WordPressImporter.PagesSectionSlug, "Pages", position++, ct);
        }

        var tags = await db.Tags.AsNoTracking().ToDictionaryAsync(t => t.Slug, t => t.Id, StringComparer.Ordinal, ct);
        foreach (var tag in run.Scan.Tags.Values.Where(t => !t.Internal))
        {
            var slug = WordPressMapping.Slug(tag.Slug, tag.Name, 100);
            var id = await store.EnsureTagAsync(run, tags, slug, tag.Name.Length > 0 ? tag.Name : slug, tag.Description, ct);
            store.Remember(run, "tag", tag.Id, id, "");
            run.Tags[tag.Id] = id;
            if (!run.Sections.ContainsKey(tag.Id))
            {
                redirects.Add(($"{prefix}/tag/{tag.Slug}", "/tag/" + slug));
                redirects.Add(($"{prefix}/tag/{tag.Slug}/rss", $"/tag/{slug}/rss.xml"));
            }
        }

        var authors = await db.Authors.AsNoTracking().ToDictionaryAsync(a => a.Slug, a => a.Id, StringComparer.Ordinal, ct);
        foreach (var user in run.Scan.Users.Values)
        {
            var name = user.Name.Length > 0 ? user.Name : user.Slug;
            var known = run.Known.TryGetValue(("author", user.Id), out var k) && authors.ContainsValue(k.TargetId) ? k.TargetId : (int?)null;
            var (id, slug) = await store.EnsureAuthorAsync(run, authors, known, WordPressMapping.Slug(user.Slug, name, 100), name, ct);
            store.Remember(run, "author", user.Id, id, "");
            run.Authors[user.Id] = id;
            redirects.Add(($"{prefix}/author/{user.Slug}", "/author/" + slug));
            redirects.Add(($"{prefix}/author/{user.Slug}/rss", $"/author/{slug}/rss.xml"));
        }
        redirects.Add((prefix + "/rss", "/rss.xml"));
        await store.WriteRedirectsAsync(run, redirects, ct);
        await store.CommitCatalogueAsync(run, tx, "import: ghost tags, authors", ct);
    }

    // ---- pictures -------------------------------------------------------------------------------

    private async Task PicturesAsync(GhostRun run, CancellationToken ct)
    {
        var images = run.Scan.Images.ToList();
        if (images.Count == 0)
        {
            return;
        }
        if (!run.Archive.IsZip && !run.Options.FetchMedia)
        {
            run.Report.Skipped("image", "*", $"{images.Count:N0} pictures",
                "the export is a bare JSON file and --fetch-media was not given: give the zip with content/images, or --fetch-media with --site-url");
            return;
        }
        using var fetcher = run.Options.FetchMedia ? new PublicAddressGuard(TimeSpan.FromSeconds(20), mediaOptions.MaxUploadBytes) : null;
        var counts = run.Report.For("images");
        foreach (var chunk in images.Chunk(PictureBatch))
        {
            run.Options.Stop.ThrowIfCancellationRequested();
            await using var tx = run.Options.DryRun ? null : await db.Database.BeginTransactionAsync(ct);
            var redirects = new List<(string, string)>();
            foreach (var url in chunk)
            {
                var absolute = run.Absolute(url);
                var key = Uri.TryCreate(absolute, UriKind.Absolute, out var uri) && run.IsOldSite(uri) ? GhostArchive.ImageKey(uri.AbsolutePath) : null;
                if (key is not null && run.PictureByKey(key) is { } done)
                {
                    // Another size of a picture already imported (size/w600/… and the original share a key).
                    run.Remember(url, key, done);
                    continue;
                }
                byte[]? bytes = null;
                string? why = null;
                var fromZip = key is not null && run.Archive.IsZip;
                if (fromZip)
                {
                    (bytes, why) = await ReadZipPictureAsync(run, key!, ct);
                }
                // Ghost's ids are global, but picture paths are not: a zip's picture is known by its path and its bytes,
                // a fetched one by its address.
                var sourceId = bytes is not null ? $"{key}#{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}" : absolute;
                if (run.Known.TryGetValue(("image", sourceId), out var known)
                    && await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == known.TargetId, ct) is { } stored)
                {
                    counts.Unchanged++;
                    run.Remember(url, key, ImportStore.Picture(stored));
                    continue;
                }
                if (bytes is null)
                {
                    (bytes, why) = await FetchPictureAsync(key, uri, fetcher, why, ct);
                }
                if (bytes is null)
                {
                    run.Report.Skipped("image", key ?? absolute, Path.GetFileName(uri?.AbsolutePath ?? url), why ?? "missing");
                    continue;
                }
                if (run.Options.DryRun)
                {
                    counts.Created++;
                    continue;
                }
                var (picture, error) = await store.StorePictureAsync(run, "image", sourceId, bytes, "", "", ct);
                if (picture is null)
                {
                    run.Report.Skipped("image", key ?? absolute, Path.GetFileName(uri?.AbsolutePath ?? url), error ?? "not a picture");
                    continue;
                }
                counts.Created++;
                run.Remember(url, key, picture);
                if (key is not null)
                {
                    redirects.Add(($"{run.PathPrefix}/content/images/{key}", picture.Url));
                }
            }
            await store.WriteRedirectsAsync(run, redirects, ct);
            await store.CommitCatalogueAsync(run, tx, "import: ghost media", ct);
        }
    }

    private async Task<(byte[]? Bytes, string? Why)> ReadZipPictureAsync(GhostRun run, string key, CancellationToken ct)
    {
        try
        {
            var bytes = await run.Archive.ImageAsync(key, mediaOptions.MaxUploadBytes, ct);
            return (bytes, bytes is null ? $"missing media: content/images/{key} is not in the zip" : null);
        }
        catch (GhostException e)
        {
            return (null, e.Message);
        }
    }

    private static async Task<(byte[]? Bytes, string? Why)> FetchPictureAsync(string? key, Uri? uri, PublicAddressGuard? fetcher, string? why, CancellationToken ct)
    {
        var placeholder = uri is not null && uri.Host == new Uri(PlaceholderSite).Host;
        if (fetcher is not null && uri is not null && !placeholder)
        {
            var (bytes, error) = await fetcher.FetchAsync(uri, ct);
            return (bytes, error is null ? null : $"media not fetched from {uri}: {error}");
        }
        return (null, why ?? (placeholder
            ? $"missing media: content/images/{key} (give the zip, or --site-url with --fetch-media)"
            : $"missing media: {uri} (give --fetch-media to fetch it)"));
    }

    // ---- posts and pages ------------------------------------------------------------------------

    /// <summary>Maps one post (pure: reads the run's finished catalogue, touches no database).</summary>
    private static Prepared Prepare(GhostRun run, GhostPost post)
    {
        var kind = post.IsPage ? "page" : "post";
        var source = new ImportItem(kind, post.Id, post.Title, post.Slug);
        if (post.Id.Length == 0)
        {
            return Prepared.Skip(source, "the post has no id");
        }
        var losses = new List<string>();
        ArticleStatus status;
        switch (post.Status)
        {
            case "published":
                status = ArticleStatus.Published;
                break;
            case "scheduled":
                status = ArticleStatus.Scheduled;
                break;
            case "draft":
                status = ArticleStatus.Draft;
                break;
            case "sent":
                status = ArticleStatus.Draft;
                losses.Add("sent by email only, never on the web: imported as a draft");
                break;
            default:
                return Prepared.Skip(source, $"status '{post.Status}' is not imported");
        }
        if (post.Visibility is { Length: > 0 } visibility && visibility != "public" && status == ArticleStatus.Published)
        {
            status = ArticleStatus.Draft;
            losses.Add($"for {visibility} readers only: imported as a draft (Byline has no members-only stories)");
        }
        var tagLinks = run.Scan.TagsOfPost(post.Id).Where(t => run.Scan.Tags.TryGetValue(t, out var tag) && !tag.Internal).ToList();
        var authorLinks = run.Scan.AuthorsOfPost(post.Id);
        var meta = run.Scan.Meta.GetValueOrDefault(post.Id);
        var hash = Hash(run, post, tagLinks, authorLinks, meta);
        if (run.KnownAtStart.TryGetValue((kind, post.Id), out var known) && known.Hash == hash)
        {
            return Prepared.Same(source);
        }
        if (post.Overlong)
        {
            return Prepared.Skip(source, $"body longer than {WordPressImporter.MaxBodyChars:N0} characters: split it before importing");
        }

        var html = GhostBody.Html(post.Lexical, post.Mobiledoc, post.Html, losses).Replace("__GHOST_URL__", run.SiteBase, StringComparison.Ordinal);
        var body = WordPressBody.Convert(html, run);
        losses.AddRange(body.Losses);
        var blocks = BodyDocument.Render(body.Markdown);
        var title = post.Title.Trim();
        if (title.Length == 0)
        {
            title = WordPressMapping.Clip(WordPressMapping.PlainText(html), 80) is { Length: > 0 } t ? t : "Untitled";
            losses.Add("no title: the start of the body stands in");
        }
        if (title.Length > 300)
        {
            losses.Add("headline cut to 300 characters");
        }
        var headline = WordPressMapping.Clip(title, 300);
        var excerpt = WordPressMapping.PlainText(post.Excerpt);

        SectionRef? section;
        int[] tags;
        var primary = run.Options.PrimaryTagAsTag ? null : tagLinks.FirstOrDefault();
        if (post.IsPage)
        {
            section = run.PagesSection;
            tags = [.. tagLinks.Select(t => run.Tags.GetValueOrDefault(t)).Where(id => id > 0).Distinct()];
        }
        else
        {
            section = primary is not null && run.Sections.TryGetValue(primary, out var s) ? s : run.DefaultSection;
            tags = [.. tagLinks.Where(t => t != primary).Select(t => run.Tags.GetValueOrDefault(t)).Where(id => id > 0).Distinct()];
        }
        var authors = authorLinks.Select(a => run.Authors.GetValueOrDefault(a)).Where(id => id > 0).Distinct().ToArray();
        int? lead = null;
        if (post.FeatureImage.Length > 0)
        {
            if (run.PictureOf(post.FeatureImage) is { } picture)
            {
                lead = picture.ImageId;
            }
            else if (run.Archive.IsZip || run.Options.FetchMedia)
            {
                losses.Add($"feature image {post.FeatureImage} was not imported");
            }
        }
        var asStaticPage = post.IsPage && Site.Chrome.StaticPageSlugs.Titles.ContainsKey(post.Slug);
        var addresses = status == ArticleStatus.Published ? new List<string> { $"{run.PathPrefix}/{post.Slug}" } : [];
        var published = ParseDate(post.PublishedAt);
        var updated = ParseDate(post.UpdatedAt);
        return new Prepared(source, null, false, hash, status, asStaticPage,
            WordPressMapping.Slug(post.Slug, title, 200), headline, WordPressMapping.Clip(excerpt, 1000),
            body.Markdown, BodyDocument.Serialize(blocks), BodyDocument.CountWords(body.Markdown), lead, section, authors, tags,
            published ?? ParseDate(post.CreatedAt),
            updated is { } u && published is { } p && u > p.AddMinutes(1) && status == ArticleStatus.Published ? u : null,
            Nonempty(meta?.Title ?? post.MetaTitle, 300), Nonempty(meta?.Description ?? post.MetaDescription, 500),
            body.OldLinks, losses, addresses);
    }

    private static string? Nonempty(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : WordPressMapping.Clip(text.Trim(), max);

    /// <summary>Ghost writes ISO 8601 in UTC (or, in old exports, milliseconds since 1970).</summary>
    internal static DateTime? ParseDate(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
        }
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : null;
    }

    private static string Hash(GhostRun run, GhostPost post, List<string> tags, List<string> authors, GhostMeta? meta)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var extra = string.Join('\u0001', Version, run.Options.PrimaryTagAsTag ? "tag" : "section", run.Archive.IsZip || run.Options.FetchMedia ? "media" : "",
            string.Join(',', tags), string.Join(',', authors), meta?.ToString() ?? "");
        sha.AppendData(Encoding.UTF8.GetBytes(extra));
        sha.AppendData(post.RawHash);
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..32];
    }
}

internal sealed record GhostTag(string Id, string Name, string Slug, string Description, bool Internal);

internal sealed record GhostUser(string Id, string Name, string Slug, string Bio);

internal sealed record GhostMeta(string Title, string Description, string ImageAlt, string ImageCaption);

/// <summary>One row of <c>posts</c>, with a digest of its raw bytes for the re-run check.</summary>
internal sealed record GhostPost(
    string Id, string Title, string Slug, bool IsPage, string Status, string Visibility, string Lexical, string Mobiledoc, string Html,
    string FeatureImage, string Excerpt, string PublishedAt, string UpdatedAt, string CreatedAt, string MetaTitle, string MetaDescription,
    bool Overlong, byte[] RawHash)
{
    public static GhostPost From(JsonElement row, ReadOnlySpan<byte> raw)
    {
        var overlong = raw.Length > WordPressImporter.MaxBodyChars * 3
            && GhostImporter.BodyFields.Any(f => GhostImporter.Str(row, f).Length > WordPressImporter.MaxBodyChars * 2);
        string Body(string f) => overlong ? "" : GhostImporter.Str(row, f);
        return new GhostPost(GhostImporter.Str(row, "id"), GhostImporter.Str(row, "title"), GhostImporter.Str(row, "slug"), GhostImporter.IsPage(row),
            GhostImporter.Str(row, "status"), GhostImporter.Str(row, "visibility"), Body("lexical"), Body("mobiledoc"), Body("html"),
            GhostImporter.Str(row, "feature_image"), GhostImporter.Str(row, "custom_excerpt"),
            GhostImporter.Str(row, "published_at"), GhostImporter.Str(row, "updated_at"), GhostImporter.Str(row, "created_at"),
            GhostImporter.Str(row, "meta_title"), GhostImporter.Str(row, "meta_description"), overlong, SHA256.HashData(raw));
    }
}

/// <summary>What the first pass learns: the catalogue, the links of posts to tags and authors, the pictures named.</summary>
internal sealed class GhostScan
{
    public int Posts { get; set; }
    public int Pages { get; set; }
    public Dictionary<string, GhostTag> Tags { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, GhostUser> Users { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, GhostMeta> Meta { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Images { get; } = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Id, int Order)>> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Id, int Order)>> _authors = new(StringComparer.Ordinal);

    public List<(string Id, int Order)> TagsOf(string postId) => _tags.TryGetValue(postId, out var l) ? l : _tags[postId] = [];

    public List<(string Id, int Order)> Authors(string postId) => _authors.TryGetValue(postId, out var l) ? l : _authors[postId] = [];

    /// <summary>The post's tags in Ghost's order; the first public one is its primary tag.</summary>
    public List<string> TagsOfPost(string postId) => _tags.TryGetValue(postId, out var l) ? [.. l.OrderBy(t => t.Order).Select(t => t.Id)] : [];

    public List<string> AuthorsOfPost(string postId) => _authors.TryGetValue(postId, out var l) ? [.. l.OrderBy(t => t.Order).Select(t => t.Id)] : [];

    /// <summary>Tags that are the primary (first public) tag of some post: they become sections.</summary>
    public HashSet<string> PrimaryTagIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var links in _tags.Values)
        {
            if (links.OrderBy(t => t.Order).Select(t => t.Id).FirstOrDefault(id => Tags.TryGetValue(id, out var tag) && !tag.Internal) is { } first)
            {
                ids.Add(first);
            }
        }
        return ids;
    }
}

/// <summary>The state of one Ghost run: the catalogue's ids and the imported pictures, and what the bodies need to know.</summary>
internal sealed class GhostRun : ImportSession, IBodyContext
{
    private readonly HashSet<string> _hosts = new(StringComparer.Ordinal) { "ghost.invalid" };
    private readonly Dictionary<string, ImportedPicture> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImportedPicture> _byUrl = new(StringComparer.Ordinal);

    public GhostRun(ImportOptions options, ImportReport report, GhostScan scan, GhostArchive archive)
        : base(options, report, GhostImporter.Source, GhostImporter.Origin)
    {
        Scan = scan;
        Archive = archive;
        SiteBase = GhostImporter.PlaceholderSite;
        if (options.SiteUrl is { } site && Uri.TryCreate(site, UriKind.Absolute, out var uri))
        {
            var host = uri.Host.ToLowerInvariant();
            _hosts.Add(host);
            _hosts.Add(host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : "www." + host);
            SiteBase = uri.GetLeftPart(UriPartial.Authority) + uri.AbsolutePath.TrimEnd('/');
            PathPrefix = uri.AbsolutePath.TrimEnd('/');
        }
    }

    public GhostScan Scan { get; }
    public GhostArchive Archive { get; }
    /// <summary>What <c>__GHOST_URL__</c> in the export stands for: the old site's address, or a placeholder host.</summary>
    public string SiteBase { get; }
    public string PathPrefix { get; } = "";
    public Dictionary<string, SectionRef> Sections { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Tags { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Authors { get; } = new(StringComparer.Ordinal);
    public SectionRef? DefaultSection { get; set; }

    public string Absolute(string url) => url.Replace("__GHOST_URL__", SiteBase, StringComparison.Ordinal);

    public void Remember(string url, string? key, ImportedPicture picture)
    {
        _byUrl[url] = picture;
        if (key is not null)
        {
            _byKey[key] = picture;
        }
    }

    public ImportedPicture? PictureByKey(string key) => _byKey.GetValueOrDefault(key);

    public ImportedPicture? PictureOf(string url) =>
        _byUrl.TryGetValue(url, out var p) ? p
        : Uri.TryCreate(Absolute(url), UriKind.Absolute, out var uri) && IsOldSite(uri) && GhostArchive.ImageKey(uri.AbsolutePath) is { } key ? _byKey.GetValueOrDefault(key)
        : null;

    public bool IsOldSite(Uri uri) => uri is not null && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && _hosts.Contains(uri.Host.ToLowerInvariant());

    public ImportedPicture? Picture(string uploadPath) => _byKey.GetValueOrDefault(uploadPath ?? "");

    public ImportedPicture? Attachment(string attachmentId) => null;

    public string? UploadPath(Uri uri) => uri is null ? null : GhostArchive.ImageKey(uri.AbsolutePath);
}
