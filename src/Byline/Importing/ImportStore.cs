using System.Collections.Frozen;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Byline.Content;
using Byline.Events;
using Byline.Redirects;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Importing;

/// <summary>
/// What every importer writes the same way: the imported-item rows that make a run repeatable and
/// resumable, redirects, stories and static pages a batch per transaction with their search entries and
/// one content event, and the links to later posts fixed at the end. The importers (WordPress, Ghost)
/// only read their format and map its items to <see cref="Prepared"/>.
/// </summary>
internal sealed partial class ImportStore(BylineDb db, ContentEvents events, ISearchIndex search, Media.MediaLibrary media, TimeProvider clock)
{
    /// <summary>Rows per <c>IN (…)</c> list: well under SQLite's parameter limit.</summary>
    private const int InChunk = 500;

    [GeneratedRegex("href=\"(/[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex SiteHref();

    public async Task LoadKnownAsync(ImportSession run, CancellationToken ct)
    {
        var rows = db.ImportedItems.AsNoTracking().Where(i => i.Source == run.Source)
            .Select(i => new { i.Id, i.Kind, i.SourceId, i.TargetId, i.Hash }).AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            run.Known[(r.Kind, r.SourceId)] = new KnownItem(r.Id, r.TargetId, r.Hash);
        }
    }

    // ---- sections, tags, authors ----------------------------------------------------------------

    public async Task<SectionRef> EnsureSectionAsync(ImportSession run, Dictionary<string, Section> sections, string slug, string name, int position, CancellationToken ct)
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

    /// <summary>The tag with this slug, created when missing (tracked; saved at once for its id).</summary>
    public async Task<int> EnsureTagAsync(ImportSession run, Dictionary<string, int> tags, string slug, string name, string description, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(tags);
        var counts = run.Report.For("tags");
        if (tags.TryGetValue(slug, out var id))
        {
            counts.Unchanged++;
            return id;
        }
        counts.Created++;
        var tag = new Tag
        {
            Slug = slug, Name = WordPressMapping.Clip(WebUtility.HtmlDecode(name), 100),
            Description = WordPressMapping.Clip(WordPressMapping.PlainText(description), 1000),
        };
        if (!run.Options.DryRun)
        {
            db.Tags.Add(tag);
            await db.SaveChangesAsync(ct);
        }
        return tags[slug] = tag.Id;
    }

    /// <summary>The author an earlier run made (<paramref name="known"/>), else the one with this slug, else a new one.</summary>
    public async Task<(int Id, string Slug)> EnsureAuthorAsync(ImportSession run, Dictionary<string, int> authors, int? known, string slug, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(authors);
        var counts = run.Report.For("authors");
        if (known is int k && authors.FirstOrDefault(x => x.Value == k) is { Key: not null } mine)
        {
            counts.Unchanged++;
            return (k, mine.Key);
        }
        if (authors.TryGetValue(slug, out var id))
        {
            counts.Unchanged++;
            return (id, slug);
        }
        counts.Created++;
        var author = new Author { Slug = slug, Name = WordPressMapping.Clip(name, 100) };
        if (!run.Options.DryRun)
        {
            db.Authors.Add(author);
            await db.SaveChangesAsync(ct);
        }
        return (authors[slug] = author.Id, slug);
    }

    /// <summary>Commits a catalogue or media transaction with its imported-item rows and one content event (nothing in a dry run).</summary>
    public async Task CommitCatalogueAsync(ImportSession run, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? tx, string why, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (tx is not null)
        {
            await db.SaveChangesAsync(ct);
            Settle(run);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Settings, RedirectTable.Key], why, null, run.Options.Actor), ct);
            await tx.CommitAsync(ct);
            await events.CommittedAsync(db, ct);
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>A picture through the newsroom's media library (type sniffed, limits, renditions), remembered as this item.</summary>
    public async Task<(ImportedPicture? Picture, string? Error)> StorePictureAsync(ImportSession run, string kind, string sourceId, byte[] bytes, string alt, string caption, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var content = new MemoryStream(bytes, writable: false);
        var result = await media.UploadAsync(content, bytes.Length, WordPressMapping.Clip(alt, 500), WordPressMapping.Clip(caption, 1000), "", ct);
        if (result.Image is null)
        {
            return (null, $"{result.Error?.Code}: {result.Error?.Message}");
        }
        Remember(run, kind, sourceId, result.Image.Id, "");
        return (Picture(result.Image), null);
    }

