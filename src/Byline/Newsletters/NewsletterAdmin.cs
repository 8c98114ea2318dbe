using System.Globalization;
using System.Security.Claims;
using System.Text;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters;

public sealed record SuppressionRow(int SubscriberId, string Email, DateTime SuppressedAt, string Reason);

/// <summary>One line of an import that was not imported, with why.</summary>
public sealed record ImportLine(int Line, string Message);

public sealed record ImportReport(int Imported, int AlreadySubscribed, IReadOnlyList<ImportLine> Errors, IReadOnlyList<ImportLine> Skipped)
{
    public bool Rejected => Errors.Count > 0;
}

/// <summary>Everything held about one reader, as the admin's privacy export gives it.</summary>
public sealed record ReaderData(
    int Id, string Email, string Name, DateTime CreatedAt, string Source, DateTime? SuppressedAt, string? SuppressionReason, DateTime? SuppressionLiftedAt,
    IReadOnlyList<ReaderSubscription> Subscriptions, IReadOnlyList<ReaderBounce> Bounces, IReadOnlyList<ReaderDelivery> Deliveries);

public sealed record ReaderSubscription(string List, string State, DateTime RequestedAt, DateTime? ConfirmedAt, string? ConfirmedFrom, DateTime? UnsubscribedAt);

public sealed record ReaderBounce(string Kind, string Status, string Detail, string Via, DateTime ReceivedAt);

public sealed record ReaderDelivery(int IssueId, string Subject, string State, string MessageId, int Attempts, DateTime? SentAt, DateTime? OpenedAt);

/// <summary>
/// The admin's side of subscribers: suppressions (search, lift — audited), the CSV export and import with consent
/// dates, and one reader's data (export, erase — audited without the address).
/// </summary>
public sealed class NewsletterAdmin(BylineDb db, AuditLog audit, TimeProvider clock)
{
    /// <summary>The CSV columns, in export order; an import needs <c>email</c>, <c>list</c> and <c>consented_at</c>.</summary>
    public static readonly string[] Columns = ["email", "name", "list", "state", "consented_at", "confirmed_at", "unsubscribed_at", "source", "suppressed_at"];

    private static readonly string[] RequiredColumns = ["email", "list", "consented_at"];

    public async Task<IReadOnlyList<SuppressionRow>> SuppressionsAsync(string? address, string? reason, DateTime? from, DateTime? until, CancellationToken ct)
    {
        var q = db.Set<NewsletterSubscriber>().AsNoTracking().Where(s => s.SuppressedAt != null);
        if (!string.IsNullOrWhiteSpace(address))
        {
            var a = address.Trim().ToLowerInvariant();
            q = q.Where(s => s.Email.Contains(a));
        }
        if (!string.IsNullOrWhiteSpace(reason))
        {
            var r = reason.Trim().ToLowerInvariant();
            // Runs as SQL lower(…) LIKE on both providers; the comparison overload does not translate.
#pragma warning disable CA1862, CA1304, CA1311 // runs as SQL lower(), never under a .NET culture
            q = q.Where(s => s.SuppressionReason != null && s.SuppressionReason.ToLower().Contains(r));
#pragma warning restore CA1862, CA1304, CA1311
        }
        if (from is DateTime f)
        {
            q = q.Where(s => s.SuppressedAt >= f);
        }
        if (until is DateTime u)
        {
            q = q.Where(s => s.SuppressedAt < u);
        }
        return await q.OrderByDescending(s => s.SuppressedAt).ThenBy(s => s.Id).Take(500)
            .Select(s => new SuppressionRow(s.Id, s.Email, s.SuppressedAt!.Value, s.SuppressionReason ?? "")).ToListAsync(ct);
    }

