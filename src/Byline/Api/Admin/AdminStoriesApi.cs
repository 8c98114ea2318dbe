using System.Globalization;
using System.Text.Json;
using Byline.Content;
using Byline.Newsroom.Stories;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Byline.Api.Admin;

/// <summary>
/// Stories written through the API: create, read, update (PATCH: the fields sent; PUT: every field) and
/// the workflow moves. Every write is the newsroom's own <see cref="PublishingService"/> call, so the same
/// validation, role rules, revision, audit entry (the token's account as the actor) and content event
/// (caches, search, webhooks) follow. A story's <c>ETag</c> is its version; a change must send it back
/// as <c>If-Match</c> (428 without, 412 when someone saved in between), so no save is ever lost.
/// </summary>
public static class AdminStoriesApi
{
    /// <summary>The workflow moves, by the last segment of their route.</summary>
    private static readonly (string Route, StoryAction Action, string Summary)[] Moves =
    [
        ("submit", StoryAction.Submit, "Submit the story for review (any role, on a story it may edit)."),
        ("publish", StoryAction.Publish, "Publish the story now (editors and admins)."),
        ("schedule", StoryAction.Schedule, "Schedule the story to go live at scheduleAt (editors and admins); body {\"scheduleAt\": \"2026-12-24T06:00:00Z\"}."),
        ("unpublish", StoryAction.Unpublish, "Take a published or scheduled story off the site (editors and admins)."),
        ("return-to-draft", StoryAction.ReturnToDraft, "Return a story in review or scheduled to draft (editors and admins)."),
    ];

