using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Byline.Content;
using Byline.Events;
using Byline.Media;
using Byline.Redirects;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Importing;

/// <summary>What to import and how.</summary>
public sealed record ImportOptions(string File)
{
    /// <summary>A local copy of the old site's <c>wp-content/uploads</c>.</summary>
    public string? Uploads { get; init; }
    /// <summary>Fetch pictures missing from <see cref="Uploads"/> over HTTP, from public addresses only.</summary>
    public bool FetchMedia { get; init; }
    public bool DryRun { get; init; }
    /// <summary>Posts and pages per transaction: each commits whole with its redirects, search entries and content event.</summary>
    public int BatchSize { get; init; } = 250;
    public string Actor { get; init; } = "import";
    /// <summary>Ghost: the old site's address (its exports write <c>__GHOST_URL__</c> instead), for links, redirects' prefix and fetched pictures.</summary>
    public string? SiteUrl { get; init; }
    /// <summary>Ghost: a post's primary tag stays a tag instead of becoming its section.</summary>
    public bool PrimaryTagAsTag { get; init; }
    /// <summary>Set when the newsroom's Cancel asks the run to stop: it stops at its next batch boundary.</summary>
    public CancellationToken Stop { get; init; }
    /// <summary>The command line's cap on the process's heap, sized from the batches (never set inside the server).</summary>
    public ImportHeapBudget? HeapBudget { get; init; }
}

