using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;

namespace Byline.Discovery;

/// <summary>
/// <c>POST /v</c> with the article id as the body (what <c>navigator.sendBeacon('/v', id)</c> sends).
/// First-party, no cookie read or set, nothing about the reader kept: the id and the hour are all
/// that is counted. Works when the page itself came from a cache, since the script runs in the browser.
/// <para>
/// Every page view sends one, so this is the busiest request the site answers. It is a middleware at
/// the head of the pipeline rather than an endpoint: no routing, output cache, static files, status
/// pages or authentication run for it, the body is parsed from the request buffer without a string,
/// and an accepted view allocates nothing (see <see cref="DiscoveryCounters.CountView"/>).
/// </para>
/// </summary>
internal sealed class ViewBeacon(RequestDelegate next, DiscoveryCounters counters, DiscoveryOptions options)
{
    private const int MaxBody = 16;
    private static readonly PathString Path = new("/v");

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals(Path, StringComparison.Ordinal))
        {
            return next(context);
        }
        context.Response.Headers.CacheControl = "no-store";
        if (request.ContentLength is > MaxBody)
        {
            return InvalidAsync(context);
        }
        // A beacon's few bytes normally arrive with its headers: they are read synchronously and the
        // view is counted without an async state machine.
        var reader = request.BodyReader;
        if (reader.TryRead(out var result))
        {
            if (result.IsCompleted || result.Buffer.Length > MaxBody)
            {
                return Accept(context, result) ? Task.CompletedTask : InvalidAsync(context);
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
        return ReadSlowlyAsync(context);
    }

    private async Task ReadSlowlyAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAsync(context.RequestAborted);
        while (!result.IsCompleted && result.Buffer.Length <= MaxBody)
        {
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await reader.ReadAsync(context.RequestAborted);
        }
        if (!Accept(context, result))
        {
            await InvalidAsync(context);
        }
    }

    /// <summary>Parses the whole body as an id and counts it; false when the body is not an article id.</summary>
    private bool Accept(HttpContext context, ReadResult result)
    {
        var buffer = result.Buffer;
        var id = buffer.Length <= MaxBody ? ParseId(buffer) : 0;
        context.Request.BodyReader.AdvanceTo(buffer.End);
        if (id <= 0)
        {
            return false;
        }
        var headers = context.Request.Headers;
        if (options.CountViews && !BotFilter.IsBot(headers.UserAgent.ToString(), headers["Sec-Purpose"].ToString(), headers["Purpose"].ToString()))
        {
            counters.CountView(id);
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return true;
    }

    /// <summary>The positive id the body holds, or 0.</summary>
    private static int ParseId(in ReadOnlySequence<byte> body)
    {
        Span<byte> bytes = stackalloc byte[MaxBody];
        body.CopyTo(bytes);
        var text = bytes[..(int)body.Length].Trim(" \t\r\n"u8);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : 0;
    }

    private static Task InvalidAsync(HttpContext context) =>
        Results.Problem(statusCode: 400, title: "The body must be an article id.", extensions: new Dictionary<string, object?> { ["code"] = "view.invalid-id" })
            .ExecuteAsync(context);
}
