using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Api;

/// <summary>
/// Every error of the API is a ProblemDetails with a stable <c>code</c> (clients and tests branch on the
/// code, never on the wording). The codes are listed in docs/api.md.
/// </summary>
public static class ApiProblems
{
    public const string InvalidKey = "invalid_key";
    public const string RevokedKey = "revoked_key";
    public const string KeyNotAllowed = "key_not_allowed";
    public const string RateLimited = "rate_limited";
    public const string NotFound = "not_found";
    public const string InvalidCursor = "invalid_cursor";
    public const string CursorExpired = "cursor_expired";
    public const string UnknownField = "unknown_field";
    public const string UnknownInclude = "unknown_include";
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidLimit = "invalid_limit";
    public const string AdminKeyRequired = "admin_key_required";
    public const string InvalidQuery = "invalid_query";
    public const string SearchTooBroad = "search_too_broad";

    // The admin API's (docs/api.md "Admin API").
    public const string ExpiredToken = "expired_token";
    public const string TokenRequired = "token_required";
    public const string ReadOnlyToken = "read_only_token";
    public const string EditorRequired = "editor_required";
    public const string NotAllowed = "not_allowed";
    public const string InvalidId = "invalid_id";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MalformedJson = "malformed_json";
    public const string WrongType = "wrong_type";
    public const string UnknownProperty = "unknown_property";
    public const string DuplicateProperty = "duplicate_property";
    public const string BodyTooLarge = "body_too_large";
    public const string LengthRequired = "length_required";
    public const string IncompleteBody = "incomplete_body";
    public const string ValidationFailed = "validation_failed";
    public const string IfMatchRequired = "if_match_required";
    public const string EditConflict = "edit_conflict";

    public static ProblemHttpResult Problem(int status, string code, string title, string? detail = null, string? parameter = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (parameter is not null)
        {
            problem.Extensions["parameter"] = parameter;
        }
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult BadRequest(string code, string title, string? parameter = null, string? detail = null) =>
        Problem(StatusCodes.Status400BadRequest, code, title, detail, parameter);

    /// <summary>A refused request body: <c>field</c> names the property (a JSON path such as <c>slides[2].imageId</c>), "" the body itself.</summary>
    public static ProblemHttpResult Body(int status, string code, string title, string? field = null)
    {
        var result = Problem(status, code, title);
        if (field is not null)
        {
            result.ProblemDetails.Extensions["field"] = field;
        }
        return result;
    }

    /// <summary>The newsroom's own validation refused the story: 422 with every message beside its field, as the editor shows them.</summary>
    public static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var result = Problem(StatusCodes.Status422UnprocessableEntity, ValidationFailed, "The story cannot be saved as it is; see errors.");
        result.ProblemDetails.Extensions["errors"] = errors.ToDictionary(e => e.Key.Length == 0 ? "story" : e.Key, e => new[] { e.Value }, StringComparer.Ordinal);
        return result;
    }

    public static ProblemHttpResult Missing(string what) =>
        Problem(StatusCodes.Status404NotFound, NotFound, $"There is no such {what}.");
}

/// <summary>A request the API refuses: thrown from parsing deep in a handler, answered by <see cref="ApiGate"/>.</summary>
#pragma warning disable CA1032 // not a general-purpose exception: always built with its problem
public sealed class ApiRefusalException(ProblemHttpResult problem) : Exception(problem?.ProblemDetails.Title)
#pragma warning restore CA1032
{
    public ProblemHttpResult Result { get; } = problem ?? throw new ArgumentNullException(nameof(problem));
}