/// <summary>A problem that stops the import before or between batches; the command line prints it as one line.</summary>
public sealed class ImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Imports a WordPress export (WXR) into Byline in two streaming passes: the first reads the whole file
/// without writing (people, terms, attachments, and whether the file is sound at all); the second
/// converts posts and pages a batch at a time on every core and commits each batch in one transaction
/// with its imported-item rows, redirects, search entries and content event. See docs/importing.md.
/// </summary>
internal sealed class WordPressImporter(
    BylineDb db, ImportStore store, ContentEvents events, MediaLibrary media, MediaOptions mediaOptions, ILogger<WordPressImporter> log)
{
    public const string Origin = "wordpress";
    public const int MaxBodyChars = Publishing.PublishingService.MaxBodyLength;
    /// <summary>The section of pages that are not one of Byline's static pages.</summary>
    public const string PagesSectionSlug = "pages";
    private const int AttachmentBatch = 25;
    public async Task RunAsync(ImportOptions options, ImportReport report, Action<int, int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        WordPressScan scan;
        await using (var file = Open(options.File))
        {
            scan = await Task.Run(() => WordPressScan.Read(file, MaxBodyChars + 1), ct);
        }
        report.Comments = scan.Comments;
        var run = new ImportRun(options, report, scan, SourceKey(scan.Site));
        log.LogInformation("WordPress import of {Source}: {Items} posts and pages, {Attachments} attachments", run.Source, scan.Items, scan.Attachments.Count);
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        await store.LoadKnownAsync(run, ct);
        await CatalogAsync(run, ct);
        await AttachmentsAsync(run, ct);
        run.FreezeKnown();
        await store.WriteItemsAsync<WxrItem>(run, (sink, token) => Read(run, sink, token), item => Prepare(run, item),
            item => item.Content.Length + item.Excerpt.Length + item.Title.Length, run.Scan.Items, progress, ct);
        foreach (var type in run.OtherTypes)
        {
            report.OtherType(type);
        }
        await store.FixLinksAsync(run, ct);
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportException($"cannot read {path}: {e.Message}", e);
        }
    }

    /// <summary>One source per old site, so two sites' post 12 never meet.</summary>
    internal static string SourceKey(WxrSite site)
    {
        var url = site.BaseBlogUrl.Length > 0 ? site.BaseBlogUrl : site.Link;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ImportException("the export names no site address (<wp:base_site_url> or <link>), so its old addresses cannot be redirected");
        }
        var host = uri.Host.ToLowerInvariant();
        host = host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
        return Origin + ":" + host + uri.AbsolutePath.TrimEnd('/').ToLowerInvariant();
    }


    private async Task CatalogAsync(ImportRun run, CancellationToken ct)
    {
        await using var tx = run.Options.DryRun ? null : await db.Database.BeginTransactionAsync(ct);
        var redirects = new List<(string From, string To)>();
        var prefix = run.PathPrefix;
        var sections = await db.Sections.AsTracking().ToDictionaryAsync(s => s.Slug, StringComparer.Ordinal, ct);
        var byId = sections.Values.ToDictionary(s => s.Id);
        var position = sections.Count;

        // Parents before children, however the export orders them; Byline has two levels, so a deeper
        // category hangs under its top-level ancestor.
        var categories = run.Scan.Categories.ToDictionary(c => c.Slug, StringComparer.Ordinal);
        string TopOf(WxrTerm c)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (c.Parent.Length > 0 && categories.TryGetValue(c.Parent, out var parent) && seen.Add(c.Slug))
            {
                c = parent;
            }
            return c.Slug;
        }
        foreach (var c in run.Scan.Categories.OrderBy(c => TopOf(c) == c.Slug ? 0 : 1))
        {
            var top = TopOf(c);
            var depth = 0;
            for (var x = c; x.Parent.Length > 0 && categories.TryGetValue(x.Parent, out var p) && depth < 50; x = p)
            {
                depth++;
            }
            if (depth > 1)
            {
                run.Report.Loss("category", c.Slug, c.Name, $"nested {depth} deep: placed directly under {top} (Byline has two levels)");
            }
            Section? section = null;
            if (run.Known.TryGetValue(("category", c.Slug), out var known))
            {
                byId.TryGetValue(known.TargetId, out section);
            }
            var counts = run.Report.For("sections");
            if (section is null)
            {
                var slug = WordPressMapping.Slug(c.Slug, c.Name, 100);
                if (Newsroom.Structure.StructureEdits.ReservedSlugs.Contains(slug))
                {
                    run.Report.Loss("category", c.Slug, c.Name, $"the address /{slug} is one of Byline's own; the section is /{slug}-section");
                    slug += "-section";
                }
                if (!sections.TryGetValue(slug, out section))
                {
                    counts.Created++;
                    int? parentId = top == c.Slug ? null : run.Sections.GetValueOrDefault(top)?.Id;
                    section = new Section
                    {
                        Slug = slug, Name = WordPressMapping.Clip(WebUtility.HtmlDecode(c.Name.Length > 0 ? c.Name : c.Slug), 100),
                        Description = WordPressMapping.Clip(WordPressMapping.PlainText(c.Description), 1000),
                        ParentId = parentId, Position = position++, ShowOnHome = false,
                    };
                    if (!run.Options.DryRun)
                    {
                        db.Sections.Add(section);
                        await db.SaveChangesAsync(ct);
                    }
                    sections[slug] = section;
                    byId[section.Id] = section;
                }
                else
                {
                    counts.Unchanged++;
                }
                store.Remember(run, "category", c.Slug, section.Id, "");
            }
            else
            {
                counts.Unchanged++;
            }
            var topSection = section.ParentId is int pid && byId.TryGetValue(pid, out var parentSection) ? parentSection : section;
            var path = topSection == section ? "/" + section.Slug : "/" + topSection.Slug + "/" + section.Slug;
            run.Sections[c.Slug] = new SectionRef(section.Id, topSection.Id, topSection.Slug, path);
            if (c.Id.Length > 0)
            {
                run.CategoryById[c.Id] = c.Slug;
                redirects.Add(($"{prefix}/?cat={c.Id}", path));
            }
            redirects.Add(($"{prefix}/category/{c.Slug}", path));
            redirects.Add(($"{prefix}/category/{c.Slug}/feed", path + "/rss.xml"));
        }
        run.DefaultSection = run.Sections.GetValueOrDefault("uncategorized") ?? run.Sections.Values.FirstOrDefault();
        if (run.DefaultSection is null && run.Scan.Items > 0)
        {
            run.DefaultSection = await store.EnsureSectionAsync(run, sections, "imported", "Imported", position++, ct);
        }
        if (run.Scan.PagesAsStories > 0)
        {
            run.PagesSection = await store.EnsureSectionAsync(run, sections, PagesSectionSlug, "Pages", position++, ct);
        }

        var tags = await db.Tags.AsNoTracking().ToDictionaryAsync(t => t.Slug, t => t.Id, StringComparer.Ordinal, ct);
        var tagCounts = run.Report.For("tags");
        foreach (var t in run.Scan.Tags)
        {
            var slug = WordPressMapping.Slug(t.Slug, t.Name, 100);
            if (!tags.TryGetValue(slug, out var id))
            {
                tagCounts.Created++;
                var tag = new Tag
                {
                    Slug = slug, Name = WordPressMapping.Clip(WebUtility.HtmlDecode(t.Name.Length > 0 ? t.Name : t.Slug), 100),
                    Description = WordPressMapping.Clip(WordPressMapping.PlainText(t.Description), 1000),
                };
                if (!run.Options.DryRun)
                {
                    db.Tags.Add(tag);
                    await db.SaveChangesAsync(ct);
                }
                tags[slug] = id = tag.Id;
            }
            else
            {
                tagCounts.Unchanged++;
            }
            store.Remember(run, "tag", t.Slug, id, "");
            run.Tags[t.Slug] = id;
            redirects.Add(($"{prefix}/tag/{t.Slug}", "/tag/" + slug));
            redirects.Add(($"{prefix}/tag/{t.Slug}/feed", $"/tag/{slug}/rss.xml"));
            redirects.Add(($"{prefix}/?tag={t.Slug}", "/tag/" + slug));
        }

        var authors = await db.Authors.AsNoTracking().ToDictionaryAsync(a => a.Slug, a => a.Id, StringComparer.Ordinal, ct);
        var authorCounts = run.Report.For("authors");
        foreach (var a in run.Scan.Authors)
        {
            var name = a.DisplayName.Length > 0 ? WebUtility.HtmlDecode(a.DisplayName)
                : $"{a.FirstName} {a.LastName}".Trim() is { Length: > 0 } full ? full : a.Login;
            var slug = WordPressMapping.Slug("", name, 100);
            if (run.Known.TryGetValue(("author", a.Login), out var known) && authors.ContainsValue(known.TargetId))
            {
                authorCounts.Unchanged++;
                slug = authors.First(x => x.Value == known.TargetId).Key;
            }
            else if (!authors.TryGetValue(slug, out _))
            {
                authorCounts.Created++;
                var author = new Author { Slug = slug, Name = WordPressMapping.Clip(name, 100) };
                if (!run.Options.DryRun)
                {
                    db.Authors.Add(author);
                    await db.SaveChangesAsync(ct);
                }
                authors[slug] = author.Id;
            }
            else
            {
                authorCounts.Unchanged++;
            }
            store.Remember(run, "author", a.Login, authors[slug], "");
            run.Authors[a.Login] = authors[slug];
            var login = WordPressMapping.Slug(a.Login, a.Login, 100);
            redirects.Add(($"{prefix}/author/{login}", "/author/" + slug));
            redirects.Add(($"{prefix}/author/{login}/feed", $"/author/{slug}/rss.xml"));
            if (a.Id.Length > 0)
            {
                redirects.Add(($"{prefix}/?author={a.Id}", "/author/" + slug));
            }
        }
        foreach (var (from, to) in new[]
        {
            ("/feed", "/rss.xml"), ("/feed/rss2", "/rss.xml"), ("/feed/rss", "/rss.xml"), ("/feed/atom", "/atom.xml"),
            ("/?feed=rss2", "/rss.xml"), ("/?feed=rss", "/rss.xml"), ("/?feed=atom", "/atom.xml"), ("/comments/feed", "/rss.xml"),
        })
        {
            redirects.Add((prefix + from, to));
        }
        await store.WriteRedirectsAsync(run, redirects, ct);
        if (tx is not null)
        {
            await db.SaveChangesAsync(ct);
            ImportStore.Settle(run);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Settings, RedirectTable.Key], "import: wordpress sections, tags, authors", null, run.Options.Actor), ct);
            await tx.CommitAsync(ct);
            await events.CommittedAsync(db, ct);
        }
        db.ChangeTracker.Clear();
    }


    private async Task AttachmentsAsync(ImportRun run, CancellationToken ct)
    {
        var attachments = run.Scan.Attachments.Values.Where(a => a.Url.Length > 0).ToList();
        if (attachments.Count == 0)
        {
            return;
        }
        if (run.Options.Uploads is null && !run.Options.FetchMedia)
        {
            run.Report.Skipped("attachment", "*", $"{attachments.Count:N0} attachments",
                "no --uploads folder or --fetch-media given: pictures stay on the old site, bodies keep pointing there");
            return;
        }
        var uploadsRoot = run.Options.Uploads is null ? null : Path.GetFullPath(run.Options.Uploads);
        using var fetcher = run.Options.FetchMedia ? new PublicAddressGuard(TimeSpan.FromSeconds(20), mediaOptions.MaxUploadBytes) : null;
        var counts = run.Report.For("attachments");
        foreach (var chunk in attachments.Chunk(AttachmentBatch))
        {
            run.Options.Stop.ThrowIfCancellationRequested();
            await using var tx = run.Options.DryRun ? null : await db.Database.BeginTransactionAsync(ct);
            var knownIds = chunk.Select(a => run.Known.TryGetValue(("attachment", a.Id), out var k) ? k.TargetId : 0).Where(i => i > 0).ToArray();
            var images = await db.Images.AsNoTracking().Where(i => knownIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
            var redirects = new List<(string, string)>();
            foreach (var a in chunk)
            {
                var upload = Uri.TryCreate(a.Url, UriKind.Absolute, out var uri) ? WordPressBody.UploadPath(uri) : null;
                Image? image = null;
                if (run.Known.TryGetValue(("attachment", a.Id), out var known) && images.TryGetValue(known.TargetId, out var stored))
                {
                    image = stored;
                    counts.Unchanged++;
                }
                else
                {
                    var (bytes, why) = await ReadMediaAsync(uploadsRoot, upload, uri, fetcher, ct);
                    if (bytes is null)
                    {
                        run.Report.Skipped("attachment", a.Id, a.Title, why ?? "missing");
                        continue;
                    }
                    if (run.Options.DryRun)
                    {
                        counts.Created++;
                        continue;
                    }
                    using var content = new MemoryStream(bytes, writable: false);
                    var result = await media.UploadAsync(content, bytes.Length, WordPressMapping.Clip(a.Alt, 500), WordPressMapping.Clip(a.Caption, 1000), "", ct);
                    if (result.Image is null)
                    {
                        run.Report.Skipped("attachment", a.Id, a.Title, $"{result.Error?.Code}: {result.Error?.Message}");
                        continue;
                    }
                    image = result.Image;
                    counts.Created++;
                    store.Remember(run, "attachment", a.Id, image.Id, "");
                }
                var picture = ImportedPicture.Of(image);
                var url = picture.Url;
                run.ByAttachment[a.Id] = picture;
                if (upload is not null)
                {
                    run.Pictures[upload.ToLowerInvariant()] = picture;
                    redirects.Add((run.PathPrefix + "/wp-content/uploads/" + upload, url));
                }
                redirects.Add(($"{run.PathPrefix}/?attachment_id={a.Id}", url));
                if (a.Link.Length > 0 && run.IsOldSite(a.Link))
                {
                    redirects.Add((a.Link, url));
                }
            }
            await store.WriteRedirectsAsync(run, redirects, ct);
            if (tx is not null)
            {
                await db.SaveChangesAsync(ct);
                ImportStore.Settle(run);
                await events.AppendAsync(db, new ContentChanged([RedirectTable.Key], "import: wordpress media", null, run.Options.Actor), ct);
                await tx.CommitAsync(ct);
                await events.CommittedAsync(db, ct);
            }
            db.ChangeTracker.Clear();
        }
    }

    private static async Task<(byte[]? Bytes, string? Why)> ReadMediaAsync(string? root, string? upload, Uri? uri, PublicAddressGuard? fetcher, CancellationToken ct)
    {
        if (root is not null && upload is not null)
        {
            var file = Path.GetFullPath(Path.Combine(root, upload));
            // An upload path from the export never leaves the folder it was given.
            if (file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file))
            {
                return (await File.ReadAllBytesAsync(file, ct), null);
            }
        }
        if (fetcher is not null && uri is not null)
        {
            var (bytes, error) = await fetcher.FetchAsync(uri, ct);
            return (bytes, error is null ? null : $"media not fetched from {uri}: {error}");
        }
        return (null, upload is null ? "not a file under wp-content/uploads" : $"missing media: {upload} is not in the uploads folder");
    }

    // ---- posts and pages ------------------------------------------------------------------------

    /// <summary>The posts and pages of the file, in order (other item types are counted for the summary).</summary>
    private static void Read(ImportRun run, Action<WxrItem> sink, CancellationToken ct)
    {
        using var file = Open(run.Options.File);
        foreach (var part in WxrReader.Read(file, MaxBodyChars + 1))
        {
            ct.ThrowIfCancellationRequested();
            if (part is WxrItem { Type: "post" or "page" } item)
            {
                sink(item);
            }
            else if (part is WxrItem other && other.Type != "attachment")
            {
                run.OtherTypes.Add(other.Type);
            }
        }
    }

    /// <summary>Maps one item (pure: reads the run's finished catalogue, touches no database).</summary>
    private static Prepared Prepare(ImportRun run, WxrItem item)
    {
        var source = new ImportItem(item.Type, item.Id, item.Title, item.Name);
        var kind = item.Type;
        var title = WebUtility.HtmlDecode(item.Title);
        if (WordPressMapping.Status(item.Status) is not { } status)
        {
            return Prepared.Skip(source, $"status '{item.Status}' is not imported");
        }
        if (item.Id.Length == 0)
        {
            return Prepared.Skip(source, "the item has no post id");
        }
        if (item.Content == WxrReader.Overlong || item.Excerpt == WxrReader.Overlong)
        {
            return Prepared.Skip(source, $"body longer than {MaxBodyChars:N0} characters: split it before importing");
        }
        var hash = WordPressMapping.Hash(item, run.Options.Uploads is null && !run.Options.FetchMedia ? "" : "media");
        if (run.KnownAtStart.TryGetValue((kind, item.Id), out var known) && known.Hash == hash)
        {
            return Prepared.Same(source);
        }
        var losses = new List<string>();
        if (item.Password.Length > 0 && status == ArticleStatus.Published)
        {
            status = ArticleStatus.Draft;
            losses.Add("password-protected: imported as a draft (Byline has no story passwords)");
        }
        var body = WordPressBody.Convert(item.Content, run);
        losses.AddRange(body.Losses);
        // A gallery with a few words around it reads best as a photo story: the pictures are its slides.
        var photoStory = kind == "post" && WordPressBody.IsPhotoStory(body);
        var markdown = photoStory ? body.Intro : body.Markdown;
        var blocks = BodyDocument.Render(markdown);
        if (title.Trim().Length == 0)
        {
            title = WordPressMapping.Clip(WordPressMapping.PlainText(item.Content), 80) is { Length: > 0 } t ? t : "Untitled";
            losses.Add("no title: the start of the body stands in");
        }
        if (title.Length > 300)
        {
            losses.Add("headline cut to 300 characters");
        }
        var headline = WordPressMapping.Clip(title.Trim(), 300);
        var excerpt = WordPressMapping.PlainText(item.Excerpt);
        if (excerpt.Length > 1000)
        {
            losses.Add("excerpt cut to 1,000 characters for the standfirst");
        }
        var published = WxrReader.ParseDate(item.DateGmt) ?? WxrReader.ParseDate(item.Date);
        var modified = WxrReader.ParseDate(item.ModifiedGmt);
        var asStaticPage = kind == "page" && Site.Chrome.StaticPageSlugs.Titles.ContainsKey(item.Name);
        var section = kind == "page" ? run.PagesSection : null;
        if (kind == "post")
        {
            var primary = WordPressMapping.PrimaryCategoryKeys.Select(item.MetaValue).FirstOrDefault(v => v is not null);
            var slug = primary is not null && run.CategoryById.TryGetValue(primary, out var ps) ? ps
                : item.Terms.FirstOrDefault(t => t.Domain == "category")?.Slug;
            section = slug is not null && run.Sections.TryGetValue(slug, out var s) ? s : run.DefaultSection;
        }
        int? lead = null;
        if (item.MetaValue("_thumbnail_id") is { } thumb)
        {
            if (run.ByAttachment.TryGetValue(thumb, out var picture))
            {
                lead = picture.ImageId;
            }
            else if (run.Options.Uploads is not null || run.Options.FetchMedia)
            {
                losses.Add($"featured image {thumb} was not imported");
            }
        }
        if (photoStory)
        {
            lead ??= body.Gallery[0].ImageId;
        }
        var tags = item.Terms.Where(t => t.Domain == "post_tag").Select(t => run.Tags.GetValueOrDefault(t.Slug)).Where(id => id > 0).Distinct().ToArray();
        var authors = run.Authors.TryGetValue(item.Creator, out var author) ? new[] { author } : [];
        var addresses = new List<string>();
        var prefix = run.PathPrefix;
        if (status is ArticleStatus.Published)
        {
            if (item.Link.Length > 0 && run.IsOldSite(item.Link))
            {
                addresses.Add(item.Link);
            }
            if (item.GuidText.Length > 0 && run.IsOldSite(item.GuidText))
            {
                addresses.Add(item.GuidText);
            }
            addresses.Add(kind == "page" ? $"{prefix}/?page_id={item.Id}" : $"{prefix}/?p={item.Id}");
        }
        var siteName = run.Scan.Site.Title;
        return new Prepared(source, null, false, hash, status, asStaticPage,
            WordPressMapping.Slug(item.Name, title, 200), headline, WordPressMapping.Clip(excerpt, 1000),
            markdown, BodyDocument.Serialize(blocks), BodyDocument.CountWords(markdown), lead, section,
            authors, tags, published, modified is { } m && published is { } p && m > p.AddMinutes(1) && status == ArticleStatus.Published ? m : null,
            WordPressMapping.Seo(item, WordPressMapping.SeoTitleKeys, headline, siteName, 300),
            WordPressMapping.Seo(item, WordPressMapping.SeoDescriptionKeys, headline, siteName, 500),
            body.OldLinks, losses, addresses,
            photoStory ? StoryFormat.PhotoStory : StoryFormat.Article, photoStory ? new FormatData { Slides = body.Gallery }.ToJson() : null);
    }

}


