using System.Net;
using System.Text.RegularExpressions;
using Byline.Newsletters;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsletters;

/// <summary>
/// Newsletters end to end through the real Postfix: double opt-in, the preference page, one-click unsubscribe, the
/// headers mailbox providers check, composing and editing a digest, breaking alerts, bad input and a bot's flood.
/// </summary>
public abstract partial class NewsletterTests(BylineApp app)
{
    [GeneratedRegex(@"https?://[^\s""<>]+/newsletters/confirm\?token=[A-Za-z0-9%_\-]+")]
    private static partial Regex ConfirmLink();

    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    private static string OneLine(string? text) => (text ?? "").Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);

    private static async Task<HttpResponseMessage> SubscribeAsync(NewsroomClient reader, string email, params int[] lists)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Email", email), new("Name", "A Reader") };
        fields.AddRange(lists.Select(l => new KeyValuePair<string, string>("ListIds", l.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return await reader.PostWithTokenAsync("/newsletters", fields, tokenFrom: "/newsletters");
    }

    [DatabaseFact]
    public async Task Double_opt_in_confirms_only_through_the_signed_link_and_the_preference_page_changes_lists()
    {
        var morning = await NewsletterData.ListAsync(app);
        var alerts = await NewsletterData.ListAsync(app, NewsletterKind.Alert);
        using var reader = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        var email = MailServer.NewAddress();

        var page = await reader.PageAsync("/newsletters");
        Assert.NotNull(page.QuerySelector($"input[name=ListIds][value='{morning.Id}']"));
        using (var subscribed = await SubscribeAsync(reader, email, morning.Id))
        {
            Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
            Assert.NotNull((await NewsroomClient.ParseAsync(subscribed)).QuerySelector("[data-check-inbox]"));
        }
        var subscriber = await NewsletterData.SubscriberAsync(app, email);
        Assert.NotNull(subscriber);
        Assert.Equal(SubscriptionState.Pending, await NewsletterData.StateAsync(app, subscriber.Id, morning.Id));

        var mail = Assert.Single(await MailServer.WaitForAsync(email));
        var link = ConfirmLink().Match(mail.Message.TextBody ?? "").Value;
        Assert.False(string.IsNullOrEmpty(link), "no confirmation link in: " + mail.Message.TextBody);
        Assert.Contains(link, mail.Message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(email, link, StringComparison.OrdinalIgnoreCase);

        // Opening the link (a scanner would) confirms nothing; a forged token is refused.
        var confirmPage = await reader.PageAsync(PathOf(link));
        Assert.NotNull(confirmPage.QuerySelector("form[data-form=confirm]"));
        Assert.Equal(SubscriptionState.Pending, await NewsletterData.StateAsync(app, subscriber.Id, morning.Id));
        var token = Uri.UnescapeDataString(PathOf(link).Split("token=")[1]);
        var forged = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using (var bad = await reader.PostWithTokenAsync("/newsletters/confirm", [new("Token", forged)], tokenFrom: PathOf(link)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.NotNull((await NewsroomClient.ParseAsync(bad)).QuerySelector("[data-link=invalid]"));
        }
        Assert.Equal(SubscriptionState.Pending, await NewsletterData.StateAsync(app, subscriber.Id, morning.Id));

        using (var confirmed = await reader.PostWithTokenAsync("/newsletters/confirm", [new("Token", token)], tokenFrom: PathOf(link)))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            var done = await NewsroomClient.ParseAsync(confirmed);
            Assert.NotNull(done.QuerySelector("[data-confirmed]"));
            var preferences = done.QuerySelector("a[data-preferences-link]")!.GetAttribute("href")!;

            // The preference page: this reader's lists only, no address shown; add the alerts, drop the morning list.
            var prefs = await reader.PageAsync(preferences);
            Assert.DoesNotContain(email, prefs.DocumentElement.OuterHtml, StringComparison.OrdinalIgnoreCase);
            Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)prefs.QuerySelector($"input[data-list='{morning.Id}']")!).IsChecked);
            using var saved = await reader.SubmitAsync(preferences, new Dictionary<string, string> { ["Keep"] = alerts.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                "form[data-form=preferences]");
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.Equal(SubscriptionState.Unsubscribed, await NewsletterData.StateAsync(app, subscriber.Id, morning.Id));
            Assert.Equal(SubscriptionState.Confirmed, await NewsletterData.StateAsync(app, subscriber.Id, alerts.Id));
            using var left = await reader.SubmitAsync(preferences, new Dictionary<string, string>(), "form[data-form=leave-all]");
            Assert.Equal(HttpStatusCode.OK, left.StatusCode);
            Assert.Equal(SubscriptionState.Unsubscribed, await NewsletterData.StateAsync(app, subscriber.Id, alerts.Id));
        }
        Assert.Equal(SubscriptionState.Unsubscribed, await NewsletterData.StateAsync(app, subscriber.Id, morning.Id));

        using (var invalid = await reader.GetAsync("/newsletters/preferences?token=" + Uri.EscapeDataString(forged)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }
    }

    [DatabaseFact]
    public async Task An_expired_confirmation_link_is_refused_with_its_own_message()
    {
        var list = await NewsletterData.ListAsync(app);
        var subscriber = (await NewsletterData.SubscribersAsync(app, list.Id, 1, SubscriptionState.Pending))[0];
        var links = app.Services.GetRequiredService<NewsletterLinks>();
        var expired = links.ConfirmToken(subscriber.Id, [list.Id], DateTime.UtcNow.AddMinutes(-1));
        using var reader = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        using (var shown = await reader.GetAsync("/newsletters/confirm?token=" + Uri.EscapeDataString(expired)))
        {
            Assert.Equal(HttpStatusCode.Gone, shown.StatusCode);
            Assert.NotNull((await NewsroomClient.ParseAsync(shown)).QuerySelector("[data-link=expired]"));
        }
        using (var posted = await reader.PostWithTokenAsync("/newsletters/confirm", [new("Token", expired)], tokenFrom: "/newsletters"))
        {
            Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        }
        Assert.Equal(SubscriptionState.Pending, await NewsletterData.StateAsync(app, subscriber.Id, list.Id));
    }

    [DatabaseFact]
    public async Task An_issue_carries_the_list_headers_both_parts_and_unsubscribes_in_one_click_without_a_session()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 3);
        var list = await NewsletterData.ListAsync(app, sectionId: section.Id);
        var reader = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        var issueId = await NewsletterData.QueueIssueAsync(app, list);

        var mail = Assert.Single(await MailServer.WaitForAsync(reader.Email)).Message;
        var delivery = Assert.Single(await NewsletterData.DeliveriesAsync(app, issueId));
        Assert.Equal(delivery.MessageId, mail.MessageId);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Contains($"<{list.Slug}.list.", mail.Headers["List-Id"], StringComparison.Ordinal);
        var unsubscribe = mail.Headers["List-Unsubscribe"]!.Trim().TrimStart('<').TrimEnd('>');
        Assert.StartsWith(app.Client.BaseAddress!.ToString().TrimEnd('/') + "/newsletters/unsubscribe?token=", unsubscribe, StringComparison.Ordinal);
        Assert.Equal("desk@byline.test", mail.From.Mailboxes.Single().Address);
        Assert.Equal("letters@byline.test", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("bounces@byline.test", mail.Headers["Return-Path"]!.Trim('<', '>', ' '));
        Assert.NotNull(mail.TextBody);
        Assert.NotNull(mail.HtmlBody);
        foreach (var story in stories)
        {
            Assert.Contains(story.Headline, mail.TextBody, StringComparison.Ordinal);
            Assert.Contains(story.Path, mail.HtmlBody, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("<img", mail.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(reader.Email, unsubscribe, StringComparison.OrdinalIgnoreCase);
        await Poll.UntilAsync(async () => await NewsletterData.IssueStateAsync(app, issueId) == IssueState.Sent, "the issue marked sent");

        // The mailbox provider's POST: no cookie, no antiforgery token, the RFC 8058 body.
        using var provider = new HttpClient { BaseAddress = app.Client.BaseAddress };
        using var oneClickBody = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        using (var forged = await provider.PostAsync(new Uri(PathOf(unsubscribe)[..^6] + "abcdef", UriKind.Relative), oneClickBody))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains("newsletter.link_invalid", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(SubscriptionState.Confirmed, await NewsletterData.StateAsync(app, reader.Id, list.Id));
        using var oneClickAgain = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        using (var oneClick = await provider.PostAsync(new Uri(PathOf(unsubscribe), UriKind.Relative), oneClickAgain))
        {
            Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        }
        Assert.Equal(SubscriptionState.Unsubscribed, await NewsletterData.StateAsync(app, reader.Id, list.Id));
        // Opened in a browser, the same URL shows a page and unsubscribes nothing by itself.
        using var opened = await app.GetAsync(PathOf(unsubscribe));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.StartsWith("/newsletters/leave?token=", opened.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_digest_is_built_from_top_stories_edited_previewed_test_sent_and_goes_out_as_edited()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 4);
        await app.Content.CurateAsync("top", stories[0], stories[1], stories[2]);
        var list = await NewsletterData.ListAsync(app, stories: 3);
        var reader = (await NewsletterData.SubscribersAsync(app, list.Id, 1))[0];
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var editorMail = MailServer.NewAddress("editor");
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == editor.User!.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Email, editorMail).SetProperty(x => x.NormalizedEmail, editorMail.ToUpperInvariant())));

        using var composed = await editor.SubmitAsync($"/newsroom/newsletters/{list.Id}", new Dictionary<string, string>(), "form[data-form=compose]");
        Assert.Equal(HttpStatusCode.Redirect, composed.StatusCode);
        var issuePath = NewsroomClient.LocationPath(composed);
        var issuePage = await editor.PageAsync(issuePath);
        Assert.Equal([stories[0].Id, stories[1].Id, stories[2].Id],
            issuePage.QuerySelectorAll("[data-stories] li").Select(li => int.Parse(li.GetAttribute("data-story")!, System.Globalization.CultureInfo.InvariantCulture)));

        // Move the second up, drop the third, add the fourth by its address, write a note and a subject.
        using (var moved = await editor.PostWithTokenAsync(issuePath + "?handler=Move", [new("story", stories[1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("direction", "up")], issuePath))
        {
            Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        }
        using (var dropped = await editor.PostWithTokenAsync(issuePath + "?handler=Move", [new("story", stories[2].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("direction", "remove")], issuePath))
        {
            Assert.Equal(HttpStatusCode.Redirect, dropped.StatusCode);
        }
        using (var added = await editor.SubmitAsync(issuePath, new Dictionary<string, string> { ["StoryRef"] = "https://example.com" + stories[3].Path }, "form[data-form=add-story]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }
        using (var saved = await editor.SubmitAsync(issuePath, new Dictionary<string, string> { ["Subject"] = "Tuesday's brief", ["Note"] = "A word from the editor." }, "form[data-form=issue]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        issuePage = await editor.PageAsync(issuePath);
        Assert.Equal([stories[1].Id, stories[0].Id, stories[3].Id],
            issuePage.QuerySelectorAll("[data-stories] li").Select(li => int.Parse(li.GetAttribute("data-story")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("A word from the editor.", issuePage.QuerySelector("iframe[data-preview]")!.GetAttribute("srcdoc"), StringComparison.Ordinal);

        using (var test = await editor.SubmitAsync(issuePath, new Dictionary<string, string>(), "form[data-form=test-send]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, test.StatusCode);
        }
        var testMail = Assert.Single(await MailServer.WaitForAsync(editorMail)).Message;
        Assert.Equal("[Test] Tuesday's brief", testMail.Subject);
        Assert.Empty(MailServer.To(reader.Email));

        using (var unconfirmed = await editor.SubmitAsync(issuePath, new Dictionary<string, string>(), "form[data-form=send]"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
            Assert.NotEmpty((await NewsroomClient.ParseAsync(unconfirmed)).QuerySelector("[data-error-for=ConfirmSend]")!.TextContent.Trim());
        }
        using (var sent = await editor.SubmitAsync(issuePath, new Dictionary<string, string> { ["ConfirmSend"] = "true" }, "form[data-form=send]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        }
        var mail = Assert.Single(await MailServer.WaitForAsync(reader.Email)).Message;
        Assert.Equal("Tuesday's brief", mail.Subject);
        var text = mail.TextBody ?? "";
        Assert.Contains("A word from the editor.", text, StringComparison.Ordinal);
        var positions = new[] { stories[1], stories[0], stories[3] }.Select(s => text.IndexOf(s.Headline, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order(), positions);
        Assert.DoesNotContain(stories[2].Headline, text, StringComparison.Ordinal);

        // Once sent, the issue no longer changes.
        using var late = await editor.PostWithTokenAsync(issuePath + "?handler=Move", [new("story", stories[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("direction", "remove")], issuePath);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [DatabaseFact]
    public async Task A_breaking_alert_from_a_story_reaches_each_confirmed_alert_subscriber_once()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var alerts = await NewsletterData.ListAsync(app, NewsletterKind.Alert);
        var confirmed = await NewsletterData.SubscribersAsync(app, alerts.Id, 3);
        var pending = await NewsletterData.SubscribersAsync(app, alerts.Id, 1, SubscriptionState.Pending);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        var editorPage = await editor.PageAsync($"/newsroom/stories/{story.Id}");
        Assert.NotNull(editorPage.QuerySelector($"a[data-send-alert][href='/newsroom/newsletters/alert/{story.Id}']"));
        using var sent = await editor.SubmitAsync($"/newsroom/newsletters/alert/{story.Id}",
            new Dictionary<string, string> { ["ListId"] = alerts.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "form[data-form=alert]");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var issueId = int.Parse(NewsroomClient.LocationPath(sent).Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await Poll.UntilAsync(async () => await NewsletterData.IssueStateAsync(app, issueId) == IssueState.Sent, "the alert sent");
        // "Sent" means Postfix accepted every message; it writes them to the Maildir a moment later.
        foreach (var reader in confirmed)
        {
            var mail = Assert.Single(await MailServer.WaitForAsync(reader.Email)).Message;
            Assert.Equal("Breaking: " + story.Headline, mail.Subject);
        }
        Assert.Empty(MailServer.To(pending[0].Email));
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var refused = await contributor.GetAsync($"/newsroom/newsletters/alert/{story.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [DatabaseFact]
    public async Task A_large_send_is_paced_and_reaches_every_recipient_exactly_once()
    {
        var section = await app.Content.SectionAsync();
        await app.Content.StoriesAsync(section, 2);
        var list = await NewsletterData.ListAsync(app, sectionId: section.Id);
        var readers = await NewsletterData.SubscribersAsync(app, list.Id, 120);
        var issueId = await NewsletterData.QueueIssueAsync(app, list);
        await Poll.UntilAsync(async () => await NewsletterData.IssueStateAsync(app, issueId) == IssueState.Sent, "120 recipients sent", TimeSpan.FromSeconds(120));
        var deliveries = await NewsletterData.DeliveriesAsync(app, issueId);
        Assert.Equal(120, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(DeliveryState.Sent, d.State));
        Assert.Equal(120, deliveries.Select(d => d.MessageId).Distinct().Count());
        foreach (var reader in readers)
        {
            Assert.Single(await MailServer.WaitForAsync(reader.Email));
        }
    }

    [DatabaseFact]
    public async Task Header_injection_and_malformed_addresses_get_a_message_beside_the_field_and_no_mail()
    {
        var list = await NewsletterData.ListAsync(app);
        using var reader = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        var victim = MailServer.NewAddress();
        var cases = new (string Field, string Email, string Name)[]
        {
            ("Email", victim + "\r\nBcc: " + MailServer.NewAddress(), "Reader"),
            ("Email", "not-an-address", "Reader"),
            ("Email", "two@byline.test, three@byline.test", "Reader"),
            ("Name", victim, "Reader\r\nBcc: " + MailServer.NewAddress()),
        };
        foreach (var (field, email, name) in cases)
        {
            using var response = await reader.PostWithTokenAsync("/newsletters",
                [new("Email", email), new("Name", name), new("ListIds", list.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))], tokenFrom: "/newsletters");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var page = await NewsroomClient.ParseAsync(response);
            Assert.NotEmpty(page.QuerySelector($"[data-error-for={field}]")!.TextContent.Trim());
            // The typed text is kept in the field (line breaks aside, which an input cannot show).
            Assert.Equal(OneLine(email), OneLine(page.QuerySelector("input[name=Email]")!.GetAttribute("value")));
        }
        Assert.Null(await NewsletterData.SubscriberAsync(app, victim));

        // The newsroom's forms refuse the same in a sender name and a subject.
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        using var badList = await admin.SubmitAsync("/newsroom/newsletters", new Dictionary<string, string>
        {
            ["Form.Name"] = "Evening", ["Form.Slug"] = TestContent.Unique("evening"), ["Form.SenderName"] = "Desk\r\nBcc: x@byline.test",
            ["Form.SenderAddress"] = "desk@byline.test",
        }, "form[data-form=create-list]");
        Assert.Equal(HttpStatusCode.BadRequest, badList.StatusCode);
        Assert.NotEmpty((await NewsroomClient.ParseAsync(badList)).QuerySelector("[data-error-for=SenderName]")!.TextContent.Trim());
        var issueId = await app.WithDbAsync(async db =>
        {
            var issue = new NewsletterIssue { ListId = list.Id, Subject = "Fine", CreatedAt = DateTime.UtcNow };
            db.Add(issue);
            await db.SaveChangesAsync();
            return issue.Id;
        });
        using var badSubject = await admin.SubmitAsync($"/newsroom/newsletters/issues/{issueId}",
            new Dictionary<string, string> { ["Subject"] = "Hello\nBcc: x@byline.test" }, "form[data-form=issue]");
        Assert.Equal(HttpStatusCode.BadRequest, badSubject.StatusCode);
        Assert.NotEmpty((await NewsroomClient.ParseAsync(badSubject)).QuerySelector("[data-error-for=Subject]")!.TextContent.Trim());
    }

    [DatabaseFact]
    public async Task A_bot_flooding_the_form_is_limited_and_a_stranger_gets_one_mail_at_most()
    {
        var list = await NewsletterData.ListAsync(app);
        using var bot = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        var stranger = MailServer.NewAddress();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await SubscribeAsync(bot, stranger, list.Id);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull((await NewsroomClient.ParseAsync(response)).QuerySelector("[data-problem]"));
            }
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Single(await MailServer.WaitForAsync(stranger));

        // The honeypot: filled in, the answer looks the same and nothing is sent or stored.
        using var other = NewsroomClient.Anonymous(app, NewsletterData.NewClientAddress());
        var trapped = MailServer.NewAddress();
        using var honey = await other.PostWithTokenAsync("/newsletters",
            [new("Email", trapped), new("ListIds", list.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("Website", "http://spam.example")], tokenFrom: "/newsletters");
        Assert.Equal(HttpStatusCode.OK, honey.StatusCode);
        Assert.NotNull((await NewsroomClient.ParseAsync(honey)).QuerySelector("[data-check-inbox]"));
        Assert.Null(await NewsletterData.SubscriberAsync(app, trapped));
    }

    [DatabaseFact]
    public async Task Admins_make_lists_editors_compose_and_others_are_kept_out()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var slug = TestContent.Unique("morning");
        using var created = await admin.SubmitAsync("/newsroom/newsletters", new Dictionary<string, string>
        {
            ["Form.Name"] = "Morning Brief", ["Form.Slug"] = slug, ["Form.Description"] = "Every morning", ["Form.SenderName"] = "The Desk",
            ["Form.SenderAddress"] = "desk@byline.test", ["Form.ReplyTo"] = "letters@byline.test", ["Form.Kind"] = "Digest", ["Form.Days"] = "1",
            ["Form.SendTime"] = "07:30",
        }, "form[data-form=create-list]");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var list = await app.WithDbAsync(db => db.Set<NewsletterList>().SingleAsync(l => l.Slug == slug));
        Assert.False(list.OpenTracking);
        Assert.Equal(1 << 1, list.ScheduleDays);
        Assert.Equal((7 * 60) + 30, list.ScheduleMinute);
        Assert.NotNull(list.NextIssueAt);
        Assert.Equal(DayOfWeek.Monday, new Byline.Content.Dateline(app.Content.CurrentSettings.TimeZone).ToLocal(list.NextIssueAt.Value).DayOfWeek);

        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        Assert.NotNull((await editor.PageAsync("/newsroom/newsletters")).QuerySelector($"tr[data-list='{list.Id}']"));
        using (var editorCreates = await editor.PostWithTokenAsync("/newsroom/newsletters?handler=Create", [new("Form.Name", "X")], "/newsroom/newsletters"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, editorCreates.StatusCode);
        }
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using (var refused = await contributor.GetAsync("/newsroom/newsletters"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using var anonymous = NewsroomClient.Anonymous(app);
        using (var signIn = await anonymous.GetAsync($"/newsroom/newsletters/{list.Id}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        // Every control of the reader's form and the admin's form has a label.
        foreach (var (client, path, selector) in new[] { (anonymous, "/newsletters", "form[data-form=subscribe]"), (admin, "/newsroom/newsletters", "form[data-form=create-list]") })
        {
            var form = (await client.PageAsync(path)).QuerySelector(selector)!;
            foreach (var input in form.QuerySelectorAll("input[id], select[id], textarea[id]"))
            {
                Assert.True(form.QuerySelector($"label[for='{input.Id}']") is not null, $"{path}: #{input.Id} has no label");
            }
        }
        // The article's call to action and the footer lead to the subscribe page.
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var article = await app.PageAsync(story.Path);
        Assert.NotNull(article.QuerySelector("a[href='/newsletters'][data-footer-newsletters]"));
        Assert.Contains(article.QuerySelectorAll("a[href]"), a => a.GetAttribute("href") == "/newsletters" && a.Closest("footer") is null);
    }
}

public sealed class NewsletterTestsOnSqlite(NewsletterSqliteApp app) : NewsletterTests(app), IClassFixture<NewsletterSqliteApp>;

public sealed class NewsletterTestsOnPostgres(NewsletterPostgresApp app) : NewsletterTests(app), IClassFixture<NewsletterPostgresApp>;
