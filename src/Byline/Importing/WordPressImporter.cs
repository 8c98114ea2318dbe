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
}

/// <summary>A problem that stops the import before or between batches; the command line prints it as one line.</summary>
public sealed class ImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Imports a WordPress export (WXR) into Byline in two streaming passes: the first reads the whole file
/// without writing (people, terms, attachments, and whether the file is sound at all); the second
/// converts posts and pages a batch at a time on every core and commits each batch in one transaction
/// with its imported-item rows, redirects, search entries and content event. See docs/importing.md.
/// </summary>
public sealed partial class WordPressImporter(
    BylineDb db, ContentEvents events, ISearchIndex search, MediaLibrary media, MediaOptions mediaOptions, TimeProvider clock, ILogger<WordPressImporter> log)
{
    public const string Origin = "wordpress";
    public const int MaxBodyChars = Publishing.PublishingService.MaxBodyLength;
    /// <summary>The section of pages that are not one of Byline's static pages.</summary>
    public const string PagesSectionSlug = "pages";
    private const int AttachmentBatch = 25;
    /// <summary>Rows per <c>IN (…)</c> list: well under SQLite's parameter limit.</summary>
    private const int InChunk = 500;

    [GeneratedRegex("href=\"(/[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex SiteHref();

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
        await LoadKnownAsync(run, ct);
        await CatalogAsync(run, ct);
        await AttachmentsAsync(run, ct);
        run.FreezeKnown();
        await ItemsAsync(run, progress, ct);
        foreach (var type in run.OtherTypes)
        {
            report.OtherType(type);
        }
        await FixLinksAsync(run, ct);
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

    private async Task LoadKnownAsync(ImportRun run, CancellationToken ct)
    {
        var rows = db.ImportedItems.AsNoTracking().Where(i => i.Source == run.Source)
            .Select(i => new { i.Id, i.Kind, i.SourceId, i.TargetId, i.Hash }).AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            run.Known[(r.Kind, r.SourceId)] = new KnownItem(r.Id, r.TargetId, r.Hash);
        }
    }

    // ---- sections, tags, authors ----------------------------------------------------------------

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
                Remember(run, "category", c.Slug, section.Id, "");
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
            run.DefaultSection = await EnsureSectionAsync(run, sections, "imported", "Imported", position++, ct);
        }
        if (run.Scan.PagesAsStories > 0)
        {
            run.PagesSection = await EnsureSectionAsync(run, sections, PagesSectionSlug, "Pages", position++, ct);
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
            Remember(run, "tag", t.Slug, id, "");
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
            Remember(run, "author", a.Login, authors[slug], "");
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
        await WriteRedirectsAsync(run, redirects, ct);
        if (tx is not null)
        {
            await db.SaveChangesAsync(ct);
            Settle(run);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Settings, RedirectTable.Key], "import: wordpress sections, tags, authors", null, run.Options.Actor), ct);
            await tx.CommitAsync(ct);
            await events.CommittedAsync(db, ct);
        }
        db.ChangeTracker.Clear();
    }

    private async Task<SectionRef> EnsureSectionAsync(ImportRun run, Dictionary<string, Section> sections, string slug, string name, int position, CancellationToken ct)
    {
        if (!sections.TryGetValue(slug, out var section))
        {
            section = new Section { Slug = slug, Name = name, Position = position, ShowOnHome = false };
            run.Report.For("sections").Created++;
            if (!run.Options.DryRun)
            {
                db.Sections.Add(section);
                await db.SaveChangesAsync(ct);
            }
            sections[slug] = section;
        }
        if (section.ParentId is int parentId && sections.Values.FirstOrDefault(s => s.Id == parentId) is { } parent)
        {
            return new SectionRef(section.Id, parent.Id, parent.Slug, $"/{parent.Slug}/{section.Slug}");
        }
        return new SectionRef(section.Id, section.Id, section.Slug, "/" + section.Slug);
    }

    /// <summary>Adds or updates the item's row (tracked; saved with the caller's batch).</summary>
    private void Remember(ImportRun run, string kind, string sourceId, int targetId, string hash)
    {
        if (run.Options.DryRun)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (run.Known.TryGetValue((kind, sourceId), out var known))
        {
            if (known.TargetId == targetId && known.Hash == hash)
            {
                return;
            }
            var row = new ImportedItem { Id = known.RowId, Source = run.Source, Kind = kind, SourceId = sourceId, TargetId = targetId, Hash = hash, ImportedAt = now };
            db.ImportedItems.Attach(row);
            db.Entry(row).Property(r => r.TargetId).IsModified = true;
            db.Entry(row).Property(r => r.Hash).IsModified = true;
            db.Entry(row).Property(r => r.ImportedAt).IsModified = true;
            run.Known[(kind, sourceId)] = known with { TargetId = targetId, Hash = hash };
            return;
        }
        var added = new ImportedItem { Source = run.Source, Kind = kind, SourceId = sourceId, TargetId = targetId, Hash = hash, ImportedAt = now };
        db.ImportedItems.Add(added);
        run.Added.Add(((kind, sourceId), added));
    }

    /// <summary>After a save: rows added in this batch are known, with their ids, for the rest of the run.</summary>
    private static void Settle(ImportRun run)
    {
        foreach (var (key, row) in run.Added)
        {
            run.Known[key] = new KnownItem(row.Id, row.TargetId, row.Hash);
        }
        run.Added.Clear();
    }

    /// <summary>
    /// Writes redirects in the caller's transaction: new old addresses are added, ones this importer wrote
    /// before follow their item, and ones an editor set in the newsroom are left as the editor set them.
    /// </summary>
    private async Task WriteRedirectsAsync(ImportRun run, List<(string From, string To)> pairs, CancellationToken ct)
    {
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (from, to) in pairs)
        {
            var key = RedirectPaths.Normalise(from);
            if (key is null || RedirectPaths.Normalise(to) == key || !RedirectPaths.IsTarget(to))
            {
                continue;
            }
            if (!wanted.TryAdd(key, to) && wanted[key] != to)
            {
                run.Report.Loss("redirect", key, "", $"two items had the old address {key}; it goes to {wanted[key]}, not {to}");
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in wanted.Keys.Chunk(InChunk))
        {
            var existing = await db.Redirects.AsTracking().Where(r => chunk.Contains(r.FromPath)).ToDictionaryAsync(r => r.FromPath, StringComparer.Ordinal, ct);
            foreach (var key in chunk)
            {
                var to = wanted[key];
                if (existing.TryGetValue(key, out var row))
                {
                    if (row.ToPath == to || row.Origin != Origin)
                    {
                        run.Report.RedirectsUnchanged++;
                        if (!run.Options.DryRun)
                        {
                            db.Entry(row).State = EntityState.Detached;
                        }
                        continue;
                    }
                    row.ToPath = to;
                    row.UpdatedAt = now;
                }
                else if (!run.Options.DryRun)
                {
                    db.Redirects.Add(new Redirect { FromPath = key, ToPath = to, Origin = Origin, CreatedAt = now, UpdatedAt = now });
                }
                run.Report.RedirectsWritten++;
            }
        }
        if (!run.Options.DryRun)
        {
            await db.SaveChangesAsync(ct);
        }
    }

    // ---- attachments ----------------------------------------------------------------------------

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
                    Remember(run, "attachment", a.Id, image.Id, "");
                }
                var widths = MediaPaths.ParseWidths(image.Widths);
                var url = MediaPaths.Url(image.Key, widths.Length == 0 ? 0 : widths.Max(), "jpg");
                var picture = new ImportedPicture(image.Id, url, image.Alt, image.Caption);
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
            await WriteRedirectsAsync(run, redirects, ct);
            if (tx is not null)
            {
                await db.SaveChangesAsync(ct);
                Settle(run);
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

    private async Task ItemsAsync(ImportRun run, Action<int, int>? progress, CancellationToken ct)
    {
        var batches = Channel.CreateBounded<Prepared[]>(2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => Produce(run, batches.Writer, stop.Token), stop.Token);
        var done = 0;
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                await WriteBatchAsync(run, batch, ct);
                done += batch.Length;
                progress?.Invoke(done, run.Scan.Items);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The writer stopped first; its own error is the one reported.
            }
        }
    }

    /// <summary>Reads items on this thread and converts each batch on every core, one batch ahead of the writer.</summary>
    private static void Produce(ImportRun run, ChannelWriter<Prepared[]> writer, CancellationToken ct)
    {
        try
        {
            using var file = Open(run.Options.File);
            var pending = new List<WxrItem>(run.Options.BatchSize);
            foreach (var part in WxrReader.Read(file, MaxBodyChars + 1))
            {
                if (part is not WxrItem { Type: "post" or "page" } item)
                {
                    if (part is WxrItem other && other.Type != "attachment")
                    {
                        run.OtherTypes.Add(other.Type);
                    }
                    continue;
                }
                pending.Add(item);
                if (pending.Count == run.Options.BatchSize)
                {
                    Hand(run, writer, pending, ct);
                    pending = new List<WxrItem>(run.Options.BatchSize);
                }
            }
            if (pending.Count > 0)
            {
                Hand(run, writer, pending, ct);
            }
            writer.Complete();
        }
#pragma warning disable CA1031 // not swallowed: the channel hands the failure to the writer, which rethrows it
        catch (Exception e)
#pragma warning restore CA1031
        {
            writer.TryComplete(e);
        }
    }

    private static void Hand(ImportRun run, ChannelWriter<Prepared[]> writer, List<WxrItem> items, CancellationToken ct)
    {
        var prepared = new Prepared[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { CancellationToken = ct }, i => prepared[i] = Prepare(run, items[i]));
        // Bounded: the reader waits while two batches are queued, so memory stays at a few batches.
        writer.WriteAsync(prepared, ct).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Maps one item (pure: reads the run's finished catalogue, touches no database).</summary>
    private static Prepared Prepare(ImportRun run, WxrItem item)
    {
        var kind = item.Type;
        var title = WebUtility.HtmlDecode(item.Title);
        if (WordPressMapping.Status(item.Status) is not { } status)
        {
            return Prepared.Skip(item, $"status '{item.Status}' is not imported");
        }
        if (item.Id.Length == 0)
        {
            return Prepared.Skip(item, "the item has no post id");
        }
        if (item.Content == WxrReader.Overlong || item.Excerpt == WxrReader.Overlong)
        {
            return Prepared.Skip(item, $"body longer than {MaxBodyChars:N0} characters: split it before importing");
        }
        var hash = WordPressMapping.Hash(item, run.Options.Uploads is null && !run.Options.FetchMedia ? "" : "media");
        if (run.KnownAtStart.TryGetValue((kind, item.Id), out var known) && known.Hash == hash)
        {
            return Prepared.Same(item);
        }
        var losses = new List<string>();
        if (item.Password.Length > 0 && status == ArticleStatus.Published)
        {
            status = ArticleStatus.Draft;
            losses.Add("password-protected: imported as a draft (Byline has no story passwords)");
        }
        var body = WordPressBody.Convert(item.Content, run);
        losses.AddRange(body.Losses);
        var blocks = BodyDocument.Render(body.Markdown);
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
        return new Prepared(item, null, false, hash, status, asStaticPage,
            WordPressMapping.Slug(item.Name, title, 200), headline, WordPressMapping.Clip(excerpt, 1000),
            body.Markdown, blocks, BodyDocument.CountWords(body.Markdown), lead, section,
            authors, tags, published, modified is { } m && published is { } p && m > p.AddMinutes(1) && status == ArticleStatus.Published ? m : null,
            WordPressMapping.Seo(item, WordPressMapping.SeoTitleKeys, headline, siteName, 300),
            WordPressMapping.Seo(item, WordPressMapping.SeoDescriptionKeys, headline, siteName, 500),
            body.OldLinks, losses, addresses);
    }

    private async Task WriteBatchAsync(ImportRun run, Prepared[] batch, CancellationToken ct)
    {
        var seen = new HashSet<(string, string)>();
        var work = new List<Prepared>(batch.Length);
        foreach (var p in batch)
        {
            var kind = p.Item.Type;
            var title = WebUtility.HtmlDecode(p.Item.Title);
            if (p.SkipReason is { } why)
            {
                run.Report.Skipped(kind, p.Item.Id, title, why);
            }
            else if (!seen.Add((kind, p.Item.Id)))
            {
                run.Report.Skipped(kind, p.Item.Id, title, "the export holds this post id twice; the first was imported");
            }
            else if (p.Unchanged)
            {
                run.Report.For(kind == "page" ? "pages" : "posts").Unchanged++;
            }
            else
            {
                work.Add(p);
            }
        }
        if (work.Count == 0)
        {
            return;
        }
        if (run.Options.DryRun)
        {
            foreach (var p in work)
            {
                var counts = run.Report.For(p.Item.Type == "page" ? "pages" : "posts");
                if (run.Known.ContainsKey((p.Item.Type, p.Item.Id)))
                {
                    counts.Updated++;
                }
                else
                {
                    counts.Created++;
                }
                run.Report.RedirectsWritten += p.OldAddresses.Count;
            }
            return;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var knownIds = work.Where(p => !p.AsStaticPage).Select(p => run.Known.TryGetValue((p.Item.Type, p.Item.Id), out var k) ? k.TargetId : 0).Where(i => i > 0).ToArray();
        var existing = knownIds.Length == 0 ? [] : await db.Articles.AsTracking().Include(a => a.Authors).Include(a => a.Tags)
            .Where(a => knownIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var articles = new List<(Prepared P, Article A, bool Created)>();
        var pages = new List<(Prepared P, StaticPage Page, bool Created)>();
        foreach (var p in work)
        {
            if (p.AsStaticPage)
            {
                var page = await db.StaticPages.AsTracking().FirstOrDefaultAsync(x => x.Slug == p.Item.Name, ct);
                var created = page is null;
                page ??= db.StaticPages.Add(new StaticPage { Slug = p.Item.Name, Title = p.Headline }).Entity;
                page.Title = WordPressMapping.Clip(p.Headline, 200);
                page.BodyMarkdown = p.Markdown;
                page.BodyHtml = BodyDocument.Serialize(p.Blocks);
                page.UpdatedAt = now;
                pages.Add((p, page, created));
                continue;
            }
            var isNew = !(run.Known.TryGetValue((p.Item.Type, p.Item.Id), out var k) && existing.ContainsKey(k.TargetId));
            var article = isNew
                ? db.Articles.Add(new Article { Slug = p.Slug, Headline = p.Headline, CreatedAt = p.PublishedAt ?? now, Format = StoryFormat.Article }).Entity
                : existing[k!.TargetId];
            Fill(article, p, now, isNew);
            articles.Add((p, article, isNew));
        }
        await db.SaveChangesAsync(ct);

        // Old addresses of this batch, then every old link its bodies hold, resolved in one read.
        var redirects = new List<(string, string)>();
        foreach (var (p, a, _) in articles)
        {
            var path = StoryFormats.Path(StoryFormat.Article, p.Section!.TopSlug, a.Slug, a.Id);
            redirects.AddRange(p.OldAddresses.Select(o => (o, path)));
        }
        foreach (var (p, page, _) in pages)
        {
            redirects.AddRange(p.OldAddresses.Select(o => (o, "/" + page.Slug)));
        }
        await WriteRedirectsAsync(run, redirects, ct);
        var links = articles.SelectMany(x => x.P.OldLinks).Concat(pages.SelectMany(x => x.P.OldLinks)).Distinct(StringComparer.Ordinal).ToList();
        var targets = await ResolveAsync(links, ct);
        foreach (var (p, a, _) in articles)
        {
            if (p.OldLinks.Count == 0)
            {
                continue;
            }
            var (markdown, html, rewritten, unresolved) = Rewrite(a.BodyMarkdown, a.BodyHtml, targets);
            a.BodyMarkdown = markdown;
            a.BodyHtml = html;
            run.Report.LinksRewritten += rewritten;
            if (unresolved)
            {
                run.PendingLinks.Add(a.Id);
            }
        }
        foreach (var (p, page, _) in pages)
        {
            if (p.OldLinks.Count > 0)
            {
                var (markdown, html, rewritten, _) = Rewrite(page.BodyMarkdown, page.BodyHtml, targets);
                page.BodyMarkdown = markdown;
                page.BodyHtml = html;
                run.Report.LinksRewritten += rewritten;
            }
        }
        foreach (var (p, a, created) in articles)
        {
            Remember(run, p.Item.Type, p.Item.Id, a.Id, p.Hash);
            Account(run, p, created);
        }
        foreach (var (p, page, created) in pages)
        {
            Remember(run, p.Item.Type, p.Item.Id, page.Id, p.Hash);
            Account(run, p, created);
        }
        await db.SaveChangesAsync(ct);
        Settle(run);

        var ids = articles.Select(x => x.A.Id).ToArray();
        if (ids.Length > 0)
        {
            await search.ReindexAsync(ids, ct);
        }
        await events.AppendAsync(db, new ContentChanged(BatchKeys(articles.Select(x => x.A), pages.Select(x => x.Page.Slug)), "import: wordpress", null, run.Options.Actor), ct);
        await tx.CommitAsync(ct);
        await events.CommittedAsync(db, ct);
        db.ChangeTracker.Clear();
    }

    private static void Account(ImportRun run, Prepared p, bool created)
    {
        var counts = run.Report.For(p.Item.Type == "page" ? "pages" : "posts");
        if (created)
        {
            counts.Created++;
        }
        else
        {
            counts.Updated++;
        }
        var title = WebUtility.HtmlDecode(p.Item.Title);
        foreach (var loss in p.Losses)
        {
            run.Report.Loss(p.Item.Type, p.Item.Id, title, loss);
        }
    }

    private static void Fill(Article a, Prepared p, DateTime now, bool isNew)
    {
        var section = p.Section!;
        a.Slug = p.Slug;
        a.Headline = p.Headline;
        a.Standfirst = p.Standfirst;
        a.BodyMarkdown = p.Markdown;
        a.BodyHtml = BodyDocument.Serialize(p.Blocks);
        a.WordCount = p.WordCount;
        a.LeadImageId = p.LeadImageId;
        a.SectionId = section.Id;
        a.TopSectionId = section.TopId;
        a.SeoTitle = p.SeoTitle;
        a.SeoDescription = p.SeoDescription;
        a.Status = p.Status;
        a.PublishedAt = p.Status is ArticleStatus.Published or ArticleStatus.Scheduled ? p.PublishedAt ?? now : null;
        a.UpdatedAt = p.UpdatedAt;
        a.ModifiedAt = now;
        a.Version = isNew ? 1 : a.Version + 1;
        var listed = a.Status == ArticleStatus.Published ? a.PublishedAt : null;
        Link(a.Authors, p.AuthorIds, id => new ArticleAuthor { AuthorId = id }, x => x.AuthorId, (x, i) => { x.Position = i; x.ListedAt = listed; });
        Link(a.Tags, p.TagIds, id => new ArticleTag { TagId = id }, x => x.TagId, (x, i) => { x.Position = i; x.ListedAt = listed; });
    }

    /// <summary>Brings a story's tag or author links to the wanted list: kept rows updated in place (EF cannot delete and re-add one key).</summary>
    private static void Link<T>(List<T> links, int[] wanted, Func<int, T> create, Func<T, int> key, Action<T, int> set)
    {
        links.RemoveAll(l => !wanted.Contains(key(l)));
        for (var i = 0; i < wanted.Length; i++)
        {
            var link = links.FirstOrDefault(l => key(l) == wanted[i]);
            if (link is null)
            {
                link = create(wanted[i]);
                links.Add(link);
            }
            set(link, i);
        }
    }

    private static List<string> BatchKeys(IEnumerable<Article> articles, IEnumerable<string> pages)
    {
        // Hundreds of stories name more keys than an event holds, and then collapse to "settings",
        // which every page carries: a batch evicts every cached page once, as it should.
        var keys = new List<string> { ContentKeys.Home, ContentKeys.Latest, ContentKeys.Sitemaps, ContentKeys.Format(StoryFormat.Article), RedirectTable.Key };
        foreach (var a in articles)
        {
            keys.Add(ContentKeys.Article(a.Id));
            keys.Add(ContentKeys.Section(a.SectionId));
            keys.Add(ContentKeys.Section(a.TopSectionId));
            keys.AddRange(a.Tags.Select(t => ContentKeys.Tag(t.TagId)));
            keys.AddRange(a.Authors.Select(x => ContentKeys.Author(x.AuthorId)));
        }
        keys.AddRange(pages.Select(ContentKeys.Page));
        return keys;
    }

    private async Task<Dictionary<string, string>> ResolveAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(InChunk))
        {
            var rows = await db.Redirects.AsNoTracking().Where(r => chunk.Contains(r.FromPath)).Select(r => new { r.FromPath, r.ToPath }).ToListAsync(ct);
            foreach (var r in rows)
            {
                map[r.FromPath] = r.ToPath;
            }
        }
        return map;
    }

    /// <summary>Old-site paths in a body's links replaced by their new addresses; whether any stayed old.</summary>
    private static (string Markdown, string Html, int Rewritten, bool Unresolved) Rewrite(string markdown, string html, Dictionary<string, string> targets)
    {
        var rewritten = 0;
        var unresolved = false;
        string Replace(string text, bool count) => SiteHref().Replace(text, m =>
        {
            var key = WebUtility.HtmlDecode(m.Groups[1].Value);
            if (targets.TryGetValue(key, out var to))
            {
                rewritten += count ? 1 : 0;
                return $"href=\"{WebUtility.HtmlEncode(to)}\"";
            }
            // Byline's own paths (/media/…) are not old links.
            unresolved |= count && !key.StartsWith("/media/", StringComparison.Ordinal) && RedirectPaths.Normalise(key) == key;
            return m.Value;
        });
        var newMarkdown = Replace(markdown, count: true);
        var blocks = BodyDocument.Deserialize(html).Select(b => b with { Html = Replace(b.Html, count: false) }).ToList();
        return (newMarkdown, BodyDocument.Serialize(blocks), rewritten, unresolved);
    }

    /// <summary>
    /// Stories that linked to posts later in the file: once the whole file is in, their old links resolve.
    /// Links that still resolve to nothing stay as old paths, which the redirect table answers if it learns them.
    /// </summary>
    private async Task FixLinksAsync(ImportRun run, CancellationToken ct)
    {
        if (run.Options.DryRun || run.PendingLinks.Count == 0)
        {
            return;
        }
        foreach (var chunk in run.PendingLinks.Chunk(run.Options.BatchSize))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var articles = await db.Articles.AsTracking().Where(a => chunk.Contains(a.Id)).ToListAsync(ct);
            var keys = articles.SelectMany(a => SiteHref().Matches(a.BodyMarkdown).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)))
                .Distinct(StringComparer.Ordinal).ToList();
            var targets = await ResolveAsync(keys, ct);
            var changed = new List<int>();
            foreach (var a in articles)
            {
                var (markdown, html, rewritten, _) = Rewrite(a.BodyMarkdown, a.BodyHtml, targets);
                if (rewritten > 0)
                {
                    a.BodyMarkdown = markdown;
                    a.BodyHtml = html;
                    run.Report.LinksRewritten += rewritten;
                    changed.Add(a.Id);
                }
            }
            await db.SaveChangesAsync(ct);
            if (changed.Count > 0)
            {
                await search.ReindexAsync(changed, ct);
                await events.AppendAsync(db, new ContentChanged([.. changed.Select(ContentKeys.Article)], "import: wordpress links", null, run.Options.Actor), ct);
            }
            await tx.CommitAsync(ct);
            await events.CommittedAsync(db, ct);
            db.ChangeTracker.Clear();
        }
    }
}

