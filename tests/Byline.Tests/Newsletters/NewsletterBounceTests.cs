using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Byline.Newsletters;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsletters;

/// <summary>Sending through the test Postfix with a bounce address of its own, read back from the Maildir, and the bounce webhook's secret.</summary>
internal static class BounceSettings
{
    public const string Secret = "bounce-secret-for-tests";

    public static Dictionary<string, string> For(string smtp)
    {
        var settings = NewsletterSettings.For(smtp);
        // Each app its own bounce address: the shared Maildir holds every suite's mail, a reader takes only what is its own.
        settings["Byline:Newsletters:BounceAddress"] = MailServer.NewAddress("bounces");
        settings["Byline:Newsletters:BounceMaildir"] = MailServer.Maildir;
        settings["Byline:Newsletters:BouncePollInterval"] = "00:00:00.3";
        settings["Byline:Newsletters:BounceWebhookSecret"] = Secret;
        settings["Byline:Newsletters:MaxImportBytes"] = "20000";
        return settings;
    }
}

public sealed class NewsletterBounceSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = BounceSettings.For(MailServer.Smtp);
}

public sealed class NewsletterBouncePostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = BounceSettings.For(MailServer.Smtp);
}

/// <summary>
/// Bounces and complaints (real DSNs from Postfix read from the bounce Maildir, and reports posted to the webhook),
/// the suppression rules, the admin's suppressions page, the subscriber CSV export and import, and one reader's
/// data exported and erased.
/// </summary>
public abstract class NewsletterBounceTests(BylineApp app)
{
    private static readonly string[] Lines3And5 = ["3", "5"];
    private static readonly string[] Lines4And5 = ["4", "5"];

    private string BounceAddress => app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NewsletterOptions>>().Value.BounceAddress;