    public static RouteGroupBuilder MapAdminStories(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapPost("/stories", CreateAsync).WithName("AdminCreateStory").WithMetadata(AdminWrite.Instance, new AdminBody(typeof(AdminStoryFields)))
            .WithSummary("Create a story (a draft) of any format; the answer carries its ETag.")
            .Produces<AdminStory>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/stories/{id}", GetAsync).WithName("AdminGetStory")
            .WithSummary("A story in any status the account may see, with every editable field; ETag is its version.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPatch("/stories/{id}", (string id, HttpContext http, CancellationToken ct) => UpdateAsync(id, http, partial: true, ct))
            .WithName("AdminPatchStory").WithSummary("Change the fields sent (If-Match required).")
            .WithMetadata(AdminWrite.Instance, new AdminBody(typeof(AdminStoryFields))).Produces<AdminStory>().DocumentsWrite();
        admin.MapPut("/stories/{id}", (string id, HttpContext http, CancellationToken ct) => UpdateAsync(id, http, partial: false, ct))
            .WithName("AdminPutStory").WithSummary("Replace every editable field; those left out become empty (If-Match required).")
            .WithMetadata(AdminWrite.Instance, new AdminBody(typeof(AdminStoryFields))).Produces<AdminStory>().DocumentsWrite();
        admin.MapDelete("/stories/{id}", DeleteAsync).WithName("AdminDeleteStory")
            .WithSummary("Delete a story that is off the site (draft, in review or unpublished) for good; editors and admins, If-Match required. 204 when done.")
            .WithMetadata(AdminWrite.Instance).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).DocumentsWrite();
        foreach (var move in Moves)
        {
            var action = move.Action;
            var endpoint = admin.MapPost("/stories/{id}/" + move.Route, (string id, HttpContext http, CancellationToken ct) => MoveAsync(id, action, http, ct))
                .WithName("AdminStory" + string.Concat(move.Route.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])))
                .WithSummary(move.Summary + " If-Match required.")
                .WithMetadata(AdminWrite.Instance).Produces<AdminStory>().DocumentsWrite();
            if (action == StoryAction.Schedule)
            {
                endpoint.WithMetadata(new AdminBody(typeof(AdminSchedule)));
            }
        }
        return admin;
    }

    /// <summary>The problems every story write can answer, documented once per write endpoint.</summary>
    public static RouteHandlerBuilder DocumentsWrite(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    private static async Task<IResult> CreateAsync(HttpContext http, BylineDb db, PublishingService publishing, IOptions<ApiOptions> options, CancellationToken ct)
    {
        var caller = AdminGate.Caller(http);
        using var body = await RequestBody.ReadJsonAsync(http, options.Value.MaxJsonBytes, ct);
        // As the newsroom's new-story form does: the writer is the byline unless the story names its authors.
        var own = caller.Actor.UserId is int uid ? await db.Users.Where(u => u.Id == uid).Select(u => u.AuthorId).FirstOrDefaultAsync(ct) : null;
        var input = StoryJson.Read(body.RootElement, new StoryInput { Format = StoryFormat.Article, AuthorIds = own is int a ? [a] : [] });
        var created = await publishing.CreateAsync(input, caller.Actor, ct);
        if (!created.Succeeded)
        {
            return Refused(created);
        }
        var story = await ReadAsync(db, created.ArticleId, ct);
        http.Response.Headers.Location = "/api/v1/admin/stories/" + created.ArticleId.ToString(CultureInfo.InvariantCulture);
        return new ApiJson<AdminStory>(story!, status: StatusCodes.Status201Created, etag: ETagOf(story!.Version));
    }

    private static async Task<ApiJson<AdminStory>> GetAsync(string id, HttpContext http, BylineDb db, StoryAccess access, CancellationToken ct)
    {
        var storyId = await VisibleAsync(id, http, access, ct);
        var story = await ReadAsync(db, storyId, ct) ?? throw new ApiRefusalException(ApiProblems.Missing("story"));
        return new ApiJson<AdminStory>(story, etag: ETagOf(story.Version));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, bool partial, CancellationToken ct)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<BylineDb>();
        var caller = AdminGate.Caller(http);
        var storyId = await VisibleAsync(id, http, services.GetRequiredService<StoryAccess>(), ct);
        var expected = IfMatch(http);
        using var body = await RequestBody.ReadJsonAsync(http, services.GetRequiredService<IOptions<ApiOptions>>().Value.MaxJsonBytes, ct);
        var article = await PublishingService.LoadForWriteAsync(db, storyId, tracking: false, ct) ?? throw new ApiRefusalException(ApiProblems.Missing("story"));
        if (expected != article.Version)
        {
            return await ConflictAsync(http, services.GetRequiredService<PublishingService>(), article.Id, article.Version, ct);
        }
        var current = Current(article);
        // A PUT starts from nothing but what no client sets here: the format, and whether a live blog has ended (the live desk's).
        var start = partial ? current : new StoryInput { Format = article.Format, Extras = new FormatData { LiveEndedAt = current.Extras.LiveEndedAt } };
        var input = StoryJson.Read(body.RootElement, start);
        if (input.Format != article.Format)
        {
            return ApiProblems.Invalid(new Dictionary<string, string> { ["format"] = "The format is fixed when a story is created." });
        }
        return await WriteAsync(http, storyId, new StoryCommand(StoryAction.Save, expected, input), caller, ct);
    }

    private static async Task<IResult> MoveAsync(string id, StoryAction action, HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var caller = AdminGate.Caller(http);
        var storyId = await VisibleAsync(id, http, services.GetRequiredService<StoryAccess>(), ct);
        // Refused here before anything is read, and again by the service: the same rule as the newsroom's buttons.
        if (!caller.Actor.CanPerform(action))
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.EditorRequired,
                "Only editors and admins may publish, schedule, unpublish or return a story to draft.");
        }
        var expected = IfMatch(http);
        DateTime? at = null;
        if (action == StoryAction.Schedule)
        {
            using var body = await RequestBody.ReadJsonAsync(http, 4096, ct);
            at = ScheduleAt(body.RootElement);
        }
        return await WriteAsync(http, storyId, new StoryCommand(action, expected, ScheduleAtUtc: at), caller, ct);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var caller = AdminGate.Caller(http);
        var storyId = await VisibleAsync(id, http, services.GetRequiredService<StoryAccess>(), ct);
        if (!caller.Actor.IsEditor)
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.EditorRequired, "Only editors and admins may delete a story.");
        }
        var expected = IfMatch(http);
        var publishing = services.GetRequiredService<PublishingService>();
        var result = await publishing.DeleteAsync(storyId, expected, caller.Actor, ct);
        return result.Outcome switch
        {
            PublishOutcome.Ok => Results.NoContent(),
            PublishOutcome.Conflict => await ConflictAsync(http, publishing, storyId, result.CurrentVersion, ct),
            _ => Refused(result),
        };
    }

    private static DateTime ScheduleAt(JsonElement root)
    {
        DateTime? at = null;
        foreach (var (name, value) in StoryJson.Properties(root, ""))
        {
            if (name != "scheduleAt")
            {
                throw new ApiRefusalException(ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.UnknownProperty,
                    "Scheduling takes only scheduleAt.", name.Length <= 60 ? name : name[..60]));
            }
            // A time with its offset (or Z): a bare local time would mean a different moment on every server.
            at = value.ValueKind == JsonValueKind.String
                 && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                 && HasOffset(value.GetString()!)
                ? parsed.UtcDateTime
                : throw StoryJson.WrongType("scheduleAt", "an ISO 8601 time with its offset, e.g. 2026-12-24T06:00:00Z");
        }
        return at ?? throw new ApiRefusalException(ApiProblems.Invalid(new Dictionary<string, string> { ["scheduleAt"] = "Give the time the story should go live." }));
    }

    private static bool HasOffset(string text)
    {
        var t = text.Trim();
        return t.EndsWith('Z') || t.EndsWith('z') || (t.Length > 6 && (t[^6] is '+' or '-') && t[^3] == ':');
    }

    private static async Task<IResult> WriteAsync(HttpContext http, int storyId, StoryCommand command, AdminCaller caller, CancellationToken ct)
    {
        var services = http.RequestServices;
        var publishing = services.GetRequiredService<PublishingService>();
        var result = await publishing.ApplyAsync(storyId, command, caller.Actor, ct);
        if (result.Outcome == PublishOutcome.Conflict)
        {
            return await ConflictAsync(http, publishing, storyId, result.CurrentVersion, ct);
        }
        if (!result.Succeeded)
        {
            return Refused(result);
        }
        var story = await ReadAsync(services.GetRequiredService<BylineDb>(), storyId, ct) ?? throw new ApiRefusalException(ApiProblems.Missing("story"));
        return new ApiJson<AdminStory>(story, etag: ETagOf(story.Version));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refused(PublishResult result) => result.Outcome switch
    {
        PublishOutcome.Invalid => ApiProblems.Invalid(StoryJson.Errors(result.Errors ?? new Dictionary<string, string>())),
        PublishOutcome.Forbidden => ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.NotAllowed,
            "Contributors change only their own stories, and only until they are scheduled or published."),
        _ => ApiProblems.Missing("story"),
    };

    /// <summary>412 with the version that is saved now (and who saved it), so the client can fetch it, merge and try again.</summary>
    private static async Task<IResult> ConflictAsync(HttpContext http, PublishingService publishing, int storyId, int currentVersion, CancellationToken ct)
    {
        http.Response.Headers.ETag = ETagOf(currentVersion);
        var problem = ApiProblems.Problem(StatusCodes.Status412PreconditionFailed, ApiProblems.EditConflict,
            "The story was saved by someone else since you read it; read it again, merge, and send its new ETag.");
        problem.ProblemDetails.Extensions["currentVersion"] = currentVersion;
        problem.ProblemDetails.Extensions["savedBy"] = await publishing.LastEditorAsync(storyId, ct);
        return problem;
    }

    public static string ETagOf(int version) => "\"v" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>
    /// The version named by <c>If-Match</c>: required (428 without it, or with <c>*</c>, which would
    /// overwrite whatever is there); a tag that is not one of ours can match nothing, so it is a 412 later.
    /// </summary>
    private static int IfMatch(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header.ToString()))
        {
            throw new ApiRefusalException(ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, ApiProblems.IfMatchRequired,
                "Send the story's ETag as If-Match, so that a save never overwrites one you have not seen."));
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count != 1 || tags[0].Equals(EntityTagHeaderValue.Any))
        {
            if (tags?.Any(t => t.Equals(EntityTagHeaderValue.Any)) == true)
            {
                throw new ApiRefusalException(ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, ApiProblems.IfMatchRequired,
                    "If-Match: * would overwrite whatever is saved; send the story's ETag."));
            }
            return -1;
        }
        var tag = tags[0];
        var value = tag.Tag.Value ?? "";
        return !tag.IsWeak && value.Length > 3 && value[1] == 'v'
               && int.TryParse(value.AsSpan(2, value.Length - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : -1;
    }

    /// <summary>The story id of the route, if the account may see that story (as in the newsroom: otherwise it does not exist).</summary>
    private static async Task<int> VisibleAsync(string id, HttpContext http, StoryAccess access, CancellationToken ct)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId) || storyId <= 0)
        {
            throw new ApiRefusalException(ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId,
                "A story id is a positive whole number.", parameter: "id"));
        }
        if (!await access.CanSeeAsync(storyId, AdminGate.Caller(http).User, ct))
        {
            throw new ApiRefusalException(ApiProblems.Missing("story"));
        }
        return storyId;
    }

    private static StoryInput Current(Article article) =>
        StoryInput.From(article, [.. article.Tags.OrderBy(t => t.Position).Select(t => t.Tag?.Name ?? "")]);

    private static async Task<AdminStory?> ReadAsync(BylineDb db, int id, CancellationToken ct)
    {
        var article = await PublishingService.LoadForWriteAsync(db, id, tracking: false, ct);
        if (article is null)
        {
            return null;
        }
        string? url = null;
        if (article.Status == ArticleStatus.Published)
        {
            var section = await db.Sections.Where(s => s.Id == article.TopSectionId).Select(s => s.Slug).FirstOrDefaultAsync(ct);
            var show = article.Format == StoryFormat.Episode && article.ShowId is int showId
                ? await db.Shows.Where(s => s.Id == showId).Select(s => s.Slug).FirstOrDefaultAsync(ct)
                : null;
            url = section is null ? null : StoryFormats.Path(article.Format, section, article.Slug, article.Id, show);
        }
        return AdminStory.From(article, Current(article), url);
    }
}