    /// <summary>How a body shows an imported picture: its largest rendition, the others in its srcset.</summary>
    public static ImportedPicture Picture(Image image) => ImportedPicture.Of(image);

    /// <summary>Adds or updates the item's row (tracked; saved with the caller's batch).</summary>
    public void Remember(ImportSession run, string kind, string sourceId, int targetId, string hash)
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
    public static void Settle(ImportSession run)
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
    public async Task WriteRedirectsAsync(ImportSession run, List<(string From, string To)> pairs, CancellationToken ct)
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
                    if (row.ToPath == to || row.Origin != run.Origin)
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
                    db.Redirects.Add(new Redirect { FromPath = key, ToPath = to, Origin = run.Origin, CreatedAt = now, UpdatedAt = now });
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

    /// <summary>
    /// A batch also closes at this many characters of source text (about 2 MB as .NET strings), so an export
    /// of long bodies holds no more in flight than one of ordinary ones: at the usual ~6,000 characters a post
    /// this is ~170 posts, under the default 250 (bench/import.md, "Batches by size").
    /// </summary>
    internal const long MaxBatchChars = 1_000_000;

    /// <summary>
    /// Reads items on a thread of their own (<paramref name="read"/> hands each to its sink), converts each
    /// batch on every core one batch ahead of the writer, and commits each batch in one transaction.
    /// </summary>
    public async Task WriteItemsAsync<T>(ImportSession run, Action<Action<T>, CancellationToken> read, Func<T, Prepared> prepare, Func<T, long> chars, int total, Action<int, int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        // One converted batch waits while the writer commits the one before: the converting threads stay busy,
        // and at most three converted batches (written, queued, just converted) are alive at once.
        var batches = Channel.CreateBounded<Prepared[]>(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => Produce(run, read, prepare, chars, batches.Writer, stop.Token), stop.Token);
        var done = 0;
        progress?.Invoke(0, total);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                // A Cancel from the newsroom: the batches committed so far stay, and the same file resumes.
                run.Options.Stop.ThrowIfCancellationRequested();
                await WriteBatchAsync(run, batch, ct);
                done += batch.Length;
                progress?.Invoke(done, total);
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

    private static void Produce<T>(ImportSession run, Action<Action<T>, CancellationToken> read, Func<T, Prepared> prepare, Func<T, long> chars, ChannelWriter<Prepared[]> writer, CancellationToken ct)
    {
        try
        {
            var pending = new List<T>(run.Options.BatchSize);
            long pendingChars = 0;
            void Flush()
            {
                run.Options.HeapBudget?.Observe(pendingChars);
                var prepared = Prepare(pending, prepare, ct);
                // The source text is garbage once converted, not held while the writer catches up.
                pending = new List<T>(run.Options.BatchSize);
                pendingChars = 0;
                // Bounded: the reader waits while a batch is queued, so memory stays at a few batches.
                writer.WriteAsync(prepared, ct).AsTask().GetAwaiter().GetResult();
            }
            read(item =>
            {
                pending.Add(item);
                pendingChars += chars(item);
                if (pending.Count >= run.Options.BatchSize || pendingChars >= MaxBatchChars)
                {
                    Flush();
                }
            }, ct);
            if (pending.Count > 0)
            {
                Flush();
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

    private static Prepared[] Prepare<T>(List<T> items, Func<T, Prepared> prepare, CancellationToken ct)
    {
        var prepared = new Prepared[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { CancellationToken = ct }, i => prepared[i] = prepare(items[i]));
        return prepared;
    }

    private async Task WriteBatchAsync(ImportSession run, Prepared[] batch, CancellationToken ct)
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
                page.BodyHtml = p.BodyHtml;
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
            var path = StoryFormats.Path(a.Format, p.Section!.TopSlug, a.Slug, a.Id);
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
        await events.AppendAsync(db, new ContentChanged(BatchKeys(articles.Select(x => x.A), pages.Select(x => x.Page.Slug)), $"import: {run.Origin}", null, run.Options.Actor), ct);
        await tx.CommitAsync(ct);
        await events.CommittedAsync(db, ct);
        db.ChangeTracker.Clear();
    }

    private static void Account(ImportSession run, Prepared p, bool created)
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
        a.BodyHtml = p.BodyHtml;
        a.WordCount = p.WordCount;
        a.LeadImageId = p.LeadImageId;
        a.SectionId = section.Id;
        a.TopSectionId = section.TopId;
        a.Format = p.Format;
        a.FormatData = p.FormatData;
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
            if (a.Format != StoryFormat.Article)
            {
                keys.Add(ContentKeys.Format(a.Format));
            }
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
    public async Task FixLinksAsync(ImportSession run, CancellationToken ct)
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
                await events.AppendAsync(db, new ContentChanged([.. changed.Select(ContentKeys.Article)], $"import: {run.Origin} links", null, run.Options.Actor), ct);
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
    ImportItem Item, string? SkipReason, bool Unchanged, string Hash, ArticleStatus Status, bool AsStaticPage,
    string Slug, string Headline, string Standfirst, string Markdown, string BodyHtml, int WordCount, int? LeadImageId,
    SectionRef? Section, int[] AuthorIds, int[] TagIds, DateTime? PublishedAt, DateTime? UpdatedAt,
    string? SeoTitle, string? SeoDescription, IReadOnlyList<string> OldLinks, IReadOnlyList<string> Losses, IReadOnlyList<string> OldAddresses,
    StoryFormat Format = StoryFormat.Article, string? FormatData = null)
{
    public static Prepared Skip(ImportItem item, string why) =>
        new(item, why, false, "", ArticleStatus.Draft, false, "", "", "", "", "", 0, null, null, [], [], null, null, null, null, [], [], []);

    public static Prepared Same(ImportItem item) =>
        new(item, null, true, "", ArticleStatus.Draft, false, "", "", "", "", "", 0, null, null, [], [], null, null, null, null, [], [], []);
}

/// <summary>One item of a source, as the writer and the report name it.</summary>
internal sealed record ImportItem(string Type, string Id, string Title, string Name);

/// <summary>The state every run keeps: what is known from earlier runs, and the rows added since the last save.</summary>
internal class ImportSession(ImportOptions options, ImportReport report, string source, string origin)
{
    public ImportOptions Options { get; } = options;
    public ImportReport Report { get; } = report;
    /// <summary>The <see cref="ImportedItem.Source"/> of this source's rows.</summary>
    public string Source { get; } = source;
    /// <summary>The <see cref="Redirect.Origin"/> of the redirects this importer writes (and may rewrite).</summary>
    public string Origin { get; } = origin;
    public Dictionary<(string Kind, string Id), KnownItem> Known { get; } = [];

    /// <summary>
    /// What earlier runs wrote, as it stood when the posts began: the converting threads read this copy
    /// while the writer adds to <see cref="Known"/>.
    /// </summary>
    public FrozenDictionary<(string Kind, string Id), KnownItem> KnownAtStart { get; private set; } = FrozenDictionary<(string Kind, string Id), KnownItem>.Empty;

    public void FreezeKnown() => KnownAtStart = Known.ToFrozenDictionary();
    public List<((string Kind, string Id) Key, ImportedItem Row)> Added { get; } = [];
    public HashSet<int> PendingLinks { get; } = [];
    public SectionRef? PagesSection { get; set; }
}
