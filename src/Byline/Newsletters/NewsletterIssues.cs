using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters;

/// <summary>
/// The editor's side of an issue: made from the list's source at the moment it is composed (Top Stories in the
/// editors' order, or a section's newest stories), edited while it is a draft (order, drop, add, note, subject),
/// previewed, test-sent, and queued for the sender. A breaking alert is an issue of one story, queued at once.
/// </summary>
public sealed class NewsletterIssues(BylineDb db, NewsletterLinks links, NewsletterMail mail, NewsletterSmtp smtp, SiteSettingsStore settings,
    [FromKeyedServices(NewslettersExtensions.SignalKey)] WakeSignal signal, TimeProvider clock)
{
    public const int MaxStories = 30;

    public static IReadOnlyList<int> Ids(string text) =>
        [.. (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))];

    public static string Join(IEnumerable<int> ids) => string.Join(' ', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Ids of the stories an issue of <paramref name="list"/> starts with now.</summary>
    public async Task<List<int>> SourceIdsAsync(NewsletterList list, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(list);
        var count = Math.Clamp(list.StoryCount, 1, MaxStories);
        var published = db.Articles.Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted);
        if (list.SourceSectionId is int section)
        {
            return await published.Where(a => a.SectionId == section || a.TopSectionId == section)
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).Take(count).ToListAsync(ct);
        }
        return await db.CuratedItems.Where(c => c.List == "top")
            .Join(published, c => c.ArticleId, a => a.Id, (c, a) => new { c.Position, a.Id })
            .OrderBy(x => x.Position).Select(x => x.Id).Take(count).ToListAsync(ct);
    }

    public async Task<NewsletterIssue> ComposeAsync(NewsletterList list, string createdBy, bool alert, IReadOnlyList<int>? storyIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(list);
        var ids = storyIds ?? await SourceIdsAsync(list, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var local = settings.Dateline.ToLocal(now);
        var subject = alert && ids.Count > 0
            ? "Breaking: " + await db.Articles.Where(a => a.Id == ids[0]).Select(a => a.Headline).FirstAsync(ct)
            : $"{list.Name} — {local.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)}";
        var issue = new NewsletterIssue
        {
            ListId = list.Id, Subject = subject.Length > 200 ? subject[..200] : subject, ArticleIds = Join(ids), IsAlert = alert,
            State = IssueState.Draft, CreatedBy = createdBy, CreatedAt = now,
        };
        db.Add(issue);
        await db.SaveChangesAsync(ct);
        return issue;
    }

    /// <summary>Stories of an issue in its order, skipping any no longer published.</summary>
    public async Task<IReadOnlyList<IssueStory>> StoriesAsync(IReadOnlyList<int> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var rows = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id) && a.Status == ArticleStatus.Published)
            .Join(db.Sections, a => a.TopSectionId, s => s.Id, (a, s) => new { a.Id, a.Headline, a.Standfirst, a.Slug, a.Format, Top = s.Slug })
            .ToListAsync(ct);
        var byId = rows.ToDictionary(r => r.Id);
        return [.. ids.Where(byId.ContainsKey).Select(i => byId[i]).Select(r => new IssueStory(r.Id, r.Headline, r.Standfirst, StoryFormats.Path(r.Format, r.Top, r.Slug, r.Id)))];
    }

    public async Task<IssueContent> ContentAsync(NewsletterIssue issue, NewsletterList list, string baseUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new IssueContent(list, issue.Id, issue.Subject, issue.Note, await StoriesAsync(Ids(issue.ArticleIds), ct), baseUrl, settings.Current.PublicationName);
    }

    /// <summary>The links of one recipient's copy.</summary>
    public MailRecipient Recipient(string baseUrl, int subscriberId, string email, string name, int listId, string messageId, string? openToken)
    {
        var unsubscribe = baseUrl + "/newsletters/unsubscribe?token=" + Uri.EscapeDataString(links.ManageToken(subscriberId, listId));
        var preferences = baseUrl + "/newsletters/preferences?token=" + Uri.EscapeDataString(links.ManageToken(subscriberId));
        var pixel = openToken is null ? null : baseUrl + "/newsletters/opened?token=" + Uri.EscapeDataString(openToken);
        return new MailRecipient(email, name, messageId, unsubscribe, preferences, pixel);
    }

    /// <summary>The issue as one reader would get it, for the preview (links made for the editor's own address, never a subscriber's).</summary>
    public async Task<string> PreviewHtmlAsync(NewsletterIssue issue, NewsletterList list, string baseUrl, string editorEmail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(list);
        var content = await ContentAsync(issue, list, baseUrl, ct);
        var to = new MailRecipient(editorEmail, "", "preview@localhost", baseUrl + "/newsletters", baseUrl + "/newsletters", null);
        return NewsletterMail.IssueHtml(content, to);
    }

    /// <summary>Sends the issue to the editor alone, marked as a test; nothing is recorded against subscribers.</summary>
    public async Task<SmtpResult> TestSendAsync(NewsletterIssue issue, NewsletterList list, string baseUrl, string editorEmail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var content = await ContentAsync(issue, list, baseUrl, ct);
        content = content with { Subject = "[Test] " + content.Subject };
        var to = new MailRecipient(editorEmail, "", NewsletterLinks.NewMessageId(issue.Id, NewsletterMail.DomainOf(baseUrl)), baseUrl + "/newsletters", baseUrl + "/newsletters", null);
        using var message = mail.Issue(content, to, clock.GetUtcNow());
        return await smtp.SendAsync(message, ct);
    }

    /// <summary>Hands a draft to the sender; false when it is not a draft any more (sent twice by two editors: once).</summary>
    public async Task<bool> QueueAsync(int issueId, string baseUrl, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var queued = await db.Set<NewsletterIssue>().Where(i => i.Id == issueId && i.State == IssueState.Draft)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.State, IssueState.Queued).SetProperty(i => i.QueuedAt, now).SetProperty(i => i.BaseUrl, baseUrl), ct) == 1;
        if (queued)
        {
            signal.Wake();
        }
        return queued;
    }

    /// <summary>Confirmed, unsuppressed subscribers of a list: who an issue would go to now.</summary>
    public Task<int> AudienceAsync(int listId, CancellationToken ct) =>
        db.Set<NewsletterSubscription>().Where(s => s.ListId == listId && s.State == SubscriptionState.Confirmed)
            .Join(db.Set<NewsletterSubscriber>().Where(r => r.SuppressedAt == null), s => s.SubscriberId, r => r.Id, (s, r) => r.Id)
            .CountAsync(ct);

    /// <summary>The next time a list's schedule falls due after <paramref name="after"/> (UTC), in the publication's zone; null when unscheduled.</summary>
    public static DateTime? NextRun(NewsletterList list, DateTime after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(zone);
        if (list.Kind != NewsletterKind.Digest || list.ScheduleDays == 0 || !list.Enabled)
        {
            return null;
        }
        var localNow = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(after, DateTimeKind.Utc), zone);
        for (var day = 0; day <= 7; day++)
        {
            var date = localNow.Date.AddDays(day);
            if ((list.ScheduleDays & (1 << (int)date.DayOfWeek)) == 0)
            {
                continue;
            }
            var local = DateTime.SpecifyKind(date.AddMinutes(Math.Clamp(list.ScheduleMinute, 0, (24 * 60) - 1)), DateTimeKind.Unspecified);
            if (zone.IsInvalidTime(local))
            {
                // The clock skips this minute (spring forward): send at the first minute that exists.
                local = local.AddHours(1);
            }
            var utc = TimeZoneInfo.ConvertTimeToUtc(local, zone);
            if (utc > after)
            {
                return utc;
            }
        }
        return null;
    }
}