internal sealed record KnownItem(long RowId, int TargetId, string Hash);

internal sealed record SectionRef(int Id, int TopId, string TopSlug, string Path);

/// <summary>One post or page, mapped and ready for its batch (or marked to skip, or unchanged since the last run).</summary>
internal sealed record Prepared(
    WxrItem Item, string? SkipReason, bool Unchanged, string Hash, ArticleStatus Status, bool AsStaticPage,
    string Slug, string Headline, string Standfirst, string Markdown, List<BodyBlock> Blocks, int WordCount, int? LeadImageId,
    SectionRef? Section, int[] AuthorIds, int[] TagIds, DateTime? PublishedAt, DateTime? UpdatedAt,
    string? SeoTitle, string? SeoDescription, IReadOnlyList<string> OldLinks, IReadOnlyList<string> Losses, IReadOnlyList<string> OldAddresses)
{
    public static Prepared Skip(WxrItem item, string why) =>
        new(item, why, false, "", ArticleStatus.Draft, false, "", "", "", "", [], 0, null, null, [], [], null, null, null, null, [], [], []);

    public static Prepared Same(WxrItem item) =>
        new(item, null, true, "", ArticleStatus.Draft, false, "", "", "", "", [], 0, null, null, [], [], null, null, null, null, [], [], []);
}

