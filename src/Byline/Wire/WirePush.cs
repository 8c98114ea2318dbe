using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Byline.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

/// <summary>
/// <c>POST /api/v1/wire/sources/{id}/push</c>: an agency pushes ninjs (one item, an array, or <c>{"items": …}</c>)
/// signed with the source's secret — <c>X-Byline-Timestamp</c> (Unix seconds) and <c>X-Byline-Signature:
/// sha256=&lt;hex HMAC-SHA256 of "{timestamp}.{body}"&gt;</c>. A bad or missing signature, or a timestamp too far from
/// now (a replay), is a 401; every error is a ProblemDetails with a stable <c>code</c> (docs/wire.md).
/// </summary>
public static class WirePush
{
    public const string TimestampHeader = "X-Byline-Timestamp";
    public const string SignatureHeader = "X-Byline-Signature";

    public const string BadSignature = "wire.bad-signature";
    public const string UnknownSource = "wire.unknown-source";
    public const string TooLarge = "wire.too-large";
    public const string Unreadable = "wire.unreadable";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content));
    }

    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan skew)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
        {
            return false;
        }
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > skew.TotalSeconds)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        var given = Encoding.ASCII.GetBytes(signature.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public static IEndpointRouteBuilder MapWirePush(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/wire/sources/{id:int}/push", PushAsync).DisableAntiforgery().WithName("WirePush").ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Accepted<PushResult>, ProblemHttpResult>> PushAsync(
        int id, HttpRequest request, BylineDb db, WireSources sources, WireIngest ingest, IOptionsMonitor<WireOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var source = await db.Set<WireSource>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.Enabled, ct);
        // An unknown source, a disabled one and one that takes no pushes answer alike: nothing to learn by probing ids.
        var secret = source is null ? null : sources.PushSecret(source);
        if (source is null || secret is null)
        {
            return Problem(StatusCodes.Status404NotFound, UnknownSource, "No source takes pushes at this address.");
        }
        if (request.ContentLength > o.MaxPushBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, TooLarge, $"A push may carry at most {o.MaxPushBytes:N0} bytes.");
        }
        var body = await ReadAsync(request, o.MaxPushBytes, ct);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, TooLarge, $"A push may carry at most {o.MaxPushBytes:N0} bytes.");
        }
        if (!Verify(secret, request.Headers[TimestampHeader], request.Headers[SignatureHeader], body, clock.GetUtcNow(), o.PushClockSkew))
        {
            return Problem(StatusCodes.Status401Unauthorized, BadSignature, "The request's signature does not verify with this source's secret (or its timestamp is too old).");
        }
        var document = WireParser.Parse(WireFeedKind.Ninjs, body, o.MaxItemBytes);
        var result = await ingest.IngestAsync(id, document, ct);
        if (document.Unreadable is { } why)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, Unreadable, "The push was not readable ninjs and was quarantined: " + why);
        }
        return TypedResults.Accepted((string?)null, new PushResult(result.Stored, result.Updated, result.Duplicates, result.Quarantined));
    }

    private static async Task<byte[]?> ReadAsync(HttpRequest request, long max, CancellationToken ct)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (copy.Length + n > max)
            {
                return null;
            }
            copy.Write(buffer, 0, n);
        }
        return copy.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string code, string title)
    {
        var problem = new ProblemDetails { Status = status, Title = title };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }
}

public sealed record PushResult(int Stored, int Updated, int Duplicates, int Quarantined);
