using System.Threading.Channels;
using Byline.Content;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Demo;

/// <summary>Ids of the demo catalogue as stored, for turning generated stories into rows.</summary>
internal sealed record CatalogIds(
    int[] LeafSectionIds,
    int[] LeafTopIds,
    Dictionary<string, int> TagIds,
    Dictionary<string, int[]> AuthorsByBeat,
    int NewsDeskId,
    int SportsDeskId,
    Dictionary<int, int[]> ImagesByTop);

/// <summary>
/// Fills a database with generated demo content. The catalogue (sections, tags, authors, images,
/// settings, pages) is created where absent and reused where present, so the seed verb can add
/// stories to a live database; stories are written in batches below EF Core.
/// </summary>
public sealed class DemoSeeder(BylineDb db, MediaStore media, Search.ISearchIndex search, TimeProvider clock, ILogger<DemoSeeder> log)
{
    public const int DemoArticles = 2000;
    public const int Seed = 2026;
    public const int BatchSize = 2000;
    private const int LeadImages = 60;
    internal const int BulkIndexThreshold = 20_000;
    private static readonly string[] ArticleTables = ["Articles", "ArticleAuthors", "ArticleTags"];
    private static readonly int[] PortraitWidths = [200, 400];

    public async Task SeedIfEmptyAsync(CancellationToken ct)
    {
        if (await db.Articles.AnyAsync(ct))
        {
            return;
        }
        log.LogInformation("Empty database: generating demo content");
        var started = clock.GetTimestamp();
        var catalog = await EnsureCatalogAsync(ct);
        await AddArticlesAsync(catalog, DemoArticles, null, ct);
        await DemoLiveBlogs.AddAsync(db, search, clock, ct);
        await EnsureTopStoriesAsync(ct);
        await new DemoVisualStories(db, media, search, clock, log).AddAsync(ct);
        await DemoShows.SeedAsync(db, media, search, Seed, clock, ct);
        await DemoShortsAndHubs.AddAsync(db, search, clock, ct);
        await DemoAds.AddAsync(db, media, clock, ct);
        log.LogInformation("Demo content ready: {Count} stories in {Seconds:0.0} s", DemoArticles, clock.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Deletes every piece of content and every setting. Media files stay; demo images are redrawn on demand.</summary>
    public async Task ResetAsync(CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync(
                "TRUNCATE \"AdCreatives\", \"CuratedItems\", \"ArticleTags\", \"ArticleAuthors\", \"Articles\", \"Shows\", \"SlugRedirects\", \"Authors\", " +
                "\"Tags\", \"Sections\", \"Images\", \"StaticPages\", \"Settings\" RESTART IDENTITY CASCADE", ct);
            return;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Children before parents: the section tree is restrict-on-delete.
        await db.Database.ExecuteSqlRawAsync(
            "DELETE FROM \"AdCreatives\"; DELETE FROM \"CuratedItems\"; DELETE FROM \"ArticleTags\"; DELETE FROM \"ArticleAuthors\"; DELETE FROM \"Articles\"; DELETE FROM \"Shows\"; " +
            "DELETE FROM \"SlugRedirects\"; DELETE FROM \"Authors\"; DELETE FROM \"Tags\"; " +
            "DELETE FROM \"Sections\" WHERE \"ParentId\" IS NOT NULL; DELETE FROM \"Sections\"; DELETE FROM \"Images\"; " +
            "DELETE FROM \"StaticPages\"; DELETE FROM \"Settings\"; DELETE FROM sqlite_sequence;", ct);
        await tx.CommitAsync(ct);
    }

    internal async Task<CatalogIds> EnsureCatalogAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sections = await EnsureSectionsAsync(ct);
        var images = await EnsureImagesAsync(now, ct);
        var authors = await EnsureAuthorsAsync(images, ct);
        var tags = await EnsureTagsAsync(ct);
        await EnsurePagesAsync(now, ct);
        if (!await db.Settings.AnyAsync(s => s.Key == SiteSettingsStore.Key, ct))
        {
            await SiteSettingsStore.WriteAsync(db, DemoSite.Settings(), clock, ct);
        }

        var leaves = StoryWriter.LeafList;
        var leafIds = leaves.Select(l => sections[l.Section.Slug]).ToArray();
        var topIds = leaves.Select(l => sections[l.Top.Slug]).ToArray();
        var byBeat = Beats.All.ToDictionary(b => b.Id, b => DemoCatalog.Authors
            .Where(a => a.Beats.Contains(b.Id)).Select(a => authors[Slugs.From(a.Name)]).ToArray());
        var imagesByTop = new Dictionary<int, int[]>();
        for (var t = 0; t < DemoCatalog.Sections.Length; t++)
        {
            var keys = Enumerable.Range(0, LeadImages).Where(i => i % DemoCatalog.Sections.Length == t).Select(LeadKey);
            imagesByTop[sections[DemoCatalog.Sections[t].Slug]] = [.. keys.Select(k => images[k])];
        }
        db.ChangeTracker.Clear();
        return new CatalogIds(leafIds, topIds, tags, byBeat,
            authors[Slugs.From(DemoCatalog.Desks[0].Name)], authors[Slugs.From(DemoCatalog.Desks[1].Name)], imagesByTop);
    }

    private async Task<Dictionary<string, int>> EnsureSectionsAsync(CancellationToken ct)
    {
        var existing = await db.Sections.ToDictionaryAsync(s => s.Slug, s => s.Id, ct);
        var position = existing.Count;
        foreach (var top in DemoCatalog.Sections)
        {
            if (!existing.TryGetValue(top.Slug, out var topId))
            {
                var row = new Section { Slug = top.Slug, Name = top.Name, Description = top.Description, Position = position++ };
                db.Sections.Add(row);
                await db.SaveChangesAsync(ct);
                existing[top.Slug] = topId = row.Id;
            }
            var childPosition = 0;
            foreach (var child in top.Subsections)
            {
                if (!existing.ContainsKey(child.Slug))
                {
                    db.Sections.Add(new Section { Slug = child.Slug, Name = child.Name, Description = child.Description, ParentId = topId, Position = childPosition, ShowOnHome = false });
                }
                childPosition++;
            }
        }
        await db.SaveChangesAsync(ct);
        return await db.Sections.ToDictionaryAsync(s => s.Slug, s => s.Id, ct);
    }

    private static string LeadKey(int i) => $"demo-lead-{i + 1:00}";

    /// <summary>
    /// A lead picture drawn for the top-level section named <paramref name="topName"/> (each picture prints its
    /// section's name), the <paramref name="variant"/>th of that section's; null for a section the catalogue does not draw.
    /// </summary>
    internal static string? LeadKeyFor(string topName, int variant)
    {
        var t = Array.FindIndex(DemoCatalog.Sections, s => string.Equals(s.Name, topName, StringComparison.Ordinal));
        if (t < 0)
        {
            return null;
        }
        var perSection = LeadImages / DemoCatalog.Sections.Length;
        return LeadKey(t + (DemoCatalog.Sections.Length * (Math.Abs(variant) % perSection)));
    }

    private static string PortraitKey(string authorSlug) => $"demo-author-{authorSlug}";

    private async Task<Dictionary<string, int>> EnsureImagesAsync(DateTime now, CancellationToken ct)
    {
        var existing = await db.Images.ToDictionaryAsync(i => i.Key, i => i.Id, ct);
        var jobs = new List<(string Key, Func<CancellationToken, Task> Draw)>();
        var leadWidths = MediaPaths.StandardWidths;
        var captions = Beat.Split("Representational image for {0} coverage.|An illustration accompanying our {0} reporting.|File illustration: {0}.|{0}: representational artwork.");
        var credits = Beat.Split("Byline Photo|Illustration: Sunaina Gupta|Graphic: Newswire Asia|Illustration: Daniel Okafor|Byline Design Desk|Graphic: Continental Press Agency|Illustration: Ritika Bose");
        var motifs = Enum.GetValues<DemoArtwork.Motif>();
        for (var i = 0; i < LeadImages; i++)
        {
            var index = i;
            var key = LeadKey(i);
            var label = DemoCatalog.Sections[i % DemoCatalog.Sections.Length].Name;
            var palette = DemoArtwork.Palettes[(i * 5 + i / DemoCatalog.Sections.Length) % DemoArtwork.Palettes.Length];
            var motif = motifs[(i / DemoCatalog.Sections.Length + i) % motifs.Length];
            if (!existing.ContainsKey(key))
            {
                db.Images.Add(new Image
                {
                    Key = key, Width = DemoArtwork.LeadWidth, Height = DemoArtwork.LeadHeight,
                    Alt = $"Abstract {motif.ToString().ToLowerInvariant()} pattern in {palette.Name} with the label {label}",
                    Caption = string.Format(System.Globalization.CultureInfo.InvariantCulture, captions[i % captions.Length], label),
                    Credit = credits[i % credits.Length], Widths = string.Join(',', leadWidths), ContentType = "image/jpeg", CreatedAt = now,
                });
            }
            if (!await Renditions.ExistAsync(media, key, leadWidths, ct))
            {
                jobs.Add((key, async c =>
                {
                    await Renditions.WriteAsync(media, key, DemoArtwork.LeadWidth, DemoArtwork.LeadHeight, leadWidths,
                        canvas => DemoArtwork.DrawLead(canvas, Seed + index, palette, motif, label), c);
                    await Renditions.WriteCropsAsync(media, key, DemoArtwork.LeadWidth, DemoArtwork.LeadHeight,
                        canvas => DemoArtwork.DrawLead(canvas, Seed + index, palette, motif, label), c);
                }));
            }
        }
        var people = DemoCatalog.Authors.Concat(DemoCatalog.Desks).ToArray();
        for (var i = 0; i < people.Length; i++)
        {
            var person = people[i];
            var key = PortraitKey(Slugs.From(person.Name));
            var palette = DemoArtwork.Palettes[(i * 7) % DemoArtwork.Palettes.Length];
            var index = i;
            if (!existing.ContainsKey(key))
            {
                db.Images.Add(new Image
                {
                    Key = key, Width = DemoArtwork.PortraitSize, Height = DemoArtwork.PortraitSize,
                    Alt = $"Portrait card of {person.Name}", Caption = person.Name, Credit = "Byline Photo",
                    Widths = string.Join(',', PortraitWidths), ContentType = "image/jpeg", CreatedAt = now,
                });
            }
            if (!await Renditions.ExistAsync(media, key, PortraitWidths, ct))
            {
                jobs.Add((key, async c =>
                {
                    await Renditions.WriteAsync(media, key, DemoArtwork.PortraitSize, DemoArtwork.PortraitSize, PortraitWidths,
                        canvas => DemoArtwork.DrawPortrait(canvas, Seed + index, palette, DemoArtwork.Initials(person.Name)), c);
                    await Renditions.WriteCropsAsync(media, key, DemoArtwork.PortraitSize, DemoArtwork.PortraitSize,
                        canvas => DemoArtwork.DrawPortrait(canvas, Seed + index, palette, DemoArtwork.Initials(person.Name)), c);
                }));
            }
        }
        await db.SaveChangesAsync(ct);
        if (jobs.Count > 0)
        {
            log.LogInformation("Drawing {Count} demo images into {Store}", jobs.Count, media.Description);
            await Parallel.ForEachAsync(jobs, ct, async (job, c) => await job.Draw(c));
        }
        return await db.Images.ToDictionaryAsync(i => i.Key, i => i.Id, ct);
    }

    private async Task<Dictionary<string, int>> EnsureAuthorsAsync(Dictionary<string, int> images, CancellationToken ct)
    {
        var existing = await db.Authors.Select(a => a.Slug).ToListAsync(ct);
        foreach (var (spec, desk) in DemoCatalog.Authors.Select(a => (a, false)).Concat(DemoCatalog.Desks.Select(d => (d, true))))
        {
            var slug = Slugs.From(spec.Name);
            if (!existing.Contains(slug))
            {
                db.Authors.Add(new Author
                {
                    Slug = slug, Name = spec.Name, IsDesk = desk, JobTitle = spec.JobTitle, Bio = spec.Bio,
                    PhotoImageId = images.TryGetValue(PortraitKey(slug), out var photo) ? photo : null,
                });
            }
        }
        await db.SaveChangesAsync(ct);
        return await db.Authors.ToDictionaryAsync(a => a.Slug, a => a.Id, ct);
    }

    private async Task<Dictionary<string, int>> EnsureTagsAsync(CancellationToken ct)
    {
        var existing = (await db.Tags.Select(t => t.Slug).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var name in DemoCatalog.TagNames())
        {
            var slug = Slugs.From(name);
            if (existing.Add(slug))
            {
                db.Tags.Add(new Tag { Slug = slug, Name = name, Description = $"News, analysis and updates on {name}." });
            }
        }
        await db.SaveChangesAsync(ct);
        var bySlug = await db.Tags.ToDictionaryAsync(t => t.Slug, t => t.Id, ct);
        return DemoCatalog.TagNames().Where(n => bySlug.ContainsKey(Slugs.From(n)))
            .ToDictionary(n => n, n => bySlug[Slugs.From(n)], StringComparer.Ordinal);
    }

    private async Task EnsurePagesAsync(DateTime now, CancellationToken ct)
    {
        var existing = await db.StaticPages.Select(p => p.Slug).ToListAsync(ct);
        foreach (var (slug, title, markdown) in DemoSite.Pages)
        {
            if (!existing.Contains(slug))
            {
                db.StaticPages.Add(new StaticPage
                {
                    Slug = slug, Title = title, BodyMarkdown = markdown,
                    BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown)), UpdatedAt = now,
                });
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The home page's Top Stories: the seven newest, in order, unless editors already curated some.</summary>
    internal async Task EnsureTopStoriesAsync(CancellationToken ct)
    {
        if (await db.CuratedItems.AnyAsync(c => c.List == "top", ct))
        {
            return;
        }
        var newest = await db.Articles.Where(a => a.Status == ArticleStatus.Published)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).Take(7).ToListAsync(ct);
        db.CuratedItems.AddRange(newest.Select((id, i) => new CuratedItem { List = "top", Position = i, ArticleId = id }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Generates and writes <paramref name="count"/> stories published over the last 60 days,
    /// denser towards now. Generation runs in parallel one batch ahead of the database writes.
    /// </summary>
    internal Task AddArticlesAsync(CatalogIds catalog, int count, Action<int>? progress, CancellationToken ct) =>
        AddArticlesAsync(catalog, count, progress, bulk: null, ct);

    /// <param name="bulk">
    /// Whether to load the PostgreSQL way for large loads (indexes built after, search filled beside the
    /// load); null decides by size: at least <see cref="BulkIndexThreshold"/> stories and at least as many
    /// as are already stored. Ignored on SQLite.
    /// </param>
    internal async Task AddArticlesAsync(CatalogIds catalog, int count, Action<int>? progress, bool? bulk, CancellationToken ct)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var firstIndex = await db.Articles.MaxAsync(a => (int?)a.Id, ct) ?? 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var batches = Channel.CreateBounded<ArticleRow[]>(2);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var start = 0; start < count; start += BatchSize)
                {
                    var size = Math.Min(BatchSize, count - start);
                    var batch = new ArticleRow[size];
                    var offset = start;
                    Parallel.For(0, size, new ParallelOptions { CancellationToken = ct },
                        i => batch[i] = Prepare(catalog, firstIndex + offset + i, PublishedAt(now, offset + i, count), now));
                    await batches.Writer.WriteAsync(batch, ct);
                }
                batches.Writer.Complete();
            }
#pragma warning disable CA1031 // not swallowed: the channel hands the failure to its reader, which rethrows it
            catch (Exception e)
#pragma warning restore CA1031
            {
                batches.Writer.Complete(e);
            }
        }, ct);
        var written = 0;
        if (db.Provider == DatabaseProvider.Postgres && (bulk ?? (count >= BulkIndexThreshold && count >= firstIndex)))
        {
            await AddPostgresBulkAsync(batches.Reader, producer, progress, ct);
            return;
        }
        await foreach (var batch in batches.Reader.ReadAllAsync(ct))
        {
            await ArticleBulkInsert.WriteAsync(db, batch, ct);
            written += batch.Length;
            progress?.Invoke(written);
        }
        await producer;
        db.ChangeTracker.Clear();
        // Fresh statistics, or the planners may sort whole tables instead of walking the list indexes.
        await StorageExtensions.AnalyzeAsync(db, ct);
        // Bulk rows bypass the publishing events, so the search index is rebuilt in one statement
        // (which, on PostgreSQL, builds its GIN index once after filling).
        await search.RebuildAsync(ct);
    }

    /// <summary>
    /// A large load into PostgreSQL: the list indexes of the article tables and the search table's
    /// indexes are dropped and built once at the end instead of row by row, and the search rows of each
    /// committed batch are filled on other connections while the next batches are generated and copied,
    /// so both cores work for the whole seed (docs/speed.md).
    /// </summary>
    private async Task AddPostgresBulkAsync(ChannelReader<ArticleRow[]> batches, Task producer, Action<int>? progress, CancellationToken ct)
    {
        var written = 0;
        var connectionString = db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The PostgreSQL connection string is not set.");
        var articleIndexes = await ArticleBulkInsert.SuspendIndexesAsync(db, ArticleTables, ct);
        try
        {
            await using var fill = await PostgresSearchFill.StartAsync(connectionString, PostgresSearchFill.DefaultWorkers, ct);
            await foreach (var batch in batches.ReadAllAsync(ct))
            {
                var firstId = await ArticleBulkInsert.WriteAsync(db, batch, ct);
                fill.Add(firstId, firstId + batch.Length - 1);
                written += batch.Length;
                progress?.Invoke(written);
            }
            await producer;
            // The search rows still queued take every core; then the search table's GIN build (one
            // backend) runs beside the article tables' index builds and the statistics step.
            await fill.DrainAsync();
            var searchIndexes = fill.CompleteAsync();
            try
            {
                var restore = articleIndexes;
                articleIndexes = null;
                await restore.DisposeAsync();
                db.ChangeTracker.Clear();
                // Fresh statistics for every table, the search table included (its ANALYZE waits for
                // the GIN build's lock, a minute or more at a million stories), as after `search rebuild`.
                var timeout = db.Database.GetCommandTimeout();
                db.Database.SetCommandTimeout(0);
                try
                {
                    await StorageExtensions.AnalyzeAsync(db, ct);
                }
                finally
                {
                    db.Database.SetCommandTimeout(timeout);
                }
            }
            finally
            {
                await searchIndexes;
            }
        }
        finally
        {
            if (articleIndexes is not null)
            {
                await articleIndexes.DisposeAsync();
            }
        }
    }

    /// <summary>Position i of n mapped onto the last 60 days, so ids and dates rise together.</summary>
    internal static DateTime PublishedAt(DateTime now, int i, int n)
    {
        var f = (i + 0.5) / n;
        var ageMinutes = 60 * 24 * 60 * Math.Pow(1 - f, 1.6);
        return now.AddMinutes(-ageMinutes - 1).AddSeconds(-(i % 47));
    }

    internal static ArticleRow Prepare(CatalogIds catalog, long index, DateTime publishedAt, DateTime now)
    {
        var story = StoryWriter.Write(Seed, index, publishedAt);
        var (markdown, blocks) = DemoBody.Compose(story.Parts);
        var topId = catalog.LeafTopIds[story.LeafIndex];
        int[] authors;
        var pick = story.ImagePick;
        if (story.ByDesk || !catalog.AuthorsByBeat.TryGetValue(story.AuthorBeat, out var pool) || pool.Length == 0)
        {
            authors = [story.AuthorBeat == "sport" ? catalog.SportsDeskId : catalog.NewsDeskId];
        }
        else
        {
            var first = pool[pick % pool.Length];
            var second = pool[(pick / 7 + 1) % pool.Length];
            authors = story.AuthorCount > 1 && second != first ? [first, second] : [first];
        }
        var tags = story.TagNames.Select(n => catalog.TagIds.TryGetValue(n, out var id) ? id : 0).Where(id => id != 0).Distinct().ToArray();
        int? image = story.HasLeadImage && catalog.ImagesByTop.TryGetValue(topId, out var images) && images.Length > 0
            ? images[(pick >> 4) % images.Length]
            : null;
        var created = publishedAt.AddMinutes(-(20 + pick % 180));
        // An update the story would get hours after a publication minutes ago has not happened yet.
        DateTime? updated = story.UpdatedAt is { } u && u <= now ? u : null;
        return new ArticleRow(
            Slugs.From(story.Headline), story.Headline, story.Standfirst, markdown, BodyDocument.Serialize(blocks),
            BodyDocument.CountWords(markdown), image, catalog.LeafSectionIds[story.LeafIndex], topId, story.Attribution,
            publishedAt, updated, created, updated ?? publishedAt, authors, tags);
    }
}
