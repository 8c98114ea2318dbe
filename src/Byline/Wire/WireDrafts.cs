using System.Globalization;
using System.Text;
using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Wire;

public sealed record DraftMade(int? ArticleId, string? Error, IReadOnlyDictionary<string, string>? Errors = null)
{
    /// <summary>The agency pictures the draft could not carry, each with why (the draft is made without them).</summary>
    public IReadOnlyList<PictureOutcome> FailedPictures { get; init; } = [];
}

/// <summary>
/// "Use as draft": a draft story from one item, or from its whole cluster, through the publishing service like any
/// other new story — the body as paragraphs, the source's default section, and the attribution "With inputs from
/// {credit}" (or "from agencies" when the cluster holds more than one agency) — linked back to every item it used,
/// so the items' embargo holds it back and a kill marks it. The items' pictures are fetched into the media
/// library now (<see cref="WirePictures"/>): the first becomes the lead picture, the others follow the body;
/// a picture that cannot be fetched is left out and its reason recorded, and the draft is made all the same.
/// </summary>
public sealed class WireDrafts(BylineDb db, PublishingService publishing, WirePictures pictures, TimeProvider clock)
{
    public async Task<DraftMade> CreateAsync(long itemId, bool wholeCluster, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var lead = await db.Set<WireItem>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (lead is null)
        {
            return new DraftMade(null, "That wire item is gone (pruned or never stored).");
        }
        if (lead.KilledAt is not null)
        {
            return new DraftMade(null, "The agency killed this item: it cannot be used.");
        }
        var items = wholeCluster
            ? await db.Set<WireItem>().AsNoTracking().Where(i => i.ClusterId == lead.ClusterId && i.KilledAt == null).OrderBy(i => i.ReceivedAt).ThenBy(i => i.Id).ToListAsync(ct)
            : [lead];
        var sourceIds = items.Select(i => i.SourceId).Distinct().ToList();
        var sources = await db.Set<WireSource>().AsNoTracking().Where(s => sourceIds.Contains(s.Id)).ToListAsync(ct);
        var leadSource = sources.First(s => s.Id == lead.SourceId);
        var sectionId = leadSource.DefaultSectionId
            ?? await db.Sections.AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Id).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
        string Credit(WireSource s) => s.CreditLine.Length > 0 ? s.CreditLine : s.AgencyName;
        var credits = sources.Select(Credit).Distinct(StringComparer.Ordinal).ToList();
        var wanted = items.OrderBy(i => i.Id == lead.Id ? 0 : 1)
            .SelectMany(i => i.Pictures.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(url => new PictureWanted(url, Credit(sources.First(s => s.Id == i.SourceId)), i.Headline)))
            .ToList();
        var fetched = await pictures.EnsureAsync(wanted, ct);
        var storedIds = fetched.Where(p => p.ImageId is not null).Select(p => p.ImageId!.Value).Distinct().ToList();
        var images = await db.Images.AsNoTracking().Where(i => storedIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var stored = storedIds.Where(images.ContainsKey).Select(id => images[id]).ToList();
        var attribution = credits.Count == 1 ? $"With inputs from {credits[0]}" : "With inputs from agencies";
        var headline = lead.Headline.Length > 300 ? lead.Headline[..300] : lead.Headline;
        var input = new StoryInput
        {
            Headline = headline,
            Slug = await FreeSlugAsync(headline, lead.Id, ct),
            BodyMarkdown = WithPictures(Body(lead), stored.Skip(1)),
            SectionId = sectionId,
            LeadImageId = stored.Count > 0 ? stored[0].Id : null,
            Attribution = attribution.Length > 200 ? attribution[..200] : attribution,
            Format = StoryFormat.Article,
        };
        var made = await publishing.CreateAsync(input, actor, ct);
        if (made.Outcome != PublishOutcome.Ok)
        {
            return new DraftMade(null, "The draft could not be made.", made.Errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        db.Set<WireStoryLink>().AddRange(items.Select(i => new WireStoryLink { ArticleId = made.ArticleId, ItemId = i.Id, CreatedAt = now }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new DraftMade(made.ArticleId, null) { FailedPictures = [.. fetched.Where(p => p.ImageId is null)] };
    }

    /// <summary>The in-body pictures after the copy, each a Markdown picture of its largest rendition, as long as the body has room.</summary>
    private static string WithPictures(string body, IEnumerable<Image> more)
    {
        var sb = new StringBuilder(body);
        foreach (var image in more)
        {
            var widths = MediaPaths.ParseWidths(image.Widths);
            var line = "![" + Escape(image.Alt) + "](" + MediaPaths.Url(image.Key, widths.Length == 0 ? image.Width : widths.Max(), "jpg") + ")";
            if (sb.Length + line.Length + 2 > PublishingService.MaxBodyLength)
            {
                break;
            }
            sb.Append(sb.Length == 0 ? "" : "\n\n").Append(line);
        }
        return sb.ToString();
    }

    /// <summary>The item's paragraphs as Markdown paragraphs, the dateline leading the first; characters Markdown would read as markup are escaped.</summary>
    public static string Body(WireItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var paragraphs = item.BodyText.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Escape).ToList();
        if (item.Dateline.Length > 0)
        {
            paragraphs = paragraphs.Count == 0 ? [Escape(item.Dateline)] : [Escape(item.Dateline) + ": " + paragraphs[0], .. paragraphs.Skip(1)];
        }
        var body = string.Join("\n\n", paragraphs);
        return body.Length > PublishingService.MaxBodyLength ? body[..PublishingService.MaxBodyLength] : body;
    }

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '#' or '|' or '~')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The headline's slug, or with the item's id after it when a story has it already (the same item used twice).</summary>
    private async Task<string> FreeSlugAsync(string headline, long itemId, CancellationToken ct)
    {
        var slug = Slugs.From(headline);
        if (slug.Length == 0)
        {
            slug = "wire";
        }
        if (!await db.Articles.AnyAsync(a => a.Slug == slug, ct))
        {
            return slug;
        }
        var suffix = "-w" + itemId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        return (slug.Length + suffix.Length > 200 ? slug[..(200 - suffix.Length)].TrimEnd('-') : slug) + suffix;
    }
}
