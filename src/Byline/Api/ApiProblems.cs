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
