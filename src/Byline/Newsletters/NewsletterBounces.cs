using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Byline.Newsletters;

/// <summary>One failed recipient (or one complaint) read from a delivery status notification or an ARF report.</summary>
public sealed record BounceReport(string? Recipient, BounceKind Kind, string Status, string Detail);

/// <summary>What one report message did: reports found in it, bounces recorded (not seen before), addresses suppressed.</summary>
public sealed record BounceOutcome(int Reports, int Recorded, int Suppressed);

/// <summary>
/// Reads bounces and complaints and applies the suppression rules: a hard bounce (5.x.x) or a complaint suppresses the
/// address at once; three soft bounces (4.x.x) within <see cref="SoftWindow"/> suppress it. Each report is recorded
/// once (keyed by the report's Message-ID and the recipient), so reading a mailbox twice counts nothing twice.
/// </summary>
public sealed class NewsletterBounces(BylineDb db, TimeProvider clock, ILogger<NewsletterBounces> log)
{
    public static readonly TimeSpan SoftWindow = TimeSpan.FromDays(14);

    public const int SoftLimit = 3;

    /// <summary>
    /// The reports in a message: the per-recipient groups of an RFC 3464 <c>message/delivery-status</c> part that
    /// failed or were delayed, and an RFC 5965 <c>message/feedback-report</c> of type abuse. Anything else: none.
    /// </summary>
    public static IReadOnlyList<BounceReport> Read(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var reports = new List<BounceReport>();
        foreach (var part in message.BodyParts)
        {
            if (part is MessageDeliveryStatus dsn)
            {
                foreach (var group in dsn.StatusGroups)
                {
                    var recipient = AddressOf(group["Final-Recipient"]) ?? AddressOf(group["Original-Recipient"]);
                    var status = (group["Status"] ?? "").Trim();
                    var action = (group["Action"] ?? "").Trim().ToLowerInvariant();
                    if (recipient is null || status.Length == 0 || action is "delivered" or "relayed" or "expanded")
                    {
                        continue;
                    }
                    var kind = status[0] switch { '5' => BounceKind.Hard, '4' => BounceKind.Soft, _ => (BounceKind?)null };
                    if (kind is BounceKind k)
                    {
                        reports.Add(new BounceReport(recipient, k, Clip(status.Split(' ')[0], 20), Clip(NewsletterInput.OneLine(group["Diagnostic-Code"]).Trim(), 500)));
                    }
                }
            }
            else if (part is MessageFeedbackReport arf)
            {
                var type = (arf.Fields["Feedback-Type"] ?? "").Trim().ToLowerInvariant();
                if (type != "abuse")
                {
                    continue;
                }
                // Providers often redact the recipient: then the original's Message-ID finds the delivery.
                reports.Add(new BounceReport(AddressOf(arf.Fields["Original-Rcpt-To"]), BounceKind.Complaint, "", "complaint: " + type));
            }
        }
        return reports;
    }

