using System.Net;
using Byline.Hosting;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Byline.Tests.Wire;
using Byline.Webhooks;
using Byline.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Byline.Tests.Webhooks;

/// <summary>
/// Webhooks end to end: subscriptions made in the newsroom, story changes delivered from the outbox to a
/// receiver on loopback that verifies each signature, retries, switching off, replay, the address guard.
/// </summary>
public abstract class WebhookTests(BylineApp app, WebhookReceiver receiver)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string NewPath(string kind) => $"/{kind}/{Guid.NewGuid():N}";

    private static int StoryId(ReceivedHook hook) => hook.Json.GetProperty("data").GetProperty("story").GetProperty("id").GetInt32();

    [DatabaseFact]
    public async Task A_subscription_created_in_the_newsroom_shows_its_secret_once_and_receives_a_signed_publish()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var path = NewPath("ok");
        using var created = await admin.PostWithTokenAsync("/newsroom/webhooks?handler=Create",
        [
            new("Name", "Partner site"), new("TargetUrl", receiver.Url(path)),
            new("EventTypes", WebhookEventTypes.StoryPublished), new("EventTypes", WebhookEventTypes.StoryUnpublished),
        ], tokenFrom: "/newsroom/webhooks");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var secret = (await NewsroomClient.ParseAsync(created)).QuerySelector("[data-secret]")?.TextContent.Trim();
        Assert.NotNull(secret);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var list = await admin.GetAsync("/newsroom/webhooks");
        Assert.DoesNotContain(secret, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        receiver.Expect(path, secret);

        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section, "Elections"));
        Assert.Equal(PublishOutcome.Ok, (await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor)).Outcome);

        var hooks = await receiver.WaitForAsync(h => h.Any(x => x.Path == path), Deadline, "the publish webhook");
        var hook = Assert.Single(hooks, h => h.Path == path);
        Assert.True(hook.Verified, "the signature did not verify with the secret shown once");
        Assert.StartsWith("msg_", hook.Id, StringComparison.Ordinal);
        Assert.Equal(WebhookEventTypes.StoryPublished, hook.Type);
        var story = hook.Json.GetProperty("data").GetProperty("story");
        Assert.Equal(id, story.GetProperty("id").GetInt32());
        Assert.Equal("published", story.GetProperty("status").GetString());
        Assert.Equal("article", story.GetProperty("format").GetString());
        Assert.Equal(section.Slug, story.GetProperty("section").GetProperty("slug").GetString());
        Assert.Equal("Elections", story.GetProperty("tags")[0].GetProperty("name").GetString());
        Assert.StartsWith($"/{section.Slug}/", story.GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Publish_update_unpublish_schedule_and_the_schedulers_publish_each_deliver_their_type()
    {
        var path = NewPath("ok");
        await app.SubscribeAsync(receiver, path);
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var (id, v) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, v), editor);
        var updated = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, published.Version, NewsroomServices.Story(section) with { Headline = "A better headline" }), editor);
        Assert.Equal(PublishOutcome.Ok, (await app.ApplyAsync(id, new StoryCommand(StoryAction.Unpublish, updated.Version), editor)).Outcome);
        var at = DateTime.UtcNow.AddHours(1);
        var (later, lv) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        Assert.Equal(PublishOutcome.Ok, (await app.ApplyAsync(later, new StoryCommand(StoryAction.Schedule, lv, ScheduleAtUtc: at), editor)).Outcome);
        var scheduler = new ScheduledPublisher(app.Services.GetRequiredService<IServiceScopeFactory>(), new FakeTimeProvider(new DateTimeOffset(at.AddMinutes(1))),
            new SchedulerOptions { CheckInterval = TimeSpan.FromSeconds(5) }, app.Services.GetRequiredService<Readiness>(), NullLogger<ScheduledPublisher>.Instance);
        Assert.True(await scheduler.PublishDueAsync(CancellationToken.None) >= 1);

        var hooks = await receiver.WaitForAsync(h => h.Count(x => x.Path == path) >= 5, Deadline, "five story webhooks");
        var mine = hooks.Where(h => h.Path == path).ToList();
        Assert.All(mine, h => Assert.True(h.Verified));
        Assert.Equal(
            [(WebhookEventTypes.StoryPublished, id), (WebhookEventTypes.StoryUpdated, id), (WebhookEventTypes.StoryUnpublished, id),
             (WebhookEventTypes.StoryScheduled, later), (WebhookEventTypes.StoryPublished, later)],
            mine.OrderBy(h => h.Json.GetProperty("eventId").GetInt64()).Select(h => (h.Type, StoryId(h))).ToList());
        var scheduledPublish = mine.Single(h => h.Type == WebhookEventTypes.StoryPublished && StoryId(h) == later);
        Assert.Equal("scheduler", scheduledPublish.Json.GetProperty("actor").GetString());
        Assert.Equal("published", scheduledPublish.Json.GetProperty("data").GetProperty("story").GetProperty("status").GetString());
        Assert.Contains(mine, h => h.Type == WebhookEventTypes.StoryUpdated && h.Json.GetProperty("data").GetProperty("story").GetProperty("headline").GetString() == "A better headline");
        Assert.Equal(5, mine.Select(h => h.Id).Distinct().Count());
    }

    [DatabaseFact]
    public async Task A_new_section_and_an_uploaded_picture_deliver_their_types_and_a_drafts_save_delivers_nothing()
    {
        var path = NewPath("ok");
        await app.SubscribeAsync(receiver, path, WebhookEventTypes.SectionChanged, WebhookEventTypes.MediaUploaded, WebhookEventTypes.StoryUpdated);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var name = TestContent.Unique("Webhook section");
        using (var saved = await editor.SubmitAsync("/newsroom/sections", new Dictionary<string, string> { ["Name"] = name }, "form[data-form=new-section]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        var token = await editor.TokenAsync("/newsroom/media");
        using (var form = new MultipartFormDataContent())
        {
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
            var file = new ByteArrayContent(TestImages.Jpeg());
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "Upload", "harbour.jpg");
            form.Add(new StringContent("The harbour at dawn"), "Alt");
            form.Add(new StringContent("Test Agency"), "Credit");
            form.Add(new StringContent(token), NewsroomClient.TokenField);
#pragma warning restore CA2000
            using var uploaded = await editor.Http.PostAsync(new Uri("/newsroom/media", UriKind.Relative), form);
            Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        }
        // A draft's save is not news to subscribers: no story.updated.
        var writer = await app.UserAsync(Roles.Editor);
        var (draft, v) = await app.DraftAsync(writer, NewsroomServices.Story(await app.Content.SectionAsync()));
        Assert.Equal(PublishOutcome.Ok, (await app.ApplyAsync(draft, new StoryCommand(StoryAction.Save, v, NewsroomServices.Story(await app.Content.SectionAsync())), writer)).Outcome);
        var marker = NewPath("ok");
        await app.SubscribeAsync(receiver, marker, WebhookEventTypes.StoryPublished);
        var (published, pv) = await app.DraftAsync(writer, NewsroomServices.Story(await app.Content.SectionAsync()));
        await app.ApplyAsync(published, new StoryCommand(StoryAction.Publish, pv), writer);

        await receiver.WaitForAsync(h => h.Any(x => x.Path == marker) && h.Count(x => x.Path == path) >= 2, Deadline, "the section, the picture and a later publish");
        var mine = receiver.At(path);
        var section = Assert.Single(mine, h => h.Type == WebhookEventTypes.SectionChanged);
        Assert.Equal(name, section.Json.GetProperty("data").GetProperty("section").GetProperty("name").GetString());
        var image = Assert.Single(mine, h => h.Type == WebhookEventTypes.MediaUploaded);
        Assert.Equal("The harbour at dawn", image.Json.GetProperty("data").GetProperty("image").GetProperty("alt").GetString());
        Assert.StartsWith("/media/", image.Json.GetProperty("data").GetProperty("image").GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(mine, h => h.Type == WebhookEventTypes.StoryUpdated);
        Assert.All(mine, h => Assert.True(h.Verified));
    }

    [DatabaseFact]
    public async Task A_wire_item_and_its_next_version_each_deliver_wire_item_received_and_a_duplicate_delivers_nothing()
    {
        var path = NewPath("ok");
        await app.SubscribeAsync(receiver, path, WebhookEventTypes.WireItemReceived);
        var (source, _) = await app.SourceAsync(TestContent.Unique("Agency"), WireFeedKind.Ninjs, null, push: true);
        var agencyId = TestContent.Unique("urn:agency");
        var first = new WireCopy(agencyId, "Harbour reopens after storm", WireFeeds.Prose(7), Urgency: 3, Subjects: ["weather"], Dateline: "PORTSEA");
        Assert.Equal(1, (await IngestAsync(source, first)).Stored);
        Assert.Equal(1, (await IngestAsync(source, first)).Duplicates);
        Assert.Equal(1, (await IngestAsync(source, first with { Version = 2, Headline = "Harbour reopens, ferries resume" })).Updated);

        var hooks = await receiver.WaitForAsync(h => h.Count(x => x.Path == path) >= 2, Deadline, "the item and its second version");
        var mine = hooks.Where(h => h.Path == path).ToList();
        Assert.All(mine, h => Assert.Equal(WebhookEventTypes.WireItemReceived, h.Type));
        Assert.All(mine, h => Assert.True(h.Verified));
        Assert.Equal(2, mine.Select(h => h.Id).Distinct().Count());
        // Each delivery carries the item as it was when the delivery was built: the later event's, after version 2.
        var item = mine.OrderBy(h => h.Json.GetProperty("eventId").GetInt64()).Last().Json.GetProperty("data").GetProperty("item");
        Assert.Equal(agencyId, item.GetProperty("agencyId").GetString());
        Assert.Equal(source, item.GetProperty("sourceId").GetInt32());
        Assert.Equal(2, item.GetProperty("version").GetInt32());
        Assert.Equal("Harbour reopens, ferries resume", item.GetProperty("headline").GetString());
        Assert.Equal(3, item.GetProperty("urgency").GetInt32());
        Assert.Equal("weather", Assert.Single(item.GetProperty("subjects").EnumerateArray()).GetString());
        Assert.StartsWith("/newsroom/wire?item=", item.GetProperty("deskUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains("<p>", item.GetProperty("bodyHtml").GetString(), StringComparison.Ordinal);

        // Wire items are no reader's news: the public changes feed does not list them.
        using var changes = await app.GetAsync("/api/v1/changes");
        Assert.DoesNotContain(agencyId, await changes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<IngestResult> IngestAsync(int source, WireCopy copy)
    {
        var document = WireParser.Parse(WireFeedKind.Ninjs, System.Text.Encoding.UTF8.GetBytes(WireFeeds.Ninjs(copy)), 1 << 20);
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WireIngest>().IngestAsync(source, document, CancellationToken.None);
    }

    [DatabaseFact]
    public async Task A_failing_target_is_retried_then_switched_off_with_a_notice_while_a_hanging_one_blocks_no_one()
    {
        var failing = NewPath("fail");
        var hanging = NewPath("hang");
        var healthy = NewPath("ok");
        var (failingId, _) = await app.SubscribeAsync(receiver, failing, WebhookEventTypes.StoryPublished);
        await app.SubscribeAsync(receiver, hanging, WebhookEventTypes.StoryPublished);
        await app.SubscribeAsync(receiver, healthy, WebhookEventTypes.StoryPublished);
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var (id, v) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, v), editor);

        // The hanging target holds its request open, and the healthy one still gets its delivery meanwhile.
        await receiver.WaitForAsync(h => h.Any(x => x.Path == healthy) && h.Any(x => x.Path == hanging), Deadline, "the healthy and the hanging deliveries");
        var subscription = await WebhookKit.EventuallyAsync(() => app.SubscriptionAsync(failingId), s => !s.Enabled, Deadline, "the failing subscription switched off");

        Assert.NotNull(subscription.DisabledReason);
        var attempts = await app.AttemptsAsync(failingId);
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(500, a.StatusCode));
        Assert.Equal(3, receiver.At(failing).Count);
        Assert.All(receiver.At(failing), h => Assert.True(h.Verified));
        Assert.Single(receiver.At(failing).Select(h => h.Id).Distinct());
        var delivery = Assert.Single(await app.DeliveriesAsync(failingId));
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var dashboard = await admin.PageAsync("/newsroom");
        Assert.NotNull(dashboard.QuerySelector("[data-notice='webhooks.auto-disabled']"));
        var page = await admin.PageAsync($"/newsroom/webhooks/{failingId}");
        Assert.NotNull(page.QuerySelector("[data-auto-disabled]"));
        Assert.Equal(3, page.QuerySelectorAll($"[data-delivery='{delivery.Id}'] [data-attempt][data-code='500']").Length);
        var editorClient = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        Assert.Null((await editorClient.PageAsync("/newsroom")).QuerySelector("[data-notice]"));

        // Switched on again: the notice goes, and the next publish is attempted again.
        using var enabled = await admin.PostWithTokenAsync($"/newsroom/webhooks/{failingId}?handler=Enable", [], tokenFrom: $"/newsroom/webhooks/{failingId}");
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        Assert.True((await app.SubscriptionAsync(failingId)).Enabled);
    }

    [DatabaseFact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        var path = NewPath("redirect");
        var (subscriptionId, _) = await app.SubscribeAsync(receiver, path, WebhookEventTypes.StoryPublished);
        var editor = await app.UserAsync(Roles.Editor);
        var (id, v) = await app.DraftAsync(editor, NewsroomServices.Story(await app.Content.SectionAsync()));
        await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, v), editor);

        var attempts = await WebhookKit.EventuallyAsync(() => app.AttemptsAsync(subscriptionId), a => a.Count >= 1, Deadline, "an attempt logged");

        Assert.Equal(302, attempts[0].StatusCode);
        Assert.Contains("169.254.169.254", attempts[0].Error, StringComparison.Ordinal);
        Assert.NotEqual(WebhookDeliveryStatus.Delivered, (await app.DeliveriesAsync(subscriptionId))[0].Status);
    }

    [DatabaseFact]
    public async Task Private_addresses_are_refused_when_typed_and_when_dialled()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        foreach (var target in new[] { "http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]:8080/x", $"http://localhost:{receiver.Address.Port}/x" })
        {
            using var refused = await admin.PostWithTokenAsync("/newsroom/webhooks?handler=Create",
                [new("Name", "Internal"), new("TargetUrl", target), new("EventTypes", WebhookEventTypes.StoryPublished)], tokenFrom: "/newsroom/webhooks");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await NewsroomClient.ParseAsync(refused);
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-error-for='TargetUrl']")?.TextContent), target);
            Assert.Equal(target.TrimEnd('/'), page.QuerySelector("input[name='TargetUrl']")?.GetAttribute("value")?.TrimEnd('/'));
        }

        // A row that names a loopback host (saved before the host's address changed, say) is refused where the socket connects.
        var path = NewPath("ok");
        var id = await app.WithDbAsync(async db =>
        {
            var row = new WebhookSubscription
            {
                Name = "Rebound", Url = $"http://localhost:{receiver.Address.Port}{path}", EventTypes = WebhookEventTypes.StoryPublished,
                Secret = WebhookSigning.NewSecret(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            };
            db.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        var editor = await app.UserAsync(Roles.Editor);
        var (story, v) = await app.DraftAsync(editor, NewsroomServices.Story(await app.Content.SectionAsync()));
        await app.ApplyAsync(story, new StoryCommand(StoryAction.Publish, v), editor);

        var attempts = await WebhookKit.EventuallyAsync(() => app.AttemptsAsync(id), a => a.Count >= 1, Deadline, "a refused attempt");
        Assert.Null(attempts[0].StatusCode);
        Assert.Contains("refused", attempts[0].Error, StringComparison.Ordinal);
        Assert.Empty(receiver.At(path));
    }

    [DatabaseFact]
    public async Task Replaying_one_delivery_or_a_range_sends_the_same_webhook_ids_again()
    {
        var path = NewPath("ok");
        var (subscriptionId, _) = await app.SubscribeAsync(receiver, path, WebhookEventTypes.StoryPublished);
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var from = DateTime.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 2; i++)
        {
            var (id, v) = await app.DraftAsync(editor, NewsroomServices.Story(section));
            await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, v), editor);
        }
        var first = await receiver.WaitForAsync(h => h.Count(x => x.Path == path) == 2, Deadline, "two deliveries");
        var ids = first.Where(h => h.Path == path).Select(h => h.Id).Order(StringComparer.Ordinal).ToList();
        var deliveries = await app.DeliveriesAsync(subscriptionId);
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var page = $"/newsroom/webhooks/{subscriptionId}";

        using var one = await admin.PostWithTokenAsync($"{page}?handler=Replay", [new("delivery", deliveries[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))], tokenFrom: page);
        Assert.Equal(HttpStatusCode.Redirect, one.StatusCode);
        var again = await receiver.WaitForAsync(h => h.Count(x => x.Path == path) == 3, Deadline, "the replayed delivery");
        Assert.Equal(WebhookSigning.MessageId(deliveries[0].Id), again.Last(h => h.Path == path).Id);

        using var range = await admin.PostWithTokenAsync($"{page}?handler=ReplayRange",
            [new("From", from.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
             new("To", DateTime.UtcNow.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))], tokenFrom: page);
        Assert.Equal(HttpStatusCode.Redirect, range.StatusCode);
        var all = await receiver.WaitForAsync(h => h.Count(x => x.Path == path) == 5, Deadline, "the replayed range");
        var mine = all.Where(h => h.Path == path).ToList();
        Assert.All(mine, h => Assert.True(h.Verified));
        Assert.Equal(ids, mine.Select(h => h.Id).Distinct().Order(StringComparer.Ordinal).ToList());

        using var backwards = await admin.PostWithTokenAsync($"{page}?handler=ReplayRange", [new("From", "2026-01-02T00:00:00"), new("To", "2026-01-01T00:00:00")], tokenFrom: page);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.NotNull((await NewsroomClient.ParseAsync(backwards)).QuerySelector("[data-error-for='To']")?.TextContent);
    }

    [DatabaseFact]
    public async Task A_rotated_secret_signs_beside_the_old_one_during_the_overlap()
    {
        var path = NewPath("ok");
        var (subscriptionId, oldSecret) = await app.SubscribeAsync(receiver, path, WebhookEventTypes.StoryPublished);
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var page = $"/newsroom/webhooks/{subscriptionId}";
        using var rotated = await admin.PostWithTokenAsync($"{page}?handler=Rotate", [new("OverlapHours", "2")], tokenFrom: page);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await NewsroomClient.ParseAsync(rotated)).QuerySelector("[data-secret]")?.TextContent.Trim();
        Assert.NotNull(newSecret);
        Assert.NotEqual(oldSecret, newSecret);
        receiver.Expect(path, oldSecret, newSecret);

        var editor = await app.UserAsync(Roles.Editor);
        var (id, v) = await app.DraftAsync(editor, NewsroomServices.Story(await app.Content.SectionAsync()));
        await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, v), editor);

        var hook = (await receiver.WaitForAsync(h => h.Any(x => x.Path == path), Deadline, "a delivery after the rotation")).Single(h => h.Path == path);
        Assert.Equal(2, hook.SignaturesVerified);
        using var bad = await admin.PostWithTokenAsync($"{page}?handler=Rotate", [new("OverlapHours", "-1")], tokenFrom: page);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [DatabaseFact]
    public async Task Only_admins_reach_the_webhook_pages_and_posts_need_the_antiforgery_token()
    {
        var (id, _) = await app.SubscribeAsync(receiver, NewPath("ok"), WebhookEventTypes.StoryPublished);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        using var anonymous = NewsroomClient.Anonymous(app);
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        foreach (var path in new[] { "/newsroom/webhooks", $"/newsroom/webhooks/{id}" })
        {
            using var asEditor = await editor.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, asEditor.StatusCode);
            using var asNobody = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, asNobody.StatusCode);
            Assert.StartsWith("/newsroom/signin", NewsroomClient.LocationPath(asNobody), StringComparison.Ordinal);
        }
        using var forged = await admin.PostAsync($"/newsroom/webhooks/{id}?handler=Disable", []);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.True((await app.SubscriptionAsync(id)).Enabled);
        var form = (await admin.PageAsync("/newsroom/webhooks")).QuerySelector("form[data-form='create-webhook']")!;
        foreach (var input in form.QuerySelectorAll("input[id]"))
        {
            Assert.NotNull(form.QuerySelector($"label[for='{input.Id}']"));
        }
    }
}

public sealed class WebhookTestsOnSqlite(WebhookSqliteApp app) : WebhookTests(app, app.Receiver), IClassFixture<WebhookSqliteApp>;

public sealed class WebhookTestsOnPostgres(WebhookPostgresApp app) : WebhookTests(app, app.Receiver), IClassFixture<WebhookPostgresApp>;
