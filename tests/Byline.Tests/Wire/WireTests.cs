using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Byline.Wire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Wire;

/// <summary>
/// The wire desk end to end, against feed servers on loopback serving generated RSS, ninjs and NewsML-G2: polling
/// with conditional GETs, versions in place, exact dedup under racing pollers, clusters, kills, hostile input,
/// signed pushes, the embargo hold, the desk's draft, health and retention.
/// </summary>
public abstract class WireTests(BylineApp app, FeedServer feeds)
{
    private static WireCopy Copy(string id, int seed, int version = 1, string? headline = null) =>
        new(id, headline ?? "Headline " + seed.ToString(CultureInfo.InvariantCulture), WireFeeds.Prose(seed), version);

    private static string Unique(string prefix) => TestContent.Unique(prefix);

    [DatabaseFact]
    public async Task Polling_an_rss_feed_stores_its_items_and_the_next_poll_is_a_conditional_get()
    {
        var path = WireKit.NewPath("rss");
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.Rss(
            Copy(Unique("a"), 1) with { Subjects = ["Politics"], Picture = "https://images.example/a.jpg" }, Copy(Unique("b"), 2), Copy(Unique("c"), 3))));
        var (source, _) = await app.SourceAsync("Agency RSS", WireFeedKind.RssAtom, feeds.Url(path));

        var first = await app.PollAsync(source);
        var second = await app.PollAsync(source);

        Assert.Equal(PollStatus.Polled, first.Status);
        Assert.Equal(3, first.Result.Stored);
        Assert.Equal(PollStatus.NotModified, second.Status);
        Assert.Equal(1, feeds.FullAnswers(path));
        Assert.Equal(1, feeds.NotModifiedAnswers(path));
        var items = await app.ItemsAsync(source);
        Assert.Equal(3, items.Count);
        Assert.Contains(items, i => i.HasPictures && i.Subjects == "|Politics|" && i.BodyText.Length > 100);
        var health = await app.WireSourceAsync(source);
        Assert.NotNull(health.LastSuccessAt);
        Assert.Null(health.LeaseOwner);
    }

    [DatabaseFact]
    public async Task A_new_version_updates_the_item_in_place_and_keeps_the_older_one()
    {
        var path = WireKit.NewPath("ninjs");
        var id = Unique("urn:agency");
        feeds.Serve(path, FeedDocument.Json(WireFeeds.Ninjs(Copy(id, 10) with { Headline = "Quake hits the coast", Urgency = 2 })));
        var (source, _) = await app.SourceAsync("Agency ninjs", WireFeedKind.Ninjs, feeds.Url(path));
        Assert.Equal(1, (await app.PollAsync(source)).Result.Stored);
        var before = Assert.Single(await app.ItemsAsync(source));

        feeds.Serve(path, FeedDocument.Json(WireFeeds.Ninjs(Copy(id, 10, version: 2) with { Headline = "Quake hits the coast, toll rises", Urgency = 1 })));
        var update = await app.PollAsync(source);

        Assert.Equal(1, update.Result.Updated);
        var after = Assert.Single(await app.ItemsAsync(source));
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(2, after.Version);
        Assert.Equal("Quake hits the coast, toll rises", after.Headline);
        Assert.Equal(1, after.Urgency);
        var versions = await app.VersionsAsync(source);
        Assert.Equal([(1, "Quake hits the coast"), (2, "Quake hits the coast, toll rises")], versions.Select(v => (v.Version, v.Headline)).ToList());
    }

    [DatabaseFact]
    public async Task Three_pollers_racing_on_one_source_store_every_version_exactly_once()
    {
        var path = WireKit.NewPath("newsml");
        var ids = Enumerable.Range(0, 30).Select(_ => Unique("tag:agency")).ToList();
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.NewsMl([.. ids.Select((id, n) => Copy(id, 100 + n))])));
        var (source, _) = await app.SourceAsync("Agency G2", WireFeedKind.NewsMlG2, feeds.Url(path));
        var pollers = Enumerable.Range(0, 3).Select(_ => ActivatorUtilities.CreateInstance<WirePoller>(app.Services)).ToList();

        // Through the lease: one of the three polls, the others find it held.
        var outcomes = await Task.WhenAll(pollers.Select(p => Task.Run(() => p.PollAsync(source, CancellationToken.None))));
        Assert.Single(outcomes, o => o.Status == PollStatus.Polled);

        // Past the lease (a node stalled beyond it): three ingests of the same changed document at once.
        var changed = WireFeeds.NewsMl([.. ids.Select((id, n) => Copy(id, 100 + n, version: n < 10 ? 2 : 1))]);
        var document = WireParser.Parse(WireFeedKind.NewsMlG2, Encoding.UTF8.GetBytes(changed), 1 << 20);
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<WireIngest>().IngestAsync(source, document, CancellationToken.None);
        })));

        Assert.Equal(10, results.Sum(r => r.Updated));
        Assert.Equal(80, results.Sum(r => r.Duplicates));
        var versions = await app.VersionsAsync(source);
        Assert.Equal(40, versions.Count);
        Assert.All(versions.GroupBy(v => (v.AgencyId, v.Version)), g => Assert.Single(g));
        Assert.Equal(30, (await app.ItemsAsync(source)).Count);
        foreach (var p in pollers)
        {
            p.Dispose();
        }
    }

    [DatabaseFact]
    public async Task The_same_story_from_two_agencies_is_one_cluster_shown_as_one_row_and_another_story_is_not()
    {
        var pathA = WireKit.NewPath("rss");
        var pathB = WireKit.NewPath("ninjs");
        var story = WireFeeds.Prose(500, 250);
        var words = story.Split(' ');
        words[120] = "harbour";
        var resent = string.Join(' ', words);
        var other = WireFeeds.Prose(501, 250);
        var marker = Unique("cluster").Replace("-", "", StringComparison.Ordinal);
        feeds.Serve(pathA, FeedDocument.Xml(WireFeeds.Rss(new WireCopy(Unique("a"), "Port strike " + marker, story))));
        feeds.Serve(pathB, FeedDocument.Json(WireFeeds.Ninjs(new WireCopy(Unique("b"), "Port strike " + marker, resent), new WireCopy(Unique("c"), "Other story " + marker, other))));
        var (a, _) = await app.SourceAsync("Agency A", WireFeedKind.RssAtom, feeds.Url(pathA), credit: "AAA", sectionId: (await app.Content.SectionAsync()).Id);
        var (b, _) = await app.SourceAsync("Agency B", WireFeedKind.Ninjs, feeds.Url(pathB), credit: "BBB");
        await app.PollAsync(a);
        await app.PollAsync(b);

        var first = Assert.Single(await app.ItemsAsync(a));
        var second = await app.ItemsAsync(b);
        var port = second.Single(i => i.Headline.StartsWith("Port", StringComparison.Ordinal));
        var keysA = await app.WithDbAsync(db => db.Set<WireSimKey>().Where(k => k.ItemId == first.Id).Select(k => k.Key).ToListAsync());
        var keysB = await app.WithDbAsync(db => db.Set<WireSimKey>().Where(k => k.ItemId == port.Id).Select(k => k.Key).ToListAsync());
        Assert.True(first.ClusterId == port.ClusterId, $"A {first.Id} {first.SimHash} {first.ReceivedAt:O} [{string.Join(",", keysA)}] B {port.Id} {port.SimHash} {port.ReceivedAt:O} [{string.Join(",", keysB)}] d={SimHash.Distance(first.SimHash, port.SimHash)}");
        Assert.NotEqual(first.ClusterId, second.Single(i => i.Headline.StartsWith("Other", StringComparison.Ordinal)).ClusterId);

        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var desk = await editor.PageAsync("/newsroom/wire?q=" + marker);
        var rows = desk.QuerySelectorAll("[data-wire-list] > li");
        Assert.Equal(2, rows.Length);
        Assert.Contains(rows, r => r.GetAttribute("data-members") == "2");

        using var made = await editor.SubmitAsync($"/newsroom/wire?item={first.Id}", new Dictionary<string, string> { ["cluster"] = "true" }, "form[data-form=use-as-draft]");
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var articleId = int.Parse(NewsroomClient.LocationPath(made).Split('/')[^1], CultureInfo.InvariantCulture);
        var article = await app.ArticleAsync(articleId);
        Assert.Equal("With inputs from agencies", article.Attribution);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<WireStoryLink>().CountAsync(l => l.ArticleId == articleId)));
    }

    [DatabaseFact]
    public async Task Use_as_draft_makes_a_draft_with_the_body_the_credit_and_a_link_back_to_the_item()
    {
        var section = await app.Content.SectionAsync();
        var path = WireKit.NewPath("rss");
        var marker = Unique("draft").Replace("-", "", StringComparison.Ordinal);
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.Rss(new WireCopy(Unique("d"), "Monsoon arrives early " + marker, "Rain reached the coast on Sunday. " + WireFeeds.Prose(7)))));
        var (source, _) = await app.SourceAsync("Press Trust", WireFeedKind.RssAtom, feeds.Url(path), credit: "PTI", sectionId: section.Id);
        await app.PollAsync(source);
        var item = Assert.Single(await app.ItemsAsync(source));
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);

        var page = await contributor.PageAsync("/newsroom/wire?q=" + marker);
        Assert.Equal(item.Id.ToString(CultureInfo.InvariantCulture), page.QuerySelector("[data-reading]")?.GetAttribute("data-reading"));
        using var made = await contributor.SubmitAsync($"/newsroom/wire?item={item.Id}", new Dictionary<string, string>(), "form[data-form=use-as-draft]");

        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var articleId = int.Parse(NewsroomClient.LocationPath(made).Split('/')[^1], CultureInfo.InvariantCulture);
        var article = await app.ArticleAsync(articleId);
        Assert.Equal(ArticleStatus.Draft, article.Status);
        Assert.Equal("With inputs from PTI", article.Attribution);
        Assert.Equal(section.Id, article.SectionId);
        Assert.StartsWith("Rain reached the coast on Sunday.", article.BodyMarkdown, StringComparison.Ordinal);
        Assert.Equal(contributor.User!.Id, article.CreatedById);
        Assert.True(await app.WithDbAsync(db => db.Set<WireStoryLink>().AnyAsync(l => l.ArticleId == articleId && l.ItemId == item.Id)));
        var again = await contributor.PageAsync($"/newsroom/wire?item={item.Id}");
        Assert.NotNull(again.QuerySelector($"[data-used-in] a[href='/newsroom/stories/{articleId}']"));
    }

    [DatabaseFact]
    public async Task The_desk_filters_by_agency_urgency_subject_pictures_and_embargo()
    {
        var path = WireKit.NewPath("ninjs");
        var marker = Unique("filter").Replace("-", "", StringComparison.Ordinal);
        feeds.Serve(path, FeedDocument.Json(WireFeeds.Ninjs(
            new WireCopy(Unique("f1"), "Flash " + marker, WireFeeds.Prose(31), Urgency: 1, Subjects: ["Cricket"]),
            new WireCopy(Unique("f2"), "Routine " + marker, WireFeeds.Prose(32), Urgency: 6, Picture: "https://images.example/p.jpg"),
            new WireCopy(Unique("f3"), "Held " + marker, WireFeeds.Prose(33), Urgency: 5, Embargo: DateTime.UtcNow.AddHours(3)))));
        var (source, _) = await app.SourceAsync("Filter Agency", WireFeedKind.Ninjs, feeds.Url(path));
        await app.PollAsync(source);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        async Task<List<string>> Headlines(string query) =>
            [.. (await editor.PageAsync($"/newsroom/wire?source={source}&{query}")).QuerySelectorAll("[data-wire-list] > li > a").Select(a => a.TextContent.Split(' ')[0])];

        Assert.Equal(["Held", "Routine", "Flash"], await Headlines(""));
        Assert.Equal(["Flash"], await Headlines("urgency=2"));
        Assert.Equal(["Flash"], await Headlines("subject=Cricket"));
        Assert.Equal(["Routine"], await Headlines("pictures=true"));
        Assert.Equal(["Held"], await Headlines("embargoed=true"));
        Assert.Equal(["Routine"], await Headlines("q=routine"));
    }

    [DatabaseFact]
    public async Task A_kill_notice_marks_the_item_and_the_draft_made_from_it_and_tells_the_dashboard()
    {
        var path = WireKit.NewPath("ninjs");
        var id = Unique("urn:kill");
        feeds.Serve(path, FeedDocument.Json(WireFeeds.Ninjs(Copy(id, 40) with { Headline = "Minister resigns" })));
        var (source, _) = await app.SourceAsync("Kill Agency", WireFeedKind.Ninjs, feeds.Url(path), sectionId: (await app.Content.SectionAsync()).Id);
        await app.PollAsync(source);
        var item = Assert.Single(await app.ItemsAsync(source));
        var editor = await app.UserAsync(Roles.Editor);
        DraftMade made;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            made = await scope.ServiceProvider.GetRequiredService<WireDrafts>().CreateAsync(item.Id, false, editor, CancellationToken.None);
        }
        var articleId = made.ArticleId!.Value;

        feeds.Serve(path, FeedDocument.Json(WireFeeds.Ninjs(Copy(id, 40, version: 2) with { Headline = "Minister resigns", PubStatus = "canceled" })));
        await app.PollAsync(source);

        var killed = Assert.Single(await app.ItemsAsync(source));
        Assert.NotNull(killed.KilledAt);
        Assert.Equal(WireSignal.Kill, killed.Signal);
        Assert.Equal(1, await app.AuditCountAsync(articleId, "wire.killed"));
        var client = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        var dashboard = await client.PageAsync("/newsroom");
        Assert.Contains(dashboard.QuerySelectorAll("[data-dashboard-notice='wire.killed'] a"), a => a.GetAttribute("href") == $"/newsroom/stories/{articleId}");
        var article = await app.ArticleAsync(articleId);
        var publish = await app.ApplyAsync(articleId, new StoryCommand(StoryAction.Publish, article.Version), editor);
        Assert.Equal(PublishOutcome.Invalid, publish.Outcome);
        Assert.True(publish.Errors!.ContainsKey(WireHolds.Field));
    }

    [DatabaseFact]
    public async Task An_embargoed_items_draft_cannot_be_published_or_scheduled_before_the_embargo()
    {
        var embargo = DateTime.UtcNow.AddHours(2);
        var path = WireKit.NewPath("newsml");
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.NewsMl(Copy(Unique("tag:emb"), 50) with { Embargo = embargo })));
        var (source, _) = await app.SourceAsync("Embargo Agency", WireFeedKind.NewsMlG2, feeds.Url(path), sectionId: (await app.Content.SectionAsync()).Id);
        await app.PollAsync(source);
        var item = Assert.Single(await app.ItemsAsync(source));
        Assert.NotNull(item.EmbargoUntil);
        var editor = await app.UserAsync(Roles.Editor);
        int articleId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            articleId = (await scope.ServiceProvider.GetRequiredService<WireDrafts>().CreateAsync(item.Id, false, editor, CancellationToken.None)).ArticleId!.Value;
        }
        var version = (await app.ArticleAsync(articleId)).Version;

        var now = await app.ApplyAsync(articleId, new StoryCommand(StoryAction.Publish, version), editor);
        var early = await app.ApplyAsync(articleId, new StoryCommand(StoryAction.Schedule, version, ScheduleAtUtc: embargo.AddMinutes(-30)), editor);
        var after = await app.ApplyAsync(articleId, new StoryCommand(StoryAction.Schedule, version, ScheduleAtUtc: embargo.AddMinutes(5)), editor);

        Assert.Equal(PublishOutcome.Invalid, now.Outcome);
        Assert.True(now.Errors!.ContainsKey(WireHolds.Field));
        Assert.Equal(PublishOutcome.Invalid, early.Outcome);
        Assert.Equal(PublishOutcome.Ok, after.Outcome);
        Assert.Equal(ArticleStatus.Scheduled, (await app.ArticleAsync(articleId)).Status);
    }

    public static TheoryData<string> BadDocuments => new()
    {
        "malformed-xml", "xxe", "billion-laughs", "wrong-encoding", "malformed-json", "html-instead-of-feed", "oversize",
    };

    [DatabaseTheory]
    [MemberData(nameof(BadDocuments))]
    public async Task A_bad_document_is_quarantined_with_its_reason_and_the_source_goes_on(string kind)
    {
        var path = WireKit.NewPath(kind);
        var (feedKind, document) = kind switch
        {
            "malformed-xml" => (WireFeedKind.RssAtom, FeedDocument.Xml("<rss version=\"2.0\"><channel><item><title>Broken</item></channel>")),
            "xxe" => (WireFeedKind.RssAtom, FeedDocument.Xml("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss><channel><item><guid>1</guid><title>&x;</title></item></channel></rss>")),
            "billion-laughs" => (WireFeedKind.NewsMlG2, FeedDocument.Xml("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><newsItem guid=\"x\"><contentMeta><headline>&lol3;</headline></contentMeta></newsItem>")),
            "wrong-encoding" => (WireFeedKind.RssAtom, new FeedDocument([.. Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><item><guid>1</guid><title>Caf"), 0xE9, 0xFF, .. Encoding.ASCII.GetBytes("</title></item></channel></rss>")], "application/xml")),
            "malformed-json" => (WireFeedKind.Ninjs, FeedDocument.Json("{\"items\": [{\"uri\": \"a\", \"headlines\": [")),
            "html-instead-of-feed" => (WireFeedKind.RssAtom, FeedDocument.Html("<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>")),
            _ => (WireFeedKind.RssAtom, FeedDocument.Xml(WireFeeds.Rss(new WireCopy("big", "Big", new string('x', 2 * 1024 * 1024))))),
        };
        feeds.Serve(path, document);
        var (source, _) = await app.SourceAsync("Bad " + kind, feedKind, feeds.Url(path));

        var bad = await app.PollAsync(source);

        Assert.Equal(PollStatus.Failed, bad.Status);
        Assert.Empty(await app.ItemsAsync(source));
        var state = await app.WireSourceAsync(source);
        Assert.NotNull(state.LastError);
        Assert.True(state.Enabled);
        Assert.Null(state.LeaseOwner);
        if (kind != "oversize")
        {
            Assert.Single(await app.QuarantineAsync(source));
        }
        var good = WireFeeds.Rss(Copy(Unique("g"), 60));
        feeds.Serve(path, feedKind switch
        {
            WireFeedKind.Ninjs => FeedDocument.Json(WireFeeds.Ninjs(Copy(Unique("g"), 60))),
            WireFeedKind.NewsMlG2 => FeedDocument.Xml(WireFeeds.NewsMl(Copy(Unique("g"), 60))),
            _ => FeedDocument.Xml(good),
        });
        var next = await app.PollAsync(source);
        Assert.Equal(PollStatus.Polled, next.Status);
        Assert.Single(await app.ItemsAsync(source));
    }

    [DatabaseFact]
    public async Task Bad_items_are_quarantined_one_by_one_and_the_good_ones_beside_them_are_stored()
    {
        var path = WireKit.NewPath("ninjs");
        var good = WireFeeds.NinjsItem(Copy(Unique("ok"), 70));
        var json = JsonSerializer.Serialize(new object[]
        {
            good,
            new { headlines = new[] { new { value = "No id" } } },
            new { uri = Unique("badversion"), version = "two", headlines = new[] { new { value = "Bad version" } } },
            new { uri = Unique("big"), headlines = new[] { new { value = "Big" } }, body_html = new string('y', 300 * 1024) },
        });
        feeds.Serve(path, FeedDocument.Json(json));
        var (source, _) = await app.SourceAsync("Mixed", WireFeedKind.Ninjs, feeds.Url(path));

        var outcome = await app.PollAsync(source);

        Assert.Equal(PollStatus.Polled, outcome.Status);
        Assert.Equal(1, outcome.Result.Stored);
        Assert.Equal(3, outcome.Result.Quarantined);
        Assert.Equal(3, (await app.QuarantineAsync(source)).Count);
        Assert.Null((await app.WireSourceAsync(source)).LastError);
    }

    [DatabaseTheory]
    [InlineData("/redirect-private")]
    [InlineData("/hang")]
    public async Task A_feed_that_redirects_to_a_private_address_or_hangs_fails_the_poll_and_the_source_goes_on(string bad)
    {
        var (source, _) = await app.SourceAsync("Failing " + bad, WireFeedKind.RssAtom, feeds.Url(bad + "/" + Guid.NewGuid().ToString("N")));

        var failed = await app.PollAsync(source);

        Assert.Equal(PollStatus.Failed, failed.Status);
        var state = await app.WireSourceAsync(source);
        Assert.NotNull(state.LastErrorAt);
        Assert.Null(state.LeaseOwner);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        Assert.Contains((await editor.PageAsync("/newsroom")).QuerySelectorAll("[data-dashboard-notice='wire.source-failing'] a"),
            a => a.GetAttribute("href") == $"/newsroom/wire/sources/{source}");

        var path = WireKit.NewPath("rss");
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.Rss(Copy(Unique("after"), 80))));
        await app.WithDbAsync(db => db.Set<WireSource>().Where(s => s.Id == source).ExecuteUpdateAsync(u => u.SetProperty(s => s.Url, feeds.Url(path))));
        Assert.Equal(PollStatus.Polled, (await app.PollAsync(source)).Status);
        Assert.Single(await app.ItemsAsync(source));
    }

    [DatabaseFact]
    public async Task A_push_with_a_good_signature_is_stored_and_a_bad_or_stale_one_is_refused_with_401()
    {
        var (source, secret) = await app.SourceAsync("Push Agency", WireFeedKind.Ninjs, null, push: true);
        Assert.NotNull(secret);
        var id = Unique("urn:push");
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(WireFeeds.NinjsItem(Copy(id, 90))));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        async Task<HttpResponseMessage> Push(string signature, long timestamp, int to = 0)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/wire/sources/{(to == 0 ? source : to)}/push", UriKind.Relative));
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(WirePush.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WirePush.SignatureHeader, signature);
            return await app.Client.SendAsync(request);
        }

        async Task AssertProblem(HttpResponseMessage r, HttpStatusCode status, string code)
        {
            Assert.Equal(status, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.Equal(code, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }

        using (var wrong = await Push(WirePush.Sign("wire_not-the-secret", now, body), now))
        {
            await AssertProblem(wrong, HttpStatusCode.Unauthorized, WirePush.BadSignature);
        }
        using (var stale = await Push(WirePush.Sign(secret, now - 3600, body), now - 3600))
        {
            await AssertProblem(stale, HttpStatusCode.Unauthorized, WirePush.BadSignature);
        }
        using (var unknown = await Push(WirePush.Sign(secret, now, body), now, to: int.MaxValue))
        {
            await AssertProblem(unknown, HttpStatusCode.NotFound, WirePush.UnknownSource);
        }
        Assert.Empty(await app.ItemsAsync(source));

        using (var good = await Push(WirePush.Sign(secret, now, body), now))
        {
            Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
            Assert.Equal(1, JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement.GetProperty("stored").GetInt32());
        }
        using (var again = await Push(WirePush.Sign(secret, now, body), now))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal(1, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicates").GetInt32());
        }
        Assert.Equal(id, Assert.Single(await app.ItemsAsync(source)).AgencyId);
    }

    [DatabaseFact]
    public async Task A_source_silent_for_twice_its_interval_warns_on_the_dashboard()
    {
        var path = WireKit.NewPath("rss");
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.Rss(Copy(Unique("s"), 95))));
        var (source, _) = await app.SourceAsync("Silent " + Unique("agency"), WireFeedKind.RssAtom, feeds.Url(path));
        await app.PollAsync(source);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        Assert.DoesNotContain((await editor.PageAsync("/newsroom")).QuerySelectorAll("[data-dashboard-notice] a"), a => a.GetAttribute("href") == $"/newsroom/wire/sources/{source}");

        await app.WithDbAsync(db => db.Set<WireSource>().Where(s => s.Id == source)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSuccessAt, DateTime.UtcNow.AddSeconds(-121))));

        Assert.Contains((await editor.PageAsync("/newsroom")).QuerySelectorAll("[data-dashboard-notice='wire.source-silent'] a"),
            a => a.GetAttribute("href") == $"/newsroom/wire/sources/{source}");
    }

    [DatabaseFact]
    public async Task Retention_prunes_old_items_except_those_used_in_a_story()
    {
        var path = WireKit.NewPath("rss");
        feeds.Serve(path, FeedDocument.Xml(WireFeeds.Rss(Copy(Unique("old"), 96), Copy(Unique("used"), 97), Copy(Unique("new"), 98))));
        var (source, _) = await app.SourceAsync("Retention", WireFeedKind.RssAtom, feeds.Url(path), sectionId: (await app.Content.SectionAsync()).Id);
        await app.PollAsync(source);
        var items = await app.ItemsAsync(source);
        var editor = await app.UserAsync(Roles.Editor);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.NotNull((await scope.ServiceProvider.GetRequiredService<WireDrafts>().CreateAsync(items[1].Id, false, editor, CancellationToken.None)).ArticleId);
        }
        var old = new[] { items[0].Id, items[1].Id };
        await app.WithDbAsync(db => db.Set<WireItem>().Where(i => old.Contains(i.Id)).ExecuteUpdateAsync(u => u.SetProperty(i => i.ReceivedAt, DateTime.UtcNow.AddDays(-31))));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<WireRetention>().PruneAsync(CancellationToken.None) >= 1);
        }

        Assert.Equal([items[1].Id, items[2].Id], (await app.ItemsAsync(source)).Select(i => i.Id).ToList());
        Assert.DoesNotContain(await app.VersionsAsync(source), v => v.ItemId == items[0].Id);
    }

    [DatabaseFact]
    public async Task Admins_set_up_sources_in_the_newsroom_and_a_private_feed_address_is_refused_beside_the_field()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        using (var forbidden = await editor.GetAsync("/newsroom/wire/sources"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        using (var refused = await admin.SubmitAsync("/newsroom/wire/sources", new Dictionary<string, string>
        {
            ["AgencyName"] = "Metadata", ["FeedUrl"] = "http://169.254.169.254/latest/", ["Kind"] = "RssAtom",
        }, "form[data-form=source]"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await NewsroomClient.ParseAsync(refused);
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-error-for=FeedUrl]")?.TextContent));
            Assert.Equal("http://169.254.169.254/latest/", page.QuerySelector("#FeedUrl")?.GetAttribute("value"));
        }
        var name = Unique("Agency");
        using var created = await admin.SubmitAsync("/newsroom/wire/sources", new Dictionary<string, string>
        {
            ["AgencyName"] = name, ["CreditLine"] = "AG", ["FeedUrl"] = "", ["Kind"] = "Ninjs", ["Push"] = "true",
            ["FeedUser"] = "newsroom", ["Password"] = "s3cret-password",
        }, "form[data-form=source]");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var secret = (await NewsroomClient.ParseAsync(created)).QuerySelector("[data-secret]")?.TextContent.Trim();
        Assert.StartsWith(WireSources.SecretPrefix, secret, StringComparison.Ordinal);
        var row = await app.WithDbAsync(db => db.Set<WireSource>().AsNoTracking().FirstAsync(s => s.AgencyName == name));
        Assert.DoesNotContain("s3cret-password", row.ProtectedCredentials, StringComparison.Ordinal);
        Assert.DoesNotContain(secret!, row.ProtectedPushSecret, StringComparison.Ordinal);
        var list = await admin.GetAsync("/newsroom/wire/sources");
        Assert.DoesNotContain(secret!, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var off = await admin.SubmitAsync($"/newsroom/wire/sources/{row.Id}", new Dictionary<string, string>(), "form[data-form=switch-source]");
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.False((await app.WireSourceAsync(row.Id)).Enabled);
    }
}

public sealed class WireTestsOnSqlite(WireSqliteApp app) : WireTests(app, app.Feeds), IClassFixture<WireSqliteApp>;

public sealed class WireTestsOnPostgres(WirePostgresApp app) : WireTests(app, app.Feeds), IClassFixture<WirePostgresApp>;