    /// <summary>Lifts a suppression: mail may go to the address again, and older soft bounces stop counting.</summary>
    public async Task<bool> LiftAsync(int subscriberId, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        var subscriber = await db.Set<NewsletterSubscriber>().AsTracking().FirstOrDefaultAsync(s => s.Id == subscriberId && s.SuppressedAt != null, ct);
        if (subscriber is null)
        {
            return false;
        }
        var was = $"suppressed {subscriber.SuppressedAt:yyyy-MM-dd HH:mm} UTC: {subscriber.SuppressionReason}";
        subscriber.SuppressedAt = null;
        subscriber.SuppressionReason = null;
        subscriber.SuppressionLiftedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(db, user, "newsletter.suppression_lifted", "newsletter-subscriber", subscriberId.ToString(CultureInfo.InvariantCulture), was, ip);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Every subscriber, one row per list (a subscriber on no list: one row with an empty list), streamed.</summary>
    public async Task ExportCsvAsync(Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 65536, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
        var lists = await db.Set<NewsletterList>().AsNoTracking().ToDictionaryAsync(l => l.Id, l => l.Slug, ct);
        var rows = from s in db.Set<NewsletterSubscriber>().AsNoTracking()
                   join sub in db.Set<NewsletterSubscription>().AsNoTracking() on s.Id equals sub.SubscriberId into subs
                   from sub in subs.DefaultIfEmpty()
                   orderby s.Id, sub.ListId
                   select new { s.Email, s.Name, s.Source, s.SuppressedAt, ListId = (int?)sub.ListId, State = (SubscriptionState?)sub.State, RequestedAt = (DateTime?)sub.RequestedAt, sub.ConfirmedAt, sub.UnsubscribedAt };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            string[] fields =
            [
                r.Email, r.Name, r.ListId is int l && lists.TryGetValue(l, out var slug) ? slug : "", r.State?.ToString().ToLowerInvariant() ?? "",
                Date(r.RequestedAt), Date(r.ConfirmedAt), Date(r.UnsubscribedAt), r.Source, Date(r.SuppressedAt),
            ];
            await writer.WriteAsync(string.Join(',', fields.Select(Csv.Field)) + "\r\n");
        }
    }

