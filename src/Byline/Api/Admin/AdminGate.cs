using System.Security.Claims;
using Byline.Api.Keys;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;

namespace Byline.Api.Admin;

/// <summary>The account a personal token acts as, for this request: its principal as the newsroom would sign it in, and the writer.</summary>
public sealed record AdminCaller(ClaimsPrincipal User, Actor Actor, int TokenId);

/// <summary>Marks an admin endpoint that changes something: a read-only token is refused there.</summary>
public sealed class AdminWrite
{
    public static readonly AdminWrite Instance = new();
}

/// <summary>
/// Runs after <see cref="ApiGate"/> (which has already refused unknown, revoked and expired tokens and
/// applied the token's rate limit) on every <c>/api/v1/admin</c> endpoint: only a personal token gets
/// in, and it acts as its account exactly as the newsroom would — the principal is made by the same
/// claims factory as a sign-in, from the account's roles as they are now, so a role taken away applies
/// to the next request.
/// </summary>
public sealed class AdminGate(UserManager<BylineUser> users, IUserClaimsPrincipalFactory<BylineUser> principals) : IEndpointFilter
{
    public static AdminCaller Caller(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[typeof(AdminCaller)] as AdminCaller
            ?? throw new InvalidOperationException("An admin API endpoint ran without the admin gate.");
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var caller = ApiGate.Caller(http);
        if (!caller.IsPersonal || caller.UserId is not int userId || caller.KeyId is not int tokenId)
        {
            if (!caller.IsKeyed)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return ApiProblems.Problem(StatusCodes.Status401Unauthorized, ApiProblems.TokenRequired,
                    "The admin API needs a personal API token (newsroom › API tokens).");
            }
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.TokenRequired,
                "The admin API acts as a newsroom account: use a personal API token, not a content or admin key.");
        }
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (user is null || user.IsDisabled)
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.KeyNotAllowed, "The account this token acts for is disabled.");
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<AdminWrite>() is not null && !caller.CanWrite)
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.ReadOnlyToken, "This token may only read; make a write token to change stories.");
        }
        var principal = await principals.CreateAsync(user);
        http.Items[typeof(AdminCaller)] = new AdminCaller(principal, Actor.From(principal), tokenId);
        return await next(context);
    }
}
