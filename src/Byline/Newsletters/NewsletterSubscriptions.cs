using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Newsletters;

public enum SubscribeStatus
{
    /// <summary>The reader is told to look in their inbox (whether or not a mail went: the page never tells who is subscribed).</summary>
    CheckInbox,
    Invalid,
    /// <summary>The confirmation mail could not be handed to the SMTP server; nothing is lost, the reader tries again.</summary>
    MailFailed,
}

public sealed record SubscribeResult(SubscribeStatus Status, IReadOnlyDictionary<string, string> Errors);

public sealed record ListChoice(int Id, string Name, string Description, NewsletterKind Kind, SubscriptionState? State);

/// <summary>
/// The reader side of newsletters: subscribing with double opt-in, confirming, the preference page's changes and
/// unsubscribing (one list or all). Only a confirmed subscription ever receives an issue.
/// </summary>
public sealed class NewsletterSubscriptions(
    BylineDb db,
    NewsletterLinks links,
    NewsletterMail mail,
    NewsletterSmtp smtp,
    SiteSettingsStore settings,
    IOptionsMonitor<NewsletterOptions> options,
    TimeProvider clock,
    ILogger<NewsletterSubscriptions> log)
{
    public async Task<IReadOnlyList<ListChoice>> ListsAsync(int? subscriberId, CancellationToken ct)
    {
        var lists = await db.Set<NewsletterList>().AsNoTracking().Where(l => l.Enabled).OrderBy(l => l.Kind).ThenBy(l => l.Name)
            .Select(l => new { l.Id, l.Name, l.Description, l.Kind }).ToListAsync(ct);
        var states = subscriberId is int id
            ? await db.Set<NewsletterSubscription>().AsNoTracking().Where(s => s.SubscriberId == id).ToDictionaryAsync(s => s.ListId, s => s.State, ct)
            : [];
        return [.. lists.Select(l => new ListChoice(l.Id, l.Name, l.Description, l.Kind, states.TryGetValue(l.Id, out var s) ? s : null))];
    }

    public async Task<SubscribeResult> SubscribeAsync(string? email, string? name, IReadOnlyCollection<int> listIds, string baseUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listIds);
        var errors = new Dictionary<string, string>();
        var address = NewsletterInput.Address(email, out var emailError);
        if (emailError is not null)
        {
            errors["Email"] = emailError;
        }
        var cleanName = NewsletterInput.Line(name, 100, "name", required: false, out var nameError);
        if (nameError is not null)
        {
            errors["Name"] = nameError;
        }
        var lists = await db.Set<NewsletterList>().AsNoTracking().Where(l => l.Enabled && listIds.Contains(l.Id)).ToListAsync(ct);
        if (lists.Count == 0)
        {
            errors["ListIds"] = "Choose at least one newsletter.";
        }
        if (errors.Count > 0)
        {
            return new SubscribeResult(SubscribeStatus.Invalid, errors);
        }
        var o = options.CurrentValue;
        var now = clock.GetUtcNow().UtcDateTime;
        var subscriber = await db.Set<NewsletterSubscriber>().FirstOrDefaultAsync(s => s.Email == address, ct);
        if (subscriber is null)
        {
            subscriber = new NewsletterSubscriber { Email = address!, Name = cleanName ?? "", CreatedAt = now };
            db.Add(subscriber);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Two posts for one new address at once: the other made the row.
                db.ChangeTracker.Clear();
                subscriber = await db.Set<NewsletterSubscriber>().FirstAsync(s => s.Email == address, ct);
            }
        }
        var existing = await db.Set<NewsletterSubscription>().AsTracking().Where(s => s.SubscriberId == subscriber.Id).ToDictionaryAsync(s => s.ListId, ct);
        var toConfirm = new List<NewsletterList>();
        var recentlyMailed = false;
        foreach (var list in lists)
        {
            if (existing.TryGetValue(list.Id, out var sub))
            {
                if (sub.State == SubscriptionState.Confirmed)
                {
                    continue;
                }
                recentlyMailed |= sub.State == SubscriptionState.Pending && now - sub.RequestedAt < o.ConfirmationResendAfter;
                sub.State = SubscriptionState.Pending;
                sub.RequestedAt = now;
            }
            else
            {
                db.Add(new NewsletterSubscription { SubscriberId = subscriber.Id, ListId = list.Id, State = SubscriptionState.Pending, RequestedAt = now });
            }
            toConfirm.Add(list);
        }
        // Nothing new to confirm, a suppressed address, or a confirmation mailed moments ago: the same answer, no mail.
        // A bot typing a stranger's address again and again sends that stranger one mail per ConfirmationResendAfter at most.
        if (toConfirm.Count == 0 || subscriber.SuppressedAt is not null || recentlyMailed)
        {
            await db.SaveChangesAsync(ct);
            return new SubscribeResult(SubscribeStatus.CheckInbox, errors);
        }
        var token = links.ConfirmToken(subscriber.Id, toConfirm.Select(l => l.Id), now + o.ConfirmationLifetime);
        using var message = mail.Confirmation(subscriber.Email, subscriber.Name, [.. toConfirm.Select(l => l.Name)],
            baseUrl + "/newsletters/confirm?token=" + Uri.EscapeDataString(token), settings.Current.PublicationName, o.ConfirmationLifetime);
        var sent = await smtp.SendAsync(message, ct);
        if (sent.Outcome != SmtpOutcome.Accepted)
        {
            log.LogWarning("Newsletter confirmation to subscriber {Subscriber} not sent: {Error}", subscriber.Id, sent.Error);
            // Not recorded as mailed: the next try sends it.
            foreach (var sub in existing.Values.Where(s => s.State == SubscriptionState.Pending))
            {
                sub.RequestedAt = now - o.ConfirmationResendAfter;
            }
            foreach (var added in db.ChangeTracker.Entries<NewsletterSubscription>().Where(e => e.State == EntityState.Added))
            {
                added.Entity.RequestedAt = now - o.ConfirmationResendAfter;
            }
            await db.SaveChangesAsync(ct);
            return new SubscribeResult(SubscribeStatus.MailFailed, errors);
        }
        await db.SaveChangesAsync(ct);
        return new SubscribeResult(SubscribeStatus.CheckInbox, errors);
    }

    /// <summary>Confirms the lists a valid link names; returns the check and, when valid, the subscriber.</summary>
    public async Task<(LinkCheck Check, int SubscriberId)> ConfirmAsync(string? token, string clientIp, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientIp);
        var now = clock.GetUtcNow().UtcDateTime;
        var check = links.ReadConfirm(token, now, out var confirmation);
        if (check != LinkCheck.Valid || confirmation is null)
        {
            return (check, 0);
        }
        var ip = clientIp.Length > 64 ? clientIp[..64] : clientIp;
        var subs = await db.Set<NewsletterSubscription>().AsTracking()
            .Where(s => s.SubscriberId == confirmation.SubscriberId && confirmation.ListIds.Contains(s.ListId))
            .ToListAsync(ct);
        if (subs.Count == 0)
        {
            // Erased since, or lists removed: the link names nothing that exists.
            return (LinkCheck.Forged, 0);
        }
        foreach (var sub in subs.Where(s => s.State == SubscriptionState.Pending))
        {
            sub.State = SubscriptionState.Confirmed;
            sub.ConfirmedAt = now;
            sub.ConfirmedFrom = ip;
            sub.UnsubscribedAt = null;
        }
        await db.SaveChangesAsync(ct);
        return (LinkCheck.Valid, confirmation.SubscriberId);
    }

    /// <summary>
    /// The preference page's save: the ticked lists become confirmed (the reader came from a link mailed to the
    /// address, which proves it is theirs), the others unsubscribed.
    /// </summary>
    public async Task<bool> SaveChoicesAsync(int subscriberId, IReadOnlyCollection<int> keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (!await db.Set<NewsletterSubscriber>().AnyAsync(s => s.Id == subscriberId, ct))
        {
            return false;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var lists = await db.Set<NewsletterList>().Where(l => l.Enabled).Select(l => l.Id).ToListAsync(ct);
        var subs = await db.Set<NewsletterSubscription>().AsTracking().Where(s => s.SubscriberId == subscriberId).ToDictionaryAsync(s => s.ListId, ct);
        foreach (var listId in lists)
        {
            var wanted = keep.Contains(listId);
            subs.TryGetValue(listId, out var sub);
            if (wanted && sub is not { State: SubscriptionState.Confirmed })
            {
                if (sub is null)
                {
                    sub = new NewsletterSubscription { SubscriberId = subscriberId, ListId = listId, RequestedAt = now };
                    db.Add(sub);
                }
                sub.State = SubscriptionState.Confirmed;
                sub.ConfirmedAt = now;
                sub.UnsubscribedAt = null;
            }
            else if (!wanted && sub is { State: not SubscriptionState.Unsubscribed })
            {
                sub.State = SubscriptionState.Unsubscribed;
                sub.UnsubscribedAt = now;
            }
        }
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Unsubscribes from one list (or every list for 0) at once: one UPDATE, no read first.</summary>
    public async Task<int> UnsubscribeAsync(int subscriberId, int listId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Set<NewsletterSubscription>()
            .Where(s => s.SubscriberId == subscriberId && (listId == 0 || s.ListId == listId) && s.State != SubscriptionState.Unsubscribed)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SubscriptionState.Unsubscribed).SetProperty(s => s.UnsubscribedAt, now), ct);
    }
}