    /// <summary>
    /// Imports subscribers with their consent: every line is checked first and any bad line rejects the whole file
    /// (with each bad line's number), so nothing is half-imported. Imported subscriptions are confirmed with the dates
    /// given — no confirmation mail goes out. A suppressed address or one that left a list is never subscribed again
    /// by an import: those lines are skipped and listed.
    /// </summary>
    public async Task<ImportReport> ImportCsvAsync(Stream input, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        var errors = new List<ImportLine>();
        var skipped = new List<ImportLine>();
        var lists = await db.Set<NewsletterList>().AsNoTracking().ToDictionaryAsync(l => l.Slug, l => l.Id, StringComparer.OrdinalIgnoreCase, ct);
        var rows = new List<(int Line, string Email, string Name, int ListId, DateTime Consented, DateTime Confirmed)>();
        Dictionary<string, int>? header = null;
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        await foreach (var (line, fields) in Csv.ReadAsync(reader, ct))
        {
            if (header is null)
            {
                header = fields.Select((f, i) => (f.Trim().ToLowerInvariant(), i)).GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => g.First().i);
                var missing = RequiredColumns.Where(c => !header.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                {
                    errors.Add(new ImportLine(line, "The first line must name the columns; missing: " + string.Join(", ", missing) + "."));
                    break;
                }
                continue;
            }
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            string Get(string column) => header.TryGetValue(column, out var i) && i < fields.Count ? fields[i].Trim() : "";
            var email = NewsletterInput.Address(Get("email"), out var emailError);
            var name = NewsletterInput.Line(Csv.Unguard(Get("name")), 100, "name", required: false, out var nameError);
            var state = Get("state").ToLowerInvariant();
            var problems = new List<string>();
            if (emailError is not null)
            {
                problems.Add(emailError);
            }
            if (nameError is not null)
            {
                problems.Add(nameError);
            }
            if (!lists.TryGetValue(Get("list"), out var listId))
            {
                problems.Add(Get("list").Length == 0 ? "No list given." : $"No newsletter has the slug “{Clip(Get("list"))}”.");
            }
            if (!TryDate(Get("consented_at"), out var consented) || consented is null)
            {
                problems.Add("consented_at must be a date and time (ISO 8601, UTC), e.g. 2026-03-01T09:30:00Z.");
            }
            if (!TryDate(Get("confirmed_at"), out var confirmed))
            {
                problems.Add("confirmed_at must be empty or a date and time (ISO 8601, UTC).");
            }
            if (state is not ("" or "confirmed" or "pending" or "unsubscribed"))
            {
                problems.Add("state must be empty, confirmed, pending or unsubscribed.");
            }
            if (problems.Count > 0)
            {
                errors.Add(new ImportLine(line, string.Join(" ", problems)));
                continue;
            }
            if (state is "pending" or "unsubscribed")
            {
                skipped.Add(new ImportLine(line, $"{email}: state {state}, not imported (only confirmed consent is)."));
                continue;
            }
            rows.Add((line, email!, name ?? "", listId, consented!.Value, confirmed ?? consented.Value));
        }
        if (header is null)
        {
            errors.Add(new ImportLine(1, "The file is empty."));
        }
        if (errors.Count > 0)
        {
            return new ImportReport(0, 0, errors, skipped);
        }
        int imported = 0, already = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in rows.Chunk(500))
        {
            var emails = chunk.Select(r => r.Email).Distinct().ToList();
            var subscribers = await db.Set<NewsletterSubscriber>().AsTracking().Where(s => emails.Contains(s.Email)).ToDictionaryAsync(s => s.Email, ct);
            foreach (var email in emails.Where(e => !subscribers.ContainsKey(e)))
            {
                var first = chunk.First(r => r.Email == email);
                var added = new NewsletterSubscriber { Email = email, Name = first.Name, CreatedAt = now, Source = "import" };
                db.Add(added);
                subscribers[email] = added;
            }
            await db.SaveChangesAsync(ct);
            var ids = subscribers.Values.Select(s => s.Id).ToList();
            var existing = await db.Set<NewsletterSubscription>().AsTracking().Where(s => ids.Contains(s.SubscriberId))
                .ToDictionaryAsync(s => (s.SubscriberId, s.ListId), ct);
            foreach (var row in chunk)
            {
                var subscriber = subscribers[row.Email];
                if (subscriber.SuppressedAt is not null)
                {
                    skipped.Add(new ImportLine(row.Line, $"{row.Email}: suppressed ({subscriber.SuppressionReason}), not subscribed again. Lift the suppression first if the reader asked."));
                    continue;
                }
                if (existing.TryGetValue((subscriber.Id, row.ListId), out var sub))
                {
                    if (sub.State == SubscriptionState.Confirmed)
                    {
                        already++;
                        continue;
                    }
                    if (sub.State == SubscriptionState.Unsubscribed)
                    {
                        skipped.Add(new ImportLine(row.Line, $"{row.Email}: left this newsletter on {sub.UnsubscribedAt:yyyy-MM-dd}, not subscribed again."));
                        continue;
                    }
                    sub.State = SubscriptionState.Confirmed;
                    sub.RequestedAt = row.Consented;
                    sub.ConfirmedAt = row.Confirmed;
                    sub.ConfirmedFrom = "import";
                }
                else
                {
                    sub = new NewsletterSubscription
                    {
                        SubscriberId = subscriber.Id, ListId = row.ListId, State = SubscriptionState.Confirmed, RequestedAt = row.Consented,
                        ConfirmedAt = row.Confirmed, ConfirmedFrom = "import",
                    };
                    db.Add(sub);
                    existing[(subscriber.Id, row.ListId)] = sub;
                }
                imported++;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        audit.Record(db, user, "newsletter.subscribers_imported", "newsletter", "", $"{imported} subscriptions imported, {already} already there, {skipped.Count} skipped", ip);
        await db.SaveChangesAsync(ct);
        return new ImportReport(imported, already, errors, skipped);
    }

    public async Task<ReaderData?> ReaderAsync(string? email, CancellationToken ct)
    {
        var address = (email ?? "").Trim().ToLowerInvariant();
        var s = await db.Set<NewsletterSubscriber>().AsNoTracking().FirstOrDefaultAsync(x => x.Email == address, ct);
        return s is null ? null : await ReaderAsync(s, ct);
    }

    public async Task<ReaderData?> ReaderAsync(int id, CancellationToken ct)
    {
        var s = await db.Set<NewsletterSubscriber>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return s is null ? null : await ReaderAsync(s, ct);
    }

    private async Task<ReaderData> ReaderAsync(NewsletterSubscriber s, CancellationToken ct)
    {
        var subscriptions = await (from sub in db.Set<NewsletterSubscription>().AsNoTracking()
                                   join l in db.Set<NewsletterList>() on sub.ListId equals l.Id
                                   where sub.SubscriberId == s.Id
                                   orderby l.Name
                                   select new { l.Slug, sub.State, sub.RequestedAt, sub.ConfirmedAt, sub.ConfirmedFrom, sub.UnsubscribedAt }).ToListAsync(ct);
        var bounces = await db.Set<NewsletterBounce>().AsNoTracking().Where(b => b.SubscriberId == s.Id).OrderBy(b => b.Id).ToListAsync(ct);
        var deliveries = await (from d in db.Set<NewsletterDelivery>().AsNoTracking()
                                join i in db.Set<NewsletterIssue>() on d.IssueId equals i.Id
                                where d.SubscriberId == s.Id
                                orderby d.Id
                                select new { d.IssueId, i.Subject, d.State, d.MessageId, d.Attempts, d.SentAt, d.OpenedAt }).ToListAsync(ct);
        return new ReaderData(s.Id, s.Email, s.Name, s.CreatedAt, s.Source, s.SuppressedAt, s.SuppressionReason, s.SuppressionLiftedAt,
            [.. subscriptions.Select(x => new ReaderSubscription(x.Slug, x.State.ToString(), x.RequestedAt, x.ConfirmedAt, x.ConfirmedFrom, x.UnsubscribedAt))],
            [.. bounces.Select(b => new ReaderBounce(b.Kind.ToString(), b.Status, b.Detail, b.Via, b.ReceivedAt))],
            [.. deliveries.Select(d => new ReaderDelivery(d.IssueId, d.Subject, d.State.ToString(), d.MessageId, d.Attempts, d.SentAt, d.OpenedAt))]);
    }

    public void RecordExport(int subscriberId, ClaimsPrincipal user, string ip) =>
        audit.Record(db, user, "newsletter.reader_exported", "newsletter-subscriber", subscriberId.ToString(CultureInfo.InvariantCulture), "", ip);

    public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    /// <summary>
    /// Erases a reader: their deliveries, bounces, subscriptions (with the consent records) and the subscriber row —
    /// every row that holds or points at the address. The audit entry names the number, never the address.
    /// </summary>
    public async Task<bool> EraseAsync(int subscriberId, ClaimsPrincipal user, string ip, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deliveries = await db.Set<NewsletterDelivery>().Where(d => d.SubscriberId == subscriberId).ExecuteDeleteAsync(ct);
        var bounces = await db.Set<NewsletterBounce>().Where(b => b.SubscriberId == subscriberId).ExecuteDeleteAsync(ct);
        var subscriptions = await db.Set<NewsletterSubscription>().Where(s => s.SubscriberId == subscriberId).ExecuteDeleteAsync(ct);
        if (await db.Set<NewsletterSubscriber>().Where(s => s.Id == subscriberId).ExecuteDeleteAsync(ct) != 1)
        {
            return false;
        }
        audit.Record(db, user, "newsletter.reader_erased", "newsletter-subscriber", subscriberId.ToString(CultureInfo.InvariantCulture),
            $"{subscriptions} subscriptions, {deliveries} deliveries and {bounces} bounces erased", ip);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static string Date(DateTime? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static bool TryDate(string text, out DateTime? at)
    {
        at = null;
        if (text.Length == 0)
        {
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed)
            && parsed.Year >= 1990 && parsed.Year <= 2200)
        {
            at = parsed.UtcDateTime;
            return true;
        }
        return false;
    }

    private static string Clip(string text) => text.Length > 60 ? text[..60] + "…" : text;
}

/// <summary>RFC 4180 CSV: quoted fields (with "" inside, line breaks allowed), CRLF or LF; records with the line they start on.</summary>
public static class Csv
{
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // A cell a spreadsheet would run as a formula is kept as text.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Takes back the quote <see cref="Field"/> put before a formula-like cell.</summary>
    public static string Unguard(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' ? value[1..] : value;
    }

    public static async IAsyncEnumerable<(int Line, IReadOnlyList<string> Fields)> ReadAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var line = 1;
        var start = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        var buffer = new char[8192];
        int n;
        var pendingQuote = false;
        while ((n = await reader.ReadAsync(buffer, ct)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                var c = buffer[i];
                any = true;
                if (pendingQuote)
                {
                    pendingQuote = false;
                    if (c == '"')
                    {
                        field.Append('"');
                        continue;
                    }
                    quoted = false;
                }
                if (quoted)
                {
                    if (c == '"')
                    {
                        pendingQuote = true;
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }
                        field.Append(c);
                    }
                    continue;
                }
                switch (c)
                {
                    case '"' when field.Length == 0:
                        quoted = true;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        break;
                    case '\r':
                        break;
                    case '\n':
                        fields.Add(field.ToString());
                        field.Clear();
                        yield return (start, fields);
                        fields = [];
                        any = false;
                        line++;
                        start = line;
                        break;
                    default:
                        field.Append(c);
                        break;
                }
            }
        }
        if (any)
        {
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