/// <summary>The state of one run: what is known from earlier runs, the catalogue's ids, the imported pictures.</summary>
internal sealed class ImportRun : ImportSession, IBodyContext
{
    public ImportRun(ImportOptions options, ImportReport report, WordPressScan scan, string source)
        : base(options, report, source, WordPressImporter.Origin)
    {
        Scan = scan;
        foreach (var url in new[] { scan.Site.BaseSiteUrl, scan.Site.BaseBlogUrl, scan.Site.Link })
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                var host = uri.Host.ToLowerInvariant();
                _hosts.Add(host);
                _hosts.Add(host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : "www." + host);
            }
        }
        PathPrefix = Uri.TryCreate(scan.Site.BaseBlogUrl, UriKind.Absolute, out var blog) ? blog.AbsolutePath.TrimEnd('/') : "";
    }

    private readonly HashSet<string> _hosts = new(StringComparer.Ordinal);

    public WordPressScan Scan { get; }
    /// <summary>The old site's path when it lived below its host's root (<c>/blog</c>), else empty.</summary>
    public string PathPrefix { get; }
    public Dictionary<string, SectionRef> Sections { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> CategoryById { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Tags { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Authors { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ImportedPicture> Pictures { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ImportedPicture> ByAttachment { get; } = new(StringComparer.Ordinal);
    public SectionRef? DefaultSection { get; set; }
    public System.Collections.Concurrent.ConcurrentBag<string> OtherTypes { get; } = [];

    public bool IsOldSite(Uri uri) => uri is not null && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && _hosts.Contains(uri.Host.ToLowerInvariant());

    public bool IsOldSite(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsOldSite(uri);

    public ImportedPicture? Picture(string uploadPath) => Pictures.GetValueOrDefault((uploadPath ?? "").ToLowerInvariant());

    public ImportedPicture? Attachment(string attachmentId) => ByAttachment.GetValueOrDefault(attachmentId ?? "");
}