    private static async Task<NewsletterSubscriber> SubscriberWithAsync(BylineApp app, int listId, string email)
    {
        var subscriber = (await NewsletterData.SubscribersAsync(app, listId, 1))[0];
        await app.WithDbAsync(db => db.Set<NewsletterSubscriber>().Where(s => s.Id == subscriber.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Email, email)));
        subscriber.Email = email;
        return subscriber;
    }

    private Task<NewsletterSubscriber> ReloadAsync(int id) =>
        app.WithDbAsync(db => db.Set<NewsletterSubscriber>().AsNoTracking().FirstAsync(s => s.Id == id));

    private static string SoftBounce(string email, string status = "4.2.2") => $"""
        From: MAILER-DAEMON@mx.example.org
        To: bounces@byline.test
        Subject: Delivery delayed
        Message-ID: <{Guid.NewGuid():N}@mx.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        The mailbox is full; we keep trying.
        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.org

        Final-Recipient: rfc822; {email}
        Action: delayed
        Status: {status}
        Diagnostic-Code: smtp; 452 {status} Mailbox full

        --b1--

        """.Replace("\n", "\r\n", StringComparison.Ordinal);

    private static string Complaint(string? email, string originalMessageId) => $"""
        From: feedback@mx.example.org
        To: bounces@byline.test
        Subject: Complaint
        Message-ID: <{Guid.NewGuid():N}@mx.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="c1"

        --c1
        Content-Type: text/plain

        A reader marked this message as spam.
        --c1
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: Example-FBL/1.0
        Version: 1
        {(email is null ? "Original-Mail-From: <bounces@byline.test>" : "Original-Rcpt-To: " + email)}

        --c1
        Content-Type: text/rfc822-headers

        From: The Desk <desk@byline.test>
        Message-ID: <{originalMessageId}>
        Subject: Morning

        --c1--

        """.Replace("\n", "\r\n", StringComparison.Ordinal);

    private async Task<HttpResponseMessage> PostReportAsync(string body, string? secret = BounceSettings.Secret, bool sign = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/newsletters/bounces") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        if (secret is not null)
        {
            if (sign)
            {
                request.Headers.Add(NewslettersExtensions.SignatureHeader, NewslettersExtensions.SignBounce(secret, bytes));
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            }
        }
        return await app.Client.SendAsync(request);
    }

    private static async Task<string> CodeAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("code").GetString()!;
    }

    [DatabaseFact]
    public async Task A_real_bounce_from_postfix_is_read_from_the_mailbox_and_suppresses_at_once()
    {
        var list = await NewsletterData.ListAsync(app);
        var unknown = await SubscriberWithAsync(app, list.Id, MailServer.NewAddress("unknown"));
        var known = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        await NewsletterData.QueueIssueAsync(app, list);

        // Postfix takes the message, finds no such mailbox and returns a DSN to the bounce address; the reader finds it.
        var bounced = await Poll.UntilAsync(() => ReloadAsync(unknown.Id), s => s.SuppressedAt is not null, "the unknown address suppressed", TimeSpan.FromSeconds(90));
        Assert.StartsWith("Hard bounce 5.", bounced.SuppressionReason, StringComparison.Ordinal);
        var bounce = await app.WithDbAsync(db => db.Set<NewsletterBounce>().SingleAsync(b => b.SubscriberId == unknown.Id));
        Assert.Equal(BounceKind.Hard, bounce.Kind);
        Assert.Equal("mailbox", bounce.Via);
        Assert.Null((await ReloadAsync(known.Id)).SuppressedAt);

        // The report was moved to cur/ (seen); posted again through the webhook it counts once.
        var cur = $"{Path.DirectorySeparatorChar}cur{Path.DirectorySeparatorChar}";
        var dsn = Assert.Single(await Poll.UntilAsync(() => Task.FromResult(MailServer.To(BounceAddress)), m => m.Count == 1 && m[0].File.Contains(cur, StringComparison.Ordinal), "the report moved to cur/"));
        using (var again = await PostReportAsync(await File.ReadAllTextAsync(dsn.File), sign: true))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains("\"recorded\":0", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<NewsletterBounce>().CountAsync(b => b.SubscriberId == unknown.Id)));

        // The next issue has no delivery for the suppressed address.
        var next = await NewsletterData.QueueIssueAsync(app, list);
        await Poll.UntilAsync(() => NewsletterData.IssueStateAsync(app, next), s => s == IssueState.Sent, "the next issue sent");
        var deliveries = await NewsletterData.DeliveriesAsync(app, next);
        Assert.DoesNotContain(deliveries, d => d.SubscriberId == unknown.Id);
        Assert.Contains(deliveries, d => d.SubscriberId == known.Id);
    }

    [DatabaseFact]
    public async Task Three_soft_bounces_in_the_window_suppress_a_complaint_at_once_and_the_webhook_wants_its_secret()
    {
        var list = await NewsletterData.ListAsync(app);
        var full = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        var angry = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];

        var first = SoftBounce(full.Email);
        using (var r = await PostReportAsync(first))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var r = await PostReportAsync(first, sign: true))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode); // the same report again: counts once
        }
        using (var r = await PostReportAsync(SoftBounce(full.Email)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Null((await ReloadAsync(full.Id)).SuppressedAt);
        using (var r = await PostReportAsync(SoftBounce(full.Email, "4.4.1")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var suppressed = await ReloadAsync(full.Id);
        Assert.NotNull(suppressed.SuppressedAt);
        Assert.StartsWith("3 soft bounces within 14 days", suppressed.SuppressionReason, StringComparison.Ordinal);

        // Soft bounces older than the window do not count.
        var old = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        using (var r = await PostReportAsync(SoftBounce(old.Email)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var r = await PostReportAsync(SoftBounce(old.Email)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await app.WithDbAsync(db => db.Set<NewsletterBounce>().Where(b => b.SubscriberId == old.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.ReceivedAt, DateTime.UtcNow.AddDays(-15))));
        using (var r = await PostReportAsync(SoftBounce(old.Email)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Null((await ReloadAsync(old.Id)).SuppressedAt);

        // A complaint whose recipient the provider redacted: the returned headers' Message-ID finds the delivery.
        var issue = await NewsletterData.QueueIssueAsync(app, list);
        await Poll.UntilAsync(() => NewsletterData.IssueStateAsync(app, issue), s => s == IssueState.Sent, "the issue sent");
        var delivery = (await NewsletterData.DeliveriesAsync(app, issue)).Single(d => d.SubscriberId == angry.Id);
        using (var r = await PostReportAsync(Complaint(null, delivery.MessageId.Trim('<', '>')), sign: true))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var complained = await ReloadAsync(angry.Id);
        Assert.NotNull(complained.SuppressedAt);
        Assert.StartsWith("Complaint", complained.SuppressionReason, StringComparison.Ordinal);

        // Refusals: no secret, a wrong one, a bad signature, not a report.
        using (var r = await PostReportAsync(SoftBounce(angry.Email), secret: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("newsletter.bounce_unauthorized", await CodeAsync(r));
        }
        using (var r = await PostReportAsync(SoftBounce(angry.Email), secret: "wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        using (var r = await PostReportAsync(SoftBounce(angry.Email), secret: "wrong", sign: true))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        using (var r = await PostReportAsync("From: a@b.example\r\nSubject: hello\r\n\r\nJust a letter.\r\n"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Equal("newsletter.bounce_no_report", await CodeAsync(r));
        }
        using (var r = await PostReportAsync(new string('x', 2 * 1024 * 1024)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        }
    }

    [DatabaseFact]
    public async Task Admins_search_and_lift_suppressions_and_the_lift_is_audited()
    {
        var list = await NewsletterData.ListAsync(app);
        var reader = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        using (var r = await PostReportAsync(Complaint(reader.Email, "x@y")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var page = await admin.PageAsync("/newsroom/newsletters/suppressions?Address=" + Uri.EscapeDataString(reader.Email));
        var row = page.QuerySelector($"tr[data-suppressed='{reader.Id}']");
        Assert.NotNull(row);
        Assert.Contains("Complaint", row.QuerySelector("[data-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull((await admin.PageAsync("/newsroom/newsletters/suppressions?Reason=complaint&From=" + DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .QuerySelector($"tr[data-suppressed='{reader.Id}']"));
        Assert.Null((await admin.PageAsync("/newsroom/newsletters/suppressions?Reason=hard+bounce")).QuerySelector($"tr[data-suppressed='{reader.Id}']"));
        using (var bad = await admin.GetAsync("/newsroom/newsletters/suppressions?From=yesterday"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("YYYY-MM-DD", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        using (var refused = await editor.GetAsync("/newsroom/newsletters/suppressions"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var lifted = await admin.SubmitAsync("/newsroom/newsletters/suppressions?Address=" + Uri.EscapeDataString(reader.Email),
            new Dictionary<string, string>(), $"tr[data-suppressed='{reader.Id}'] form[data-form=lift]");
        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        var after = await ReloadAsync(reader.Id);
        Assert.Null(after.SuppressedAt);
        Assert.NotNull(after.SuppressionLiftedAt);
        var entry = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "newsletter.suppression_lifted" && a.EntityId == reader.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Contains("Complaint", entry.Details, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Upload(string token, string csv)
    {
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        return new MultipartFormDataContent { { new StringContent(token), NewsroomClient.TokenField }, { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "subscribers.csv" } };
#pragma warning restore CA2000
    }

    [DatabaseFact]
    public async Task Subscribers_import_with_consent_dates_line_numbered_errors_no_mail_and_suppressed_addresses_left_alone_then_export()
    {
        var list = await NewsletterData.ListAsync(app);
        var suppressed = (await NewsletterData.SubscribersAsync(app, list.Id, 1, SubscriptionState.Unsubscribed))[0];
        await app.WithDbAsync(db => db.Set<NewsletterSubscriber>().Where(s => s.Id == suppressed.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.SuppressedAt, DateTime.UtcNow).SetProperty(s => s.SuppressionReason, "Hard bounce 5.1.1: test")));
        var left = (await NewsletterData.SubscribersAsync(app, list.Id, 1, SubscriptionState.Unsubscribed))[0];
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var a = MailServer.NewAddress("imported");
        var b = MailServer.NewAddress("imported");

        var bad = $"email,name,list,consented_at\r\n{a},Ann,{list.Slug},2026-03-01T09:30:00Z\r\nnot-an-address,Bob,{list.Slug},2026-03-01\r\n{b},\"Bea, B.\",{list.Slug},2026-03-02T10:00:00Z\r\n{b},Bea,no-such-list,yesterday\r\n";
        using (var content = Upload(await admin.TokenAsync("/newsroom/newsletters/subscribers"), bad))
        using (var rejected = await admin.Http.PostAsync(new Uri("/newsroom/newsletters/subscribers?handler=Import", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            var report = await NewsroomClient.ParseAsync(rejected);
            Assert.NotNull(report.QuerySelector("[data-rejected]"));
            Assert.Equal(Lines3And5, report.QuerySelectorAll("[data-errors] li").Select(li => li.GetAttribute("data-line")!));
            Assert.Contains("no-such-list", report.QuerySelector("[data-errors] li[data-line='5']")!.TextContent, StringComparison.Ordinal);
        }
        Assert.Null(await NewsletterData.SubscriberAsync(app, a));

        var good = $"email,name,list,consented_at,confirmed_at\r\n{a},Ann,{list.Slug},2026-03-01T09:30:00Z,\r\n{b},\"Bea, B.\",{list.Slug},2026-03-02T10:00:00Z,2026-03-02T10:05:00Z\r\n"
            + $"{suppressed.Email},S,{list.Slug},2026-03-03T00:00:00Z,\r\n{left.Email},L,{list.Slug},2026-03-03T00:00:00Z,\r\n";
        using (var content = Upload(await admin.TokenAsync("/newsroom/newsletters/subscribers"), good))
        using (var imported = await admin.Http.PostAsync(new Uri("/newsroom/newsletters/subscribers?handler=Import", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
            var report = await NewsroomClient.ParseAsync(imported);
            Assert.Equal("2", report.QuerySelector("[data-imported]")!.GetAttribute("data-imported"));
            Assert.Equal(Lines4And5, report.QuerySelectorAll("[data-skipped] li").Select(li => li.GetAttribute("data-line")!));
            Assert.Contains("suppressed", report.QuerySelector("[data-skipped] li[data-line='4']")!.TextContent, StringComparison.Ordinal);
        }
        var ann = await NewsletterData.SubscriberAsync(app, a);
        Assert.NotNull(ann);
        Assert.Equal("import", ann.Source);
        var annSub = await app.WithDbAsync(db => db.Set<NewsletterSubscription>().SingleAsync(s => s.SubscriberId == ann.Id));
        Assert.Equal(SubscriptionState.Confirmed, annSub.State);
        Assert.Equal(new DateTime(2026, 3, 1, 9, 30, 0, DateTimeKind.Utc), annSub.RequestedAt);
        Assert.Equal(annSub.RequestedAt, annSub.ConfirmedAt);
        Assert.Equal("Bea, B.", (await NewsletterData.SubscriberAsync(app, b))!.Name);
        Assert.NotNull((await ReloadAsync(suppressed.Id)).SuppressedAt);
        Assert.Equal(SubscriptionState.Unsubscribed, await NewsletterData.StateAsync(app, suppressed.Id, list.Id));
        Assert.Equal(SubscriptionState.Unsubscribed, await NewsletterData.StateAsync(app, left.Id, list.Id));
        Assert.Empty(MailServer.To(a)); // no confirmation mail for an import

        // Too large: a message beside the field.
        using (var content = Upload(await admin.TokenAsync("/newsroom/newsletters/subscribers"), "email,list,consented_at\r\n" + new string('x', 30000)))
        using (var tooLarge = await admin.Http.PostAsync(new Uri("/newsroom/newsletters/subscribers?handler=Import", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
            Assert.Contains("larger than", (await NewsroomClient.ParseAsync(tooLarge)).QuerySelector("[data-error=file]")!.TextContent, StringComparison.Ordinal);
        }

        // The export holds every subscription with its consent dates, and imports again without a change.
        using var export = await admin.GetAsync("/newsroom/newsletters/subscribers?handler=Export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        var csv = await export.Content.ReadAsStringAsync();
        Assert.StartsWith(string.Join(',', NewsletterAdmin.Columns) + "\r\n", csv, StringComparison.Ordinal);
        Assert.Contains($"{b},\"Bea, B.\",{list.Slug},confirmed,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,,import,", csv, StringComparison.Ordinal);
        Assert.Contains($"{suppressed.Email},Reader,{list.Slug},unsubscribed,", csv, StringComparison.Ordinal);
        using (var content = Upload(await admin.TokenAsync("/newsroom/newsletters/subscribers"), csv))
        using (var again = await admin.Http.PostAsync(new Uri("/newsroom/newsletters/subscribers?handler=Import", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("0", (await NewsroomClient.ParseAsync(again)).QuerySelector("[data-imported]")!.GetAttribute("data-imported"));
        }

        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        using var refused = await editor.GetAsync("/newsroom/newsletters/subscribers?handler=Export");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [DatabaseFact]
    public async Task An_admin_exports_and_erases_one_readers_data_and_the_audit_keeps_no_address()
    {
        var list = await NewsletterData.ListAsync(app);
        var other = await NewsletterData.ListAsync(app);
        var reader = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        var neighbour = (await NewsletterData.SubscribersAsync(app, other.Id, 1))[0];
        var issue = await NewsletterData.QueueIssueAsync(app, list);
        await Poll.UntilAsync(() => NewsletterData.IssueStateAsync(app, issue), s => s == IssueState.Sent, "the issue sent");
        using (var r = await PostReportAsync(SoftBounce(reader.Email)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        using (var found = await admin.SubmitAsync("/newsroom/newsletters/reader", new Dictionary<string, string> { ["Email"] = reader.Email.ToUpperInvariant() }, "form[data-form=find-reader]"))
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            var page = await NewsroomClient.ParseAsync(found);
            Assert.NotNull(page.QuerySelector($"[data-reader='{reader.Id}']"));
            Assert.DoesNotContain(neighbour.Email, page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        }
        var token = await admin.TokenAsync("/newsroom/newsletters/reader");
        using (var export = await admin.PostAsync("/newsroom/newsletters/reader?handler=Export", [new("id", reader.Id.ToString(CultureInfo.InvariantCulture)), new(NewsroomClient.TokenField, token)]))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Equal("application/json", export.Content.Headers.ContentType!.MediaType);
            using var json = JsonDocument.Parse(await export.Content.ReadAsStringAsync());
            var root = json.RootElement;
            Assert.Equal(reader.Email, root.GetProperty("email").GetString());
            Assert.Equal(list.Slug, root.GetProperty("subscriptions")[0].GetProperty("list").GetString());
            Assert.Equal("Confirmed", root.GetProperty("subscriptions")[0].GetProperty("state").GetString());
            Assert.Equal("Soft", root.GetProperty("bounces")[0].GetProperty("kind").GetString());
            Assert.Equal(issue, root.GetProperty("deliveries")[0].GetProperty("issueId").GetInt32());
            Assert.DoesNotContain(neighbour.Email, root.GetRawText(), StringComparison.Ordinal);
        }

        // Erasing needs the ticked confirmation.
        using (var unconfirmed = await admin.PostAsync("/newsroom/newsletters/reader?handler=Erase", [new("id", reader.Id.ToString(CultureInfo.InvariantCulture)), new(NewsroomClient.TokenField, token)]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
            Assert.NotEmpty((await NewsroomClient.ParseAsync(unconfirmed)).QuerySelector("[data-error=confirm]")!.TextContent);
        }
        Assert.NotNull(await NewsletterData.SubscriberAsync(app, reader.Email));
        using (var erased = await admin.PostAsync("/newsroom/newsletters/reader?handler=Erase",
            [new("id", reader.Id.ToString(CultureInfo.InvariantCulture)), new("confirm", "true"), new(NewsroomClient.TokenField, token)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, erased.StatusCode);
        }
        Assert.Null(await NewsletterData.SubscriberAsync(app, reader.Email));
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Set<NewsletterSubscription>().AnyAsync(s => s.SubscriberId == reader.Id));
            Assert.False(await db.Set<NewsletterDelivery>().AnyAsync(d => d.SubscriberId == reader.Id));
            Assert.False(await db.Set<NewsletterBounce>().AnyAsync(b => b.SubscriberId == reader.Id));
            var entry = await db.AuditEntries.SingleAsync(a => a.Action == "newsletter.reader_erased" && a.EntityId == reader.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Contains("1 deliveries", entry.Details, StringComparison.Ordinal);
            var mentions = await db.AuditEntries.Where(a => a.Details.Contains(reader.Email) || a.EntityId.Contains(reader.Email)).CountAsync();
            Assert.Equal(0, mentions);
            return 0;
        });
        Assert.NotNull(await NewsletterData.SubscriberAsync(app, neighbour.Email));

        // The erased reader's old links lead nowhere and say nothing.
        var links = app.Services.GetRequiredService<NewsletterLinks>();
        using var anonymous = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        using var stale = await anonymous.GetAsync("/newsletters/preferences?token=" + Uri.EscapeDataString(links.ManageToken(reader.Id)));
        Assert.DoesNotContain(reader.Email, await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Confirmation_and_unsubscribe_links_and_pages_reveal_nothing_about_other_subscribers()
    {
        var list = await NewsletterData.ListAsync(app);
        var other = await NewsletterData.ListAsync(app);
        var reader = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        var neighbour = (await NewsletterData.SubscribersAsync(app, other.Id, 1))[0];
        var links = app.Services.GetRequiredService<NewsletterLinks>();
        var token = links.ManageToken(reader.Id);

        using var anonymous = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        var pages = new[]
        {
            "/newsletters/preferences?token=" + Uri.EscapeDataString(token),
            "/newsletters/leave?token=" + Uri.EscapeDataString(links.ManageToken(reader.Id, list.Id)),
            "/newsletters/confirm?token=" + Uri.EscapeDataString(links.ConfirmToken(reader.Id, [list.Id], DateTime.UtcNow.AddHours(1))),
        };
        foreach (var path in pages)
        {
            var html = (await anonymous.PageAsync(path)).DocumentElement.OuterHtml;
            Assert.DoesNotContain(neighbour.Email, html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(reader.Email, html, StringComparison.OrdinalIgnoreCase);
        }

        // The one-click answer is the same for any valid link; a token changed to reach someone else is refused.
        using (var content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))
        using (var oneClick = await anonymous.Http.PostAsync(new Uri("/newsletters/unsubscribe?token=" + Uri.EscapeDataString(links.ManageToken(reader.Id, list.Id)), UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
            Assert.Equal("You are unsubscribed.", await oneClick.Content.ReadAsStringAsync());
        }
        var forged = token[..^3] + (token.EndsWith("AAA", StringComparison.Ordinal) ? "BBB" : "AAA");
        using (var content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))
        using (var refused = await anonymous.Http.PostAsync(new Uri("/newsletters/unsubscribe?token=" + Uri.EscapeDataString(forged), UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.DoesNotContain("@", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(SubscriptionState.Confirmed, await NewsletterData.StateAsync(app, neighbour.Id, other.Id));
    }
}

public sealed class NewsletterBounceTestsOnSqlite(NewsletterBounceSqliteApp app) : NewsletterBounceTests(app), IClassFixture<NewsletterBounceSqliteApp>;

public sealed class NewsletterBounceTestsOnPostgres(NewsletterBouncePostgresApp app) : NewsletterBounceTests(app), IClassFixture<NewsletterBouncePostgresApp>;
