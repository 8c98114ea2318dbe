using System.Buffers;
using System.Globalization;
using System.Text;

namespace Byline.Discovery;

/// <summary>
/// <c>POST /v</c> with the article id as the body (what <c>navigator.sendBeacon('/v', id)</c> sends).
/// First-party, no cookie read or set, nothing about the reader kept: the id and the hour are all
/// that is counted. Works when the page itself came from a cache, since the script runs in the browser.
/// </summary>
internal static class ViewBeacon
{
    private const int MaxBody = 16;

    public static async Task<IResult> HandleAsync(HttpContext context, DiscoveryCounters counters, DiscoveryOptions options)
    {
        context.Response.Headers.CacheControl = "no-store";
        var request = context.Request;
        if (request.ContentLength is > MaxBody)
        {
            return Results.Problem(statusCode: 400, title: "The body must be an article id.", extensions: new Dictionary<string, object?> { ["code"] = "view.invalid-id" });
        }
        var body = await ReadAsync(request, context.RequestAborted);
        if (body is null || !int.TryParse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return Results.Problem(statusCode: 400, title: "The body must be an article id.", extensions: new Dictionary<string, object?> { ["code"] = "view.invalid-id" });
        }
        if (options.CountViews && !BotFilter.IsBot(request.Headers.UserAgent, request.Headers["Sec-Purpose"].ToString() + request.Headers["Purpose"].ToString()))
        {
            counters.CountView(id);
        }
        return Results.NoContent();
    }

    private static async Task<string?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            if (buffer.Length > MaxBody)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }
            if (result.IsCompleted)
            {
                var text = Encoding.ASCII.GetString(buffer.ToArray());
                reader.AdvanceTo(buffer.End);
                return text;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