    /// <summary>Records the reports of one message and suppresses where the rules say so.</summary>
    public async Task<BounceOutcome> RecordAsync(MimeMessage message, string via, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var reports = Read(message);
        if (reports.Count == 0)
        {
            return new BounceOutcome(0, 0, 0);
        }
        var reportId = message.MessageId is { Length: > 0 } id ? id : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.ToString())));
        var originalId = OriginalMessageId(message);
        int recorded = 0, suppressed = 0;
        foreach (var report in reports)
        {
            var subscriberId = await SubscriberOfAsync(report.Recipient, originalId, ct);
            if (subscriberId is not int sid)
            {
                log.LogInformation("Newsletter bounce report for an address that is not a subscriber; ignored");
                continue;
            }
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reportId + "|" + sid.ToString(CultureInfo.InvariantCulture) + "|" + report.Kind)));
            if (await db.Set<NewsletterBounce>().AnyAsync(b => b.ReportKey == key, ct))
            {
                continue;
            }
            var now = clock.GetUtcNow().UtcDateTime;
            db.Add(new NewsletterBounce { SubscriberId = sid, Kind = report.Kind, Status = report.Status, Detail = report.Detail, Via = via, ReportKey = key, ReceivedAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another node recorded the same report at the same moment.
                db.ChangeTracker.Clear();
                continue;
            }
            recorded++;
            if (await ApplyRulesAsync(sid, report, now, ct))
            {
                suppressed++;
            }
        }
        return new BounceOutcome(reports.Count, recorded, suppressed);
    }

    private async Task<bool> ApplyRulesAsync(int subscriberId, BounceReport report, DateTime now, CancellationToken ct)
    {
        string reason;
        if (report.Kind == BounceKind.Hard)
        {
            reason = Clip($"Hard bounce {report.Status}: {report.Detail}", 500);
        }
        else if (report.Kind == BounceKind.Complaint)
        {
            reason = "Complaint (marked as spam)";
        }
        else
        {
            var since = now - SoftWindow;
            var lifted = await db.Set<NewsletterSubscriber>().Where(s => s.Id == subscriberId).Select(s => s.SuppressionLiftedAt).FirstOrDefaultAsync(ct);
            if (lifted > since)
            {
                since = lifted.Value;
            }
            var soft = await db.Set<NewsletterBounce>().CountAsync(b => b.SubscriberId == subscriberId && b.Kind == BounceKind.Soft && b.ReceivedAt >= since, ct);
            if (soft < SoftLimit)
            {
                return false;
            }
            reason = Clip($"{soft} soft bounces within {SoftWindow.TotalDays:0} days (last {report.Status}: {report.Detail})", 500);
        }
        return await db.Set<NewsletterSubscriber>().Where(s => s.Id == subscriberId && s.SuppressedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.SuppressedAt, now).SetProperty(s => s.SuppressionReason, reason), ct) == 1;
    }

    private async Task<int?> SubscriberOfAsync(string? recipient, string? originalMessageId, CancellationToken ct)
    {
        if (recipient is { Length: > 0 })
        {
            var email = recipient.Trim().ToLowerInvariant();
            var id = await db.Set<NewsletterSubscriber>().Where(s => s.Email == email).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
            if (id is not null)
            {
                return id;
            }
        }
        if (originalMessageId is { Length: > 0 })
        {
            var bracketed = "<" + originalMessageId + ">";
            return await db.Set<NewsletterDelivery>().Where(d => d.MessageId == originalMessageId || d.MessageId == bracketed)
                .Select(d => (int?)d.SubscriberId).FirstOrDefaultAsync(ct);
        }
        return null;
    }

    /// <summary>The Message-ID of the returned original (a message/rfc822 part or text/rfc822-headers).</summary>
    private static string? OriginalMessageId(MimeMessage message)
    {
        foreach (var part in message.BodyParts)
        {
            if (part is MessagePart { Message: { } original } && !string.IsNullOrEmpty(original.MessageId))
            {
                return original.MessageId;
            }
            if (part is TextPart text && text.ContentType.IsMimeType("text", "rfc822-headers"))
            {
                using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.Text));
                try
                {
                    var headers = HeaderList.Load(stream);
                    if (headers[HeaderId.MessageId] is { } mid)
                    {
                        return mid.Trim().Trim('<', '>').Trim();
                    }
                }
                catch (FormatException)
                {
                    // Unreadable headers: only the recipient can name the subscriber.
                }
            }
        }
        return null;
    }

    /// <summary>"rfc822; someone@example.org" → the address.</summary>
    private static string? AddressOf(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return null;
        }
        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon >= 0 ? field[(semicolon + 1)..] : field).Trim().Trim('<', '>').Trim();
        return address.Contains('@', StringComparison.Ordinal) && address.Length <= NewsletterInput.MaxAddressLength ? address : null;
    }

    private static string Clip(string text, int max) => text.Length > max ? text[..max] : text;
}
