using System.Net;
using Byline.Content;
using Byline.Events;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Importing;

/// <summary><c>Byline:Importing</c>: what the importers may fetch.</summary>
public sealed class ImportingOptions
{
    /// <summary>
    /// Host names (or literal addresses) an admin allows although they resolve to loopback, link-local or
    /// private addresses: an intranet source, or a test's own page server. Empty: public addresses only.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>Where the newsroom keeps uploaded export files and job reports (<c>uploads/</c>, <c>reports/</c>).</summary>
    public string Path { get; set; } = "data/imports";

    /// <summary>The largest export file an admin may upload in the newsroom (the request limit of that one form).</summary>
    public long MaxUploadBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>How long the one import lease holds without renewal; a job whose process died shows as interrupted after it.</summary>
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>How often an idle node looks for a queued newsroom import.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>What <c>import url</c> made: the draft's id and headline, and what was lost on the way.</summary>
public sealed record UrlImportResult(int ArticleId, string Headline, bool Updated, IReadOnlyList<string> Losses);

/// <summary>
/// One article from any news page into a draft (<c>byline import url</c>): the page is fetched through the
/// private-address guard (20 s, 5 MB, HTML only, every redirect re-checked), its headline, byline, date,
/// lead image and body extracted with SmartReader (Mozilla's Readability, ported; it reads JSON-LD and
/// OpenGraph first), the body converted and sanitised like an imported WordPress body, and the source
/// address kept in the story's attribution line and in its imported-item row. Importing the same address
/// again updates that draft instead of making a second one.
/// </summary>
internal sealed class UrlImporter(BylineDb db, ImportStore store, ContentEvents events, MediaOptions mediaOptions,
    Microsoft.Extensions.Options.IOptions<ImportingOptions> options, TimeProvider clock)
{
    public const string Source = "url";
    public const long MaxPageBytes = 5 << 20;
    private static readonly string[] PageTypes = ["text/html", "application/xhtml+xml"];

    public async Task<UrlImportResult> ImportAsync(Uri url, string actor, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var guard = new PublicAddressGuard(timeout, MaxPageBytes, options.Value.AllowedHosts);
        var page = await guard.FetchPageAsync(url, PageTypes, ct);
        if (page.Bytes is null)
        {
            throw new ImportException($"{url} cannot be imported: {page.Error}");
        }
        var address = page.Address ?? url;
        SmartReader.Article article;
        // The stream, not a string: the parser reads the charset the page declares.
        using (var html = new MemoryStream(page.Bytes, writable: false))
        {
            article = SmartReader.Reader.ParseArticle(address.AbsoluteUri, html);
        }
        if (!article.IsReadable || string.IsNullOrWhiteSpace(article.Content))
        {
            throw new ImportException($"{url} cannot be imported: no article found on the page");
        }

        var losses = new List<string>();
        var body = WordPressBody.Convert(article.Content, new ForeignPage());
        losses.AddRange(body.Losses);
        var headline = WordPressMapping.Clip(WebUtility.HtmlDecode(article.Title ?? "").Trim() is { Length: > 0 } t ? t : "Untitled", 300);
        var standfirst = WordPressMapping.Clip(WordPressMapping.PlainText(article.Excerpt ?? ""), 1000);
        var run = new ImportSession(new ImportOptions(url.AbsoluteUri) { Actor = actor }, new ImportReport(null), Source, Source);
        await store.LoadKnownAsync(run, ct);

        int? lead = null;
        if (Uri.TryCreate(address, article.FeaturedImage ?? "", out var image) && image.Scheme is "http" or "https"
            && run.Known.TryGetValue(("image", image.AbsoluteUri), out var knownImage)
            && await db.Images.AsNoTracking().AnyAsync(i => i.Id == knownImage.TargetId, ct))
        {
            // The same picture imported before (this page again, or another page with the same lead): not copied twice.
            lead = knownImage.TargetId;
        }
        else if (image is not null && image.Scheme is "http" or "https")
        {
            using var pictures = new PublicAddressGuard(timeout, mediaOptions.MaxUploadBytes, options.Value.AllowedHosts);
            var (bytes, error) = await pictures.FetchAsync(image, ct);
            if (bytes is null)
            {
                losses.Add($"lead image not imported ({image}): {error}");
            }
            else
            {
                var (picture, why) = await store.StorePictureAsync(run, "image", image.AbsoluteUri, bytes, headline, "", ct);
                lead = picture?.ImageId;
                if (picture is null)
                {
                    losses.Add($"lead image not imported ({image}): {why}");
                }
                await db.SaveChangesAsync(ct);
                ImportStore.Settle(run);
            }
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var sections = await db.Sections.AsTracking().ToDictionaryAsync(s => s.Slug, StringComparer.Ordinal, ct);
        var section = await store.EnsureSectionAsync(run, sections, "imported", "Imported", sections.Count, ct);
        var authorIds = new List<int>();
        var byline = (article.Author ?? article.Byline ?? "").Trim();
        if (byline.StartsWith("By ", StringComparison.OrdinalIgnoreCase))
        {
            byline = byline[3..].Trim();
        }
        if (byline.Length is > 0 and <= 100)
        {
            var authors = await db.Authors.AsNoTracking().ToDictionaryAsync(a => a.Slug, a => a.Id, StringComparer.Ordinal, ct);
            authorIds.Add((await store.EnsureAuthorAsync(run, authors, null, Slugs.From(byline, 100), byline, ct)).Id);
        }
        else if (byline.Length > 100)
        {
            losses.Add("byline longer than an author's name: left out");
        }

        var known = run.Known.TryGetValue(("url", url.AbsoluteUri), out var k) ? await db.Articles.AsTracking().Include(a => a.Authors).FirstOrDefaultAsync(a => a.Id == k.TargetId, ct) : null;
        var story = known ?? db.Articles.Add(new Article { Slug = "", Headline = headline, CreatedAt = now, Format = StoryFormat.Article }).Entity;
        story.Slug = Slugs.From(headline, 200);
        story.Headline = headline;
        story.Standfirst = standfirst;
        story.BodyMarkdown = body.Markdown;
        story.BodyHtml = BodyDocument.Serialize(BodyDocument.Render(body.Markdown));
        story.WordCount = BodyDocument.CountWords(body.Markdown);
        story.LeadImageId = lead ?? story.LeadImageId;
        story.SectionId = section.Id;
        story.TopSectionId = section.TopId;
        // Editors see where the story came from, in the editor's attribution line (they reword it before publishing).
        story.Attribution = WordPressMapping.Clip("Imported from " + url.AbsoluteUri, 200);
        // A draft, whatever the page said: its date is the source's, for the editor to keep or change.
        story.Status = ArticleStatus.Draft;
        story.PublishedAt = null;
        story.CreatedAt = article.PublicationDate is { } published && published.Year > 1990 ? DateTime.SpecifyKind(published.ToUniversalTime(), DateTimeKind.Utc) : story.CreatedAt;
        story.ModifiedAt = now;
        story.Version = known is null ? 1 : story.Version + 1;
        foreach (var id in authorIds.Where(id => story.Authors.All(a => a.AuthorId != id)))
        {
            story.Authors.Add(new ArticleAuthor { AuthorId = id, Position = story.Authors.Count });
        }
        await db.SaveChangesAsync(ct);
        store.Remember(run, "url", url.AbsoluteUri, story.Id, "");
        await db.SaveChangesAsync(ct);
        await events.AppendAsync(db, new ContentChanged([ContentKeys.Article(story.Id)], "import: url", null, actor), ct);
        await tx.CommitAsync(ct);
        await events.CommittedAsync(db, ct);
        return new UrlImportResult(story.Id, headline, known is not null, losses);
    }

    /// <summary>A foreign page has no old site and no imported pictures: links and images stay as they are.</summary>
    private sealed class ForeignPage : IBodyContext
    {
        public bool IsOldSite(Uri uri) => false;

        public ImportedPicture? Picture(string uploadPath) => null;

        public ImportedPicture? Attachment(string attachmentId) => null;
    }
}
