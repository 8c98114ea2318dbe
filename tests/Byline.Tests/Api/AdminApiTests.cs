using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Byline.Api.Keys;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Byline.Tests.Webhooks;
using Byline.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Api;

/// <summary>
/// The admin API end to end: personal tokens made and revoked on the newsroom's page, stories written
/// through the newsroom's own service (validation, role rules, revisions, audit, events → the reader
/// site, the content API and webhooks), ETag/If-Match, every kind of bad input, picture upload.
/// </summary>
public abstract class AdminApiTests(BylineApp app, WebhookReceiver receiver)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly int[] NoSuchAuthors = [999_999];
    private static readonly string[] KeyFacts = ["Deficit 3.1%", "Vote on Friday"];

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<object> ArticleAsync(string? headline = null) => new
    {
        headline = headline ?? TestContent.Unique("API story") + " makes the news",
        standfirst = "Written by a script.",
        body = "First paragraph from the API.\n\nSecond paragraph.",
        sectionId = (await app.Content.SectionAsync()).Id,
        tags = new[] { "Api" },
    };

    private async Task<ApiAnswer> CreateAsync(string token, object? story = null)
    {
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/stories", token, story ?? await ArticleAsync());
        Assert.True(created.Status == HttpStatusCode.Created, $"create answered {(int)created.Status} {created.Code}: {created.Json}");
        return created;
    }

    private static int StoryId(ApiAnswer answer) => answer.Json.GetProperty("id").GetInt32();

    private static string Status(ApiAnswer answer) => answer.Json.GetProperty("status").GetString()!;

    [DatabaseFact]
    public async Task A_user_makes_a_token_on_the_page_uses_it_sees_it_last_used_revokes_it_and_it_is_refused()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var name = TestContent.Unique("My script");
        using var made = await contributor.SubmitAsync("/newsroom/api-tokens",
            new Dictionary<string, string> { ["Name"] = name, ["Scope"] = nameof(ApiKeyScope.TokenWrite), ["ExpiresInDays"] = "30" }, "form[data-form=create-token]");
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var secret = (await NewsroomClient.ParseAsync(made)).QuerySelector("[data-new-token] [data-secret]")?.TextContent.Trim();
        Assert.False(string.IsNullOrEmpty(secret), "the new token is shown once");
        var stored = await app.WithDbAsync(db => db.ApiKeys.SingleAsync(k => k.Name == name));
        Assert.Equal((ApiKeyScope.TokenWrite, contributor.User!.Id, ApiKeys.HashOf(secret!)), (stored.Scope, stored.UserId, stored.Hash));
        Assert.True(stored.ExpiresAt > DateTime.UtcNow.AddDays(29) && stored.ExpiresAt < DateTime.UtcNow.AddDays(31));
        Assert.Null(stored.LastUsedAt);

        var created = await CreateAsync(secret!);
        var list = await contributor.PageAsync("/newsroom/api-tokens");
        Assert.NotEqual("never", list.QuerySelector($"tr[data-token='{stored.Id}'] [data-last-used]")!.TextContent.Trim());
        Assert.Null(list.QuerySelector("[data-new-token]"));
        Assert.DoesNotContain(secret!, list.Body!.InnerHtml, StringComparison.Ordinal);

        using var revoke = await contributor.SubmitAsync("/newsroom/api-tokens", new Dictionary<string, string> { ["id"] = Id(stored.Id) },
            $"tr[data-token='{stored.Id}'] form[data-form=revoke]");
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        var refused = await app.SendAsync(HttpMethod.Get, "/api/v1/admin/stories/" + Id(StoryId(created)), secret);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked_key"), (refused.Status, refused.Code));
        Assert.StartsWith("revoked", (await contributor.PageAsync("/newsroom/api-tokens")).QuerySelector($"tr[data-token='{stored.Id}'] [data-state]")!.TextContent.Trim(), StringComparison.Ordinal);
        var audited = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "api-key" && a.EntityId == Id(stored.Id)).Select(a => new { a.Action, a.UserId }).ToListAsync());
        Assert.Equal([(ApiTokensPageModel.AuditCreated, contributor.User.Id), (ApiTokensPageModel.AuditRevoked, contributor.User.Id)],
            audited.Select(a => (a.Action, a.UserId ?? 0)).Order().ToList());
    }

    [DatabaseFact]
    public async Task Nobody_revokes_another_accounts_token_and_the_page_lists_only_ones_own()
    {
        var (_, theirs) = await app.TokenAsync(Roles.Editor);
        var theirId = await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Hash == ApiKeys.HashOf(theirs)).Select(k => k.Id).SingleAsync());
        var other = await NewsroomClient.ForRoleAsync(app, Roles.Admin);

        using var forged = await other.PostWithTokenAsync("/newsroom/api-tokens?handler=Revoke", [new("id", Id(theirId))], tokenFrom: "/newsroom/api-tokens");
        var page = await other.PageAsync("/newsroom/api-tokens");

        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Null(page.QuerySelector($"tr[data-token='{theirId}']"));
        Assert.Null(await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == theirId).Select(k => k.RevokedAt).SingleAsync()));
    }

    [DatabaseFact]
    public async Task An_expired_token_is_refused_with_its_code()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor, expiresAt: DateTime.UtcNow.AddMinutes(-1));

        var answer = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/stories", token, await ArticleAsync());

        Assert.Equal((HttpStatusCode.Unauthorized, "expired_token"), (answer.Status, answer.Code));
    }

    [DatabaseFact]
    public async Task A_contributor_token_writes_and_submits_a_draft_but_cannot_publish_it()
    {
        var (user, token) = await app.TokenAsync(Roles.Contributor);
        var created = await CreateAsync(token);
        var id = StoryId(created);

        var submitted = await app.SendAsync(HttpMethod.Post, $"/api/v1/admin/stories/{id}/submit", token, ifMatch: created.ETag());
        var publish = await app.SendAsync(HttpMethod.Post, $"/api/v1/admin/stories/{id}/publish", token, ifMatch: submitted.ETag());
        var article = await app.ArticleAsync(id);

        Assert.Equal(("draft", "in-review"), (Status(created), Status(submitted)));
        Assert.Equal((HttpStatusCode.Forbidden, "editor_required"), (publish.Status, publish.Code));
        Assert.Equal((ArticleStatus.InReview, user.Id), (article.Status, article.CreatedById));
        Assert.Equal(["create", "submit"], (await app.RevisionsAsync(id)).Select(r => r.Action));
    }

    [DatabaseFact]
    public async Task An_editor_token_publishes_and_the_story_is_on_the_site_in_the_content_api_audited_and_announced()
    {
        var path = $"/admin-api/{Guid.NewGuid():N}";
        await app.SubscribeAsync(receiver, path, WebhookEventTypes.StoryPublished);
        var (editor, token) = await app.TokenAsync(Roles.Editor);
        var headline = TestContent.Unique("Harbour reopens") + " after the storm";
        var created = await CreateAsync(token, await ArticleAsync(headline));
        var id = StoryId(created);

        var published = await app.SendAsync(HttpMethod.Post, $"/api/v1/admin/stories/{id}/publish", token, ifMatch: created.ETag());
        Assert.Equal(HttpStatusCode.OK, published.Status);
        var url = published.Json.GetProperty("url").GetString()!;
        var page = await app.PageAsync(url);
        var fromContentApi = await app.ApiAsync("/api/v1/stories/" + Id(id));
        var hooks = await receiver.WaitForAsync(h => h.Any(x => x.Path == path), Deadline, "the publish webhook");

        Assert.Equal(("published", "\"v2\""), (Status(published), published.ETag()));
        Assert.Equal(headline, page.QuerySelector("h1")?.TextContent.Trim());
        Assert.Equal(headline, fromContentApi.Json.GetProperty("headline").GetString());
        var hook = Assert.Single(hooks, h => h.Path == path);
        Assert.True(hook.Verified);
        Assert.Equal((id, editor.UserName), (hook.Json.GetProperty("data").GetProperty("story").GetProperty("id").GetInt32(), hook.Json.GetProperty("actor").GetString()));
        var revisions = await app.RevisionsAsync(id);
        Assert.Equal([("create", editor.Id), ("publish", editor.Id)], revisions.Select(r => (r.Action, r.UserId ?? 0)));
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "article" && a.EntityId == Id(id)).Select(a => new { a.Action, a.UserId }).ToListAsync());
        Assert.Equal([(StoryAuditActions.Created, editor.Id), (StoryAuditActions.Of(StoryAction.Publish), editor.Id)], audit.Select(a => (a.Action, a.UserId ?? 0)).ToList());
    }

    [DatabaseFact]
    public async Task Delete_needs_an_editor_and_If_Match_refuses_a_live_story_and_is_announced_as_story_deleted()
    {
        var path = $"/admin-api/{Guid.NewGuid():N}";
        await app.SubscribeAsync(receiver, path, WebhookEventTypes.StoryDeleted);
        var (_, token) = await app.TokenAsync(Roles.Editor);
        var (_, contributorToken) = await app.TokenAsync(Roles.Contributor);
        var created = await CreateAsync(contributorToken);
        var id = StoryId(created);
        var url = "/api/v1/admin/stories/" + Id(id);

        var byContributor = await app.SendAsync(HttpMethod.Delete, url, contributorToken, ifMatch: created.ETag());
        Assert.Equal((HttpStatusCode.Forbidden, "editor_required"), (byContributor.Status, byContributor.Code));
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await app.SendAsync(HttpMethod.Delete, url, token)).Status);
        var published = await app.SendAsync(HttpMethod.Post, url + "/publish", token, ifMatch: created.ETag());
        Assert.Equal(HttpStatusCode.OK, published.Status);
        var live = await app.SendAsync(HttpMethod.Delete, url, token, ifMatch: published.ETag());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_failed"), (live.Status, live.Code));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await app.SendAsync(HttpMethod.Delete, url, token, ifMatch: created.ETag())).Status);
        var unpublished = await app.SendAsync(HttpMethod.Post, url + "/unpublish", token, ifMatch: published.ETag());

        var deleted = await app.SendAsync(HttpMethod.Delete, url, token, ifMatch: unpublished.ETag());

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, url, token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Delete, url, token, ifMatch: unpublished.ETag())).Status);
        var hooks = await receiver.WaitForAsync(h => h.Any(x => x.Path == path), Deadline, "the story.deleted webhook");
        var hook = Assert.Single(hooks, h => h.Path == path);
        Assert.True(hook.Verified);
        Assert.Equal(WebhookEventTypes.StoryDeleted, hook.Type);
        Assert.Equal(id, hook.Json.GetProperty("data").GetProperty("story").GetProperty("id").GetInt32());
        Assert.Equal("deleted", hook.Json.GetProperty("data").GetProperty("story").GetProperty("status").GetString());
    }

    [DatabaseFact]
    public async Task A_change_needs_If_Match_a_stale_one_is_412_and_the_saved_change_is_never_lost()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor);
        var created = await CreateAsync(token);
        var id = StoryId(created);
        var fetched = await app.SendAsync(HttpMethod.Get, $"/api/v1/admin/stories/{id}", token);

        var first = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", token, new { headline = "The first writer's headline" }, ifMatch: fetched.ETag());
        var stale = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", token, new { headline = "The second writer's headline" }, ifMatch: fetched.ETag());
        var missing = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", token, new { headline = "No precondition" });
        var wildcard = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", token, new { headline = "Any version" }, ifMatch: "*");
        var foreign = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", token, new { headline = "Not our tag" }, ifMatch: "\"abc\"");
        var moveWithout = await app.SendAsync(HttpMethod.Post, $"/api/v1/admin/stories/{id}/publish", token);
        var moveStale = await app.SendAsync(HttpMethod.Post, $"/api/v1/admin/stories/{id}/publish", token, ifMatch: fetched.ETag());
        var now = await app.SendAsync(HttpMethod.Get, $"/api/v1/admin/stories/{id}", token);

        Assert.Equal((HttpStatusCode.OK, "\"v1\""), (fetched.Status, fetched.ETag()));
        Assert.Equal((HttpStatusCode.OK, "\"v2\""), (first.Status, first.ETag()));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "edit_conflict", "\"v2\""), (stale.Status, stale.Code, stale.ETag()));
        Assert.Equal(2, stale.Json.GetProperty("currentVersion").GetInt32());
        Assert.Equal((HttpStatusCode.PreconditionRequired, "if_match_required"), (missing.Status, missing.Code));
        Assert.Equal((HttpStatusCode.PreconditionRequired, "if_match_required"), (wildcard.Status, wildcard.Code));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "edit_conflict"), (foreign.Status, foreign.Code));
        Assert.Equal((HttpStatusCode.PreconditionRequired, "if_match_required"), (moveWithout.Status, moveWithout.Code));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "edit_conflict"), (moveStale.Status, moveStale.Code));
        Assert.Equal(("The first writer's headline", "draft", 2), (now.Json.GetProperty("headline").GetString(), Status(now), now.Json.GetProperty("version").GetInt32()));
        Assert.Equal(2, (await app.RevisionsAsync(id)).Count);
    }

    [DatabaseFact]
    public async Task Patch_changes_only_the_fields_sent_and_put_replaces_them_all()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor);
        var created = await CreateAsync(token);
        var id = StoryId(created);
        var section = created.Json.GetProperty("sectionId").GetInt32();

        var patched = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", token, new { standfirst = "A new standfirst." }, ifMatch: created.ETag());
        var put = await app.SendAsync(HttpMethod.Put, $"/api/v1/admin/stories/{id}", token, new { headline = "Only a headline and a section", sectionId = section }, ifMatch: patched.ETag());

        Assert.Equal((created.Json.GetProperty("headline").GetString(), "A new standfirst.", "Api"),
            (patched.Json.GetProperty("headline").GetString(), patched.Json.GetProperty("standfirst").GetString(), patched.Json.GetProperty("tags")[0].GetString()));
        Assert.Equal((HttpStatusCode.OK, "", 0, ""), (put.Status, put.Json.GetProperty("standfirst").GetString(), put.Json.GetProperty("tags").GetArrayLength(), put.Json.GetProperty("body").GetString()));
    }

    [DatabaseFact]
    public async Task The_newsrooms_validation_answers_422_with_each_message_beside_its_field_and_nothing_is_saved()
    {
        var (_, token) = await app.TokenAsync(Roles.Contributor);
        var before = await app.WithDbAsync(db => db.Articles.CountAsync());

        var answer = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/stories", token, new { headline = "  ", sectionId = 999_999, authorIds = NoSuchAuthors });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_failed"), (answer.Status, answer.Code));
        var errors = answer.Json.GetProperty("errors");
        foreach (var field in new[] { "headline", "sectionId", "authorIds" })
        {
            Assert.True(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() == 1, $"no message for {field}: {errors}");
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.Articles.CountAsync()));
    }

    [DatabaseFact]
    public async Task A_topic_hub_is_made_with_its_own_fields_and_its_format_stays_fixed()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var created = await CreateAsync(token, new { format = "hub", headline = TestContent.Unique("Budget 2027"), sectionId = section.Id, keyFacts = KeyFacts });

        var changeFormat = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{StoryId(created)}", token, new { format = "article" }, ifMatch: created.ETag());

        Assert.Equal(("hub", 2), (created.Json.GetProperty("format").GetString(), created.Json.GetProperty("keyFacts").GetArrayLength()));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_failed"), (changeFormat.Status, changeFormat.Code));
        Assert.True(changeFormat.Json.GetProperty("errors").TryGetProperty("format", out _));
    }

    [DatabaseFact]
    public async Task A_contributor_cannot_see_or_change_another_contributors_draft()
    {
        var (_, mine) = await app.TokenAsync(Roles.Contributor);
        var (_, theirs) = await app.TokenAsync(Roles.Contributor);
        var created = await CreateAsync(theirs);
        var id = StoryId(created);

        var read = await app.SendAsync(HttpMethod.Get, $"/api/v1/admin/stories/{id}", mine);
        var write = await app.SendAsync(HttpMethod.Patch, $"/api/v1/admin/stories/{id}", mine, new { headline = "Taken over" }, ifMatch: created.ETag());

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (read.Status, read.Code));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (write.Status, write.Code));
    }

    public static TheoryData<string, string, string?, string, int, string> BadInputs => new()
    {
        // method, path, body (null: none), content type, status, code
        { "POST", "/api/v1/admin/stories", "{\"headline\": \"Unclosed", "application/json", 400, "malformed_json" },
        { "POST", "/api/v1/admin/stories", "", "application/json", 400, "malformed_json" },
        { "POST", "/api/v1/admin/stories", "[1, 2]", "application/json", 400, "wrong_type" },
        { "POST", "/api/v1/admin/stories", "{\"headline\": 42}", "application/json", 400, "wrong_type" },
        { "POST", "/api/v1/admin/stories", "{\"sectionId\": \"seven\"}", "application/json", 400, "wrong_type" },
        { "POST", "/api/v1/admin/stories", "{\"sectionId\": 1.5}", "application/json", 400, "wrong_type" },
        { "POST", "/api/v1/admin/stories", "{\"authorIds\": [1, null]}", "application/json", 400, "wrong_type" },
        { "POST", "/api/v1/admin/stories", "{\"format\": \"novel\"}", "application/json", 400, "wrong_type" },
        { "POST", "/api/v1/admin/stories", "{\"headline\": \"x\", \"isAdmin\": true}", "application/json", 400, "unknown_property" },
        { "POST", "/api/v1/admin/stories", "{\"slides\": [{\"imageId\": 1, \"script\": \"x\"}]}", "application/json", 400, "unknown_property" },
        { "POST", "/api/v1/admin/stories", "{\"headline\": \"a\", \"headline\": \"b\"}", "application/json", 400, "duplicate_property" },
        { "POST", "/api/v1/admin/stories", "headline=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type" },
        { "POST", "/api/v1/admin/stories", "{\"body\": \"" + new string('a', AdminApiSettings.MaxJsonBytes) + "\"}", "application/json", 413, "body_too_large" },
        { "GET", "/api/v1/admin/stories/abc", null, "", 400, "invalid_id" },
        { "GET", "/api/v1/admin/stories/0", null, "", 400, "invalid_id" },
        { "GET", "/api/v1/admin/stories/99999999999999", null, "", 400, "invalid_id" },
        { "GET", "/api/v1/admin/stories/2147483647", null, "", 404, "not_found" },
        { "POST", "/api/v1/admin/stories/abc/publish", null, "", 400, "invalid_id" },
        { "GET", "/api/v1/admin/nothing-here", null, "", 404, "not_found" },
    };

    [DatabaseTheory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_problem_with_its_code_never_a_500(string method, string path, string? body, string contentType, int status, string code)
    {
        var (_, token) = await app.TokenAsync(Roles.Editor);

        var answer = await app.SendAsync(new HttpMethod(method), path, token, body, contentType: contentType);

        Assert.Equal(((HttpStatusCode)status, code), (answer.Status, answer.Code));
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    [DatabaseFact]
    public async Task A_body_streamed_without_a_length_is_cut_off_at_the_limit_with_413()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor);
        var body = Encoding.UTF8.GetBytes("{\"body\": \"" + new string('b', AdminApiSettings.MaxJsonBytes * 2) + "\"}");

        var answer = await PostRawAsync("/api/v1/admin/stories", token, body, "application/json", chunked: true);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "body_too_large"), (answer.Status, answer.Code));
    }

    [DatabaseFact]
    public async Task Who_may_call_the_admin_api_no_token_a_content_key_and_a_read_token_are_refused_with_their_codes()
    {
        var contentKey = await app.KeyAsync();
        var (_, reader) = await app.TokenAsync(Roles.Editor, ApiKeyScope.TokenRead);
        var (_, writer) = await app.TokenAsync(Roles.Editor);
        var created = await CreateAsync(writer);
        var path = "/api/v1/admin/stories/" + Id(StoryId(created));

        var anonymous = await app.SendAsync(HttpMethod.Get, path, null);
        var withKey = await app.SendAsync(HttpMethod.Get, path, contentKey);
        var readerReads = await app.SendAsync(HttpMethod.Get, path, reader);
        var readerWrites = await app.SendAsync(HttpMethod.Patch, path, reader, new { headline = "Read-only" }, ifMatch: created.ETag());
        var readerUploads = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/media", reader, "x", contentType: "image/jpeg");

        Assert.Equal((HttpStatusCode.Unauthorized, "token_required"), (anonymous.Status, anonymous.Code));
        Assert.Equal((HttpStatusCode.Forbidden, "token_required"), (withKey.Status, withKey.Code));
        Assert.Equal(HttpStatusCode.OK, readerReads.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "read_only_token"), (readerWrites.Status, readerWrites.Code));
        Assert.Equal((HttpStatusCode.Forbidden, "read_only_token"), (readerUploads.Status, readerUploads.Code));
    }

    [DatabaseFact]
    public async Task A_disabled_account_or_one_whose_role_is_gone_has_no_working_token()
    {
        var (user, token) = await app.TokenAsync(Roles.Editor);
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Post, "/api/v1/admin/stories", token, await ArticleAsync())).Status);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));

        var refused = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/stories", token, await ArticleAsync());

        Assert.Equal((HttpStatusCode.Forbidden, "key_not_allowed"), (refused.Status, refused.Code));
    }

    [DatabaseFact]
    public async Task A_token_whose_account_became_a_contributor_can_no_longer_publish()
    {
        var (user, token) = await app.TokenAsync(Roles.Editor);
        var created = await CreateAsync(token);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<BylineUser>>();
            var account = await users.FindByIdAsync(Id(user.Id));
            Assert.True((await users.RemoveFromRoleAsync(account!, Roles.Editor)).Succeeded);
            Assert.True((await users.AddToRoleAsync(account!, Roles.Contributor)).Succeeded);
        }

        var publish = await app.SendAsync(HttpMethod.Post, $"/api/v1/admin/stories/{StoryId(created)}/publish", token, ifMatch: created.ETag());

        Assert.Equal((HttpStatusCode.Forbidden, "editor_required"), (publish.Status, publish.Code));
        Assert.Equal(ArticleStatus.Draft, (await app.ArticleAsync(StoryId(created))).Status);
    }

    [DatabaseFact]
    public async Task A_token_over_its_limit_gets_429_with_Retry_After_and_other_tokens_carry_on()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor, perMinute: 2);
        var (_, other) = await app.TokenAsync(Roles.Editor);
        var created = await CreateAsync(token);
        var path = "/api/v1/admin/stories/" + Id(StoryId(created));

        var second = await app.SendAsync(HttpMethod.Get, path, token);
        var third = await app.SendAsync(HttpMethod.Get, path, token);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (third.Status, third.Code));
        Assert.True(third.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, path, other)).Status);
    }

    [DatabaseFact]
    public async Task A_picture_uploads_with_the_newsroom_checks_and_its_event_and_can_lead_a_story()
    {
        var (user, token) = await app.TokenAsync(Roles.Contributor);
        var events = await app.OutboxHeadAsync();

        var uploaded = await UploadAsync(token, TestImages.Jpeg(), "?alt=The%20harbour&credit=Test%20Agency");
        var notAPicture = await UploadAsync(token, Encoding.UTF8.GetBytes("<svg onload=alert(1)></svg>"));
        var tooLarge = await UploadAsync(token, new byte[AdminApiSettings.MaxUploadBytes + 1]);
        var unknownParameter = await UploadAsync(token, TestImages.Jpeg(), "?title=x");

        Assert.Equal(HttpStatusCode.Created, uploaded.Status);
        var imageId = uploaded.Json.GetProperty("id").GetInt32();
        var image = await app.WithDbAsync(db => db.Images.SingleAsync(i => i.Id == imageId));
        Assert.Equal(("The harbour", "Test Agency"), (image.Alt, image.Credit));
        Assert.Contains(Directory.EnumerateFiles(app.MediaPath, "*.webp", SearchOption.AllDirectories), f => f.Contains(image.Key, StringComparison.Ordinal));
        Assert.Contains(await app.EventsSinceAsync(events), e => e.Reason == "media.upload" && e.Names(ContentKeys.Image(imageId)));
        Assert.True(await app.WithDbAsync(db => db.MediaUploads.AnyAsync(u => u.UserId == Id(user.Id))));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "not_an_image"), (notAPicture.Status, notAPicture.Code));
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "too_large"), (tooLarge.Status, tooLarge.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_filter"), (unknownParameter.Status, unknownParameter.Code));

        var story = await CreateAsync(token, new { headline = TestContent.Unique("With a picture"), sectionId = (await app.Content.SectionAsync()).Id, leadImageId = imageId, leadImageAlt = "The harbour" });
        Assert.Equal(imageId, story.Json.GetProperty("leadImageId").GetInt32());
    }

    [DatabaseFact]
    public async Task An_upload_without_a_length_is_refused_before_it_is_read()
    {
        var (_, token) = await app.TokenAsync(Roles.Editor);

        var answer = await PostRawAsync("/api/v1/admin/media", token, TestImages.Jpeg(), "image/jpeg", chunked: true);

        Assert.Equal((HttpStatusCode.LengthRequired, "length_required"), (answer.Status, answer.Code));
    }

    private Task<ApiAnswer> UploadAsync(string token, byte[] bytes, string query = "") =>
        PostRawAsync("/api/v1/admin/media" + query, token, bytes, "image/jpeg", chunked: false);

    /// <summary>Bytes as the body: with their length, or chunked (a stream of unknown length).</summary>
    private async Task<ApiAnswer> PostRawAsync(string path, string token, byte[] bytes, string contentType, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
#pragma warning disable CA2000 // the request owns its content
        request.Content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
#pragma warning restore CA2000
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TransferEncodingChunked = chunked;
        return await app.SendAsync(request);
    }

    [DatabaseFact]
    public async Task The_tokens_page_labels_every_control_refuses_a_post_without_its_antiforgery_token_and_keeps_typed_text()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var before = await app.WithDbAsync(db => db.ApiKeys.CountAsync());

        var page = await editor.PageAsync("/newsroom/api-tokens");
        using var noToken = await editor.PostAsync("/newsroom/api-tokens?handler=Create", [new("Name", "Forged"), new("Scope", "TokenWrite"), new("ExpiresInDays", "30")]);
        using var badExpiry = await editor.SubmitAsync("/newsroom/api-tokens", new Dictionary<string, string> { ["Name"] = "Kept name", ["ExpiresInDays"] = "5" }, "form[data-form=create-token]");
        var badExpiryPage = await NewsroomClient.ParseAsync(badExpiry);
        using var asAnonymous = await app.GetAsync("/newsroom/api-tokens");

        var form = page.QuerySelector("form[data-form=create-token]")!;
        var controls = form.QuerySelectorAll("input[id], select[id]");
        Assert.NotEmpty(controls);
        Assert.All(controls, c => Assert.NotNull(form.QuerySelector($"label[for='{c.Id}']")));
        Assert.NotNull(form.QuerySelector($"input[name={NewsroomClient.TokenField}]"));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(badExpiryPage.QuerySelector("[data-error-for=ExpiresInDays]")?.TextContent));
        Assert.Equal("Kept name", badExpiryPage.QuerySelector("input[name=Name]")?.GetAttribute("value"));
        Assert.Equal(HttpStatusCode.Redirect, asAnonymous.StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }
}

public sealed class AdminApiTestsOnSqlite(AdminApiSqliteApp app) : AdminApiTests(app, app.Receiver), IClassFixture<AdminApiSqliteApp>;

public sealed class AdminApiTestsOnPostgres(AdminApiPostgresApp app) : AdminApiTests(app, app.Receiver), IClassFixture<AdminApiPostgresApp>;
