using System.Text.Json;
using System.Text.Json.Serialization;
using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Webhooks;

/// <summary>
/// The JSON body of a webhook: <c>{"type", "timestamp", "eventId", "data"}</c> (the Standard Webhooks
/// envelope). A story is carried as a self-contained document written here, field by field
/// (docs/webhooks.md lists them), so that a receiver needs no second call; when the content API's own
/// representation settles, this is the one place to align with it.
/// </summary>
public sealed class WebhookPayloads(BylineDb db, IConfiguration config)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Absolute URLs need the public host; without <c>Byline:PublicBaseUrl</c> the site-relative path is sent.</summary>
    private readonly string _base = (config ?? throw new ArgumentNullException(nameof(config)))["Byline:PublicBaseUrl"]?.Trim().TrimEnd('/') ?? "";

    public async Task<string> BuildAsync(string type, ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        object data = type switch
        {
            WebhookEventTypes.SectionChanged => new { section = await SectionAsync(IntIn(change, "section:"), ct) },
            WebhookEventTypes.TagChanged => new { tag = await TagAsync(IntIn(change, "tag:"), ct) },
            WebhookEventTypes.AuthorChanged => new { author = await AuthorAsync(IntIn(change, "author:"), ct) },
            WebhookEventTypes.MediaUploaded => new { image = await ImageAsync(IntIn(change, "image:"), ct) },
            // The story is gone: its id is all there is to send (its last headline is in the audit log).
            WebhookEventTypes.StoryDeleted => new { story = new { id = change.ArticleId ?? 0, status = "deleted" } },
            WebhookEventTypes.WireItemReceived => new { item = await WireItemAsync(IdIn(change, "wire:"), ct) },
            _ => new { story = await StoryAsync(change.ArticleId ?? 0, ct) },
        };
        var envelope = new Envelope(type, DateTime.SpecifyKind(change.At, DateTimeKind.Utc), change.Id, change.Actor, data);
        return JsonSerializer.Serialize(envelope, Json);
    }

    /// <summary>The story as it is now (the consumer runs right after the commit); a story that no longer exists is sent as its id alone.</summary>
    public async Task<StoryDocument?> StoryAsync(int id, CancellationToken ct)
    {
        var a = await db.Articles.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new
            {
                x.Id, x.Format, x.Slug, x.Headline, x.Standfirst, x.Status, x.CreatedAt, x.PublishedAt, x.UpdatedAt, x.ModifiedAt,
                x.SectionId, x.TopSectionId, x.LeadImageId, x.LeadImageAlt, x.LeadImageCaption, x.LeadImageCredit, x.ShowId,
            })
            .FirstOrDefaultAsync(ct);
        if (a is null)
        {
            return null;
        }
        var section = await SectionAsync(a.SectionId, ct);
        var topSlug = a.TopSectionId == a.SectionId ? section?.Slug : await db.Sections.Where(s => s.Id == a.TopSectionId).Select(s => s.Slug).FirstOrDefaultAsync(ct);
        var showSlug = a.ShowId is int show ? await db.Shows.Where(s => s.Id == show).Select(s => s.Slug).FirstOrDefaultAsync(ct) : null;
        var tags = await db.ArticleTags.AsNoTracking().Where(t => t.ArticleId == id).OrderBy(t => t.Position)
            .Select(t => new { t.Tag!.Id, t.Tag.Name, t.Tag.Slug }).ToListAsync(ct);
        var authors = await db.ArticleAuthors.AsNoTracking().Where(x => x.ArticleId == id).OrderBy(x => x.Position)
            .Join(db.Authors, x => x.AuthorId, au => au.Id, (x, au) => new { au.Id, au.Name, au.Slug, au.IsDesk }).ToListAsync(ct);
        var lead = a.LeadImageId is int imageId ? await ImageAsync(imageId, ct) : null;
        if (lead is not null)
        {
            lead = lead with
            {
                Alt = a.LeadImageAlt ?? lead.Alt,
                Caption = a.LeadImageCaption ?? lead.Caption,
                Credit = a.LeadImageCredit ?? lead.Credit,
            };
        }
        var path = StoryFormats.Path(a.Format, topSlug ?? "", a.Slug, a.Id, showSlug);
        return new StoryDocument(
            a.Id, StoryFormats.Key(a.Format), a.Headline, a.Standfirst, Url(path), path, Status(a.Status),
            a.CreatedAt, a.PublishedAt, a.UpdatedAt, a.ModifiedAt, section,
            [.. tags.Select(t => new TermDocument(t.Id, t.Name, t.Slug, Url("/tag/" + t.Slug)))],
            [.. authors.Select(x => new AuthorDocument(x.Id, x.Name, x.Slug, x.IsDesk, Url("/author/" + x.Slug)))],
            lead);
    }

    private async Task<TermDocument?> SectionAsync(int id, CancellationToken ct)
    {
        var s = await db.Sections.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Id, x.Name, x.Slug, x.ParentId }).FirstOrDefaultAsync(ct);
        if (s is null)
        {
            return null;
        }
        var parent = s.ParentId is int p ? await db.Sections.Where(x => x.Id == p).Select(x => x.Slug).FirstOrDefaultAsync(ct) : null;
        return new TermDocument(s.Id, s.Name, s.Slug, Url(parent is null ? "/" + s.Slug : $"/{parent}/{s.Slug}"));
    }

    private async Task<TermDocument?> TagAsync(int id, CancellationToken ct) =>
        await db.Tags.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Id, x.Name, x.Slug }).FirstOrDefaultAsync(ct) is { } t
            ? new TermDocument(t.Id, t.Name, t.Slug, Url("/tag/" + t.Slug))
            : null;

    private async Task<AuthorDocument?> AuthorAsync(int id, CancellationToken ct) =>
        await db.Authors.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Id, x.Name, x.Slug, x.IsDesk }).FirstOrDefaultAsync(ct) is { } a
            ? new AuthorDocument(a.Id, a.Name, a.Slug, a.IsDesk, Url("/author/" + a.Slug))
            : null;

    private async Task<ImageDocument?> ImageAsync(int id, CancellationToken ct) =>
        await db.Images.AsNoTracking().Where(x => x.Id == id).FirstOrDefaultAsync(ct) is { } i
            ? new ImageDocument(i.Id, Url(MediaPaths.NearestUrl(i.Key, i.Widths, 1200)), i.Width, i.Height, i.Alt, i.Caption, i.Credit)
            : null;

    /// <summary>A wire item as the desk holds it now (its newest version); null once retention removed it.</summary>
    private async Task<WireItemDocument?> WireItemAsync(long id, CancellationToken ct)
    {
        var i = await db.Set<WireItem>().AsNoTracking().Where(x => x.Id == id)
            .Join(db.Set<WireSource>(), x => x.SourceId, s => s.Id, (x, s) => new
            {
                x.Id, x.SourceId, s.AgencyName, x.AgencyId, x.Version, x.Urgency, x.Subjects, x.Dateline, x.Headline, x.BodyHtml,
                x.Pictures, x.EmbargoUntil, x.Signal, x.KilledAt, x.SentAt, x.ReceivedAt, x.UpdatedAt, x.ClusterId,
            })
            .FirstOrDefaultAsync(ct);
        return i is null
            ? null
            : new WireItemDocument(
                i.Id, i.SourceId, i.AgencyName, i.AgencyId, i.Version, i.Urgency,
                [.. i.Subjects.Split('|', StringSplitOptions.RemoveEmptyEntries)], i.Dateline, i.Headline, i.BodyHtml,
                [.. i.Pictures.Split('\n', StringSplitOptions.RemoveEmptyEntries)],
                i.EmbargoUntil, SignalName(i.Signal), i.KilledAt, i.SentAt, i.ReceivedAt, i.UpdatedAt, i.ClusterId,
                Url("/newsroom/wire?item=" + i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string SignalName(WireSignal signal) => signal switch
    {
        WireSignal.Kill => "kill",
        WireSignal.Withdraw => "withdraw",
        WireSignal.Correction => "correction",
        WireSignal.None => "none",
        _ => signal.ToString().ToLowerInvariant(),
    };

    private string Url(string path) => _base + path;

    private static string Status(ArticleStatus status) => status switch
    {
        ArticleStatus.Draft => "draft",
        ArticleStatus.InReview => "in-review",
        ArticleStatus.Scheduled => "scheduled",
        ArticleStatus.Published => "published",
        _ => "unpublished",
    };

    /// <summary>The id in the first key with this prefix (<c>section:12</c>); 0 when there is none.</summary>
    private static int IntIn(ContentEventRecord change, string prefix)
    {
        var id = IdIn(change, prefix);
        return id <= int.MaxValue ? (int)id : 0;
    }

    private static long IdIn(ContentEventRecord change, string prefix)
    {
        foreach (var key in change.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) &&
                long.TryParse(key.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        return 0;
    }

    private sealed record Envelope(string Type, DateTime Timestamp, long EventId, string Actor, object Data);
}

/// <summary>A story as webhooks carry it. <c>Url</c> is absolute when <c>Byline:PublicBaseUrl</c> is set, otherwise equal to <c>Path</c>.</summary>
public sealed record StoryDocument(
    int Id, string Format, string Headline, string Standfirst, string Url, string Path, string Status,
    DateTime CreatedAt, DateTime? PublishedAt, DateTime? UpdatedAt, DateTime ModifiedAt,
    TermDocument? Section, IReadOnlyList<TermDocument> Tags, IReadOnlyList<AuthorDocument> Authors, ImageDocument? LeadImage);

public sealed record TermDocument(int Id, string Name, string Slug, string Url);

public sealed record AuthorDocument(int Id, string Name, string Slug, bool IsDesk, string Url);

/// <summary>A wire item as webhooks carry it: the newest version's fields, subjects and picture URLs as lists, the desk's address.</summary>
public sealed record WireItemDocument(
    long Id, int SourceId, string Agency, string AgencyId, int Version, int? Urgency, IReadOnlyList<string> Subjects, string Dateline,
    string Headline, string BodyHtml, IReadOnlyList<string> Pictures, DateTime? EmbargoUntil, string Signal, DateTime? KilledAt,
    DateTime? SentAt, DateTime ReceivedAt, DateTime UpdatedAt, long ClusterId, string DeskUrl);

public sealed record ImageDocument(int Id, string Url, int Width, int Height, string Alt, string Caption, string Credit);