/// <summary>The state of one run: what is known from earlier runs, the catalogue's ids, the imported pictures.</summary>
internal sealed class ImportRun : IBodyContext
{
    public ImportRun(ImportOptions options, ImportReport report, WordPressScan scan, string source)
    {
        Options = options;
        Report = report;
        Scan = scan;
        Source = source;
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

    public ImportOptions Options { get; }
    public ImportReport Report { get; }
    public WordPressScan Scan { get; }
    public string Source { get; }
    /// <summary>The old site's path when it lived below its host's root (<c>/blog</c>), else empty.</summary>
    public string PathPrefix { get; }
    public Dictionary<(string Kind, string Id), KnownItem> Known { get; } = [];

    /// <summary>
    /// What earlier runs wrote, as it stood when the posts began: the converting threads read this copy
    /// while the writer adds to <see cref="Known"/>.
    /// </summary>
    public System.Collections.Frozen.FrozenDictionary<(string Kind, string Id), KnownItem> KnownAtStart { get; private set; } =
        System.Collections.Frozen.FrozenDictionary<(string Kind, string Id), KnownItem>.Empty;

    public void FreezeKnown() => KnownAtStart = System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(Known);
    public List<((string Kind, string Id) Key, ImportedItem Row)> Added { get; } = [];
    public Dictionary<string, SectionRef> Sections { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> CategoryById { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Tags { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Authors { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ImportedPicture> Pictures { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ImportedPicture> ByAttachment { get; } = new(StringComparer.Ordinal);
    public SectionRef? DefaultSection { get; set; }
    public SectionRef? PagesSection { get; set; }
    public HashSet<int> PendingLinks { get; } = [];
    public System.Collections.Concurrent.ConcurrentBag<string> OtherTypes { get; } = [];

    public bool IsOldSite(Uri uri) => uri is not null && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && _hosts.Contains(uri.Host.ToLowerInvariant());

    public bool IsOldSite(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsOldSite(uri);

    public ImportedPicture? Picture(string uploadPath) => Pictures.GetValueOrDefault((uploadPath ?? "").ToLowerInvariant());

    public ImportedPicture? Attachment(string attachmentId) => ByAttachment.GetValueOrDefault(attachmentId ?? "");
}
