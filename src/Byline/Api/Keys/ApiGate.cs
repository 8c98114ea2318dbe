using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Byline.Api.Keys;

/// <summary>
/// The API's rate limits, one token bucket per key (its own limit, else the default) and per client
/// address for calls without a key. A singleton: the gate itself is made per request.
/// </summary>
public sealed class ApiRateLimits(IOptions<ApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        var caller = ApiGate.Caller(context);
        var perMinute = caller.KeyId is not null
            ? caller.RequestsPerMinute ?? (caller.IsPersonal ? options.Value.TokenRequestsPerMinute : options.Value.KeyRequestsPerMinute)
            : options.Value.AnonymousRequestsPerMinute;
        var partition = caller.KeyId is int k
            ? "key:" + k.ToString(CultureInfo.InvariantCulture)
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "");
        return RateLimitPartition.GetTokenBucketLimiter(partition, _ => Bucket(perMinute));
    });

    /// <summary>A bucket as deep as a minute's budget, refilled evenly.</summary>
    private static TokenBucketRateLimiterOptions Bucket(int perMinute)
    {
        var limit = Math.Max(1, perMinute);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            QueueLimit = 0,
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1.0, 60.0 / limit)),
            TokensPerPeriod = Math.Max(1, limit / 60),
            AutoReplenishment = true,
        };
    }

    public RateLimitLease Acquire(HttpContext context) => _limiter.AttemptAcquire(context);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Runs before every API endpoint: reads the key (a wrong or revoked one is refused, not quietly
/// treated as anonymous, so a client learns at once that its key is dead), applies the caller's rate
/// limit (per key, or per address without one) and turns an <see cref="ApiRefusalException"/> thrown while
/// parsing into its ProblemDetails.
/// </summary>
public sealed class ApiGate(ApiKeys keys, ApiRateLimits limits) : IEndpointFilter
{
    public static ApiCaller Caller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[typeof(ApiCaller)] as ApiCaller ?? ApiCaller.Anonymous;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var secret = ApiKeys.SecretOf(http.Request);
        if (secret is not null)
        {
            var (check, caller) = await keys.ResolveAsync(secret, http.RequestAborted);
            switch (check)
            {
                case KeyCheck.Unknown:
                    return Unauthorized(http, ApiProblems.InvalidKey, "The API key is not valid.");
                case KeyCheck.Revoked:
                    return Unauthorized(http, ApiProblems.RevokedKey, "The API key has been revoked.");
                case KeyCheck.Expired:
                    return Unauthorized(http, ApiProblems.ExpiredToken, "The API token has expired; make a new one in the newsroom.");
                case KeyCheck.AccountNotAllowed:
                    return ApiProblems.Problem(StatusCodes.Status403Forbidden, ApiProblems.KeyNotAllowed,
                        "The account this key acts for is disabled or no longer holds the role the key needs.");
            }
            http.Items[typeof(ApiCaller)] = caller;
        }
        using var lease = limits.Acquire(http);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, ApiProblems.RateLimited,
                "Too many requests.", $"Try again in {seconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        try
        {
            return await next(context);
        }
        catch (ApiRefusalException refusal)
        {
            return refusal.Result;
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unauthorized(HttpContext http, string code, string title)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Problem(StatusCodes.Status401Unauthorized, code, title);
    }
}
