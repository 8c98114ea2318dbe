using System.Buffers;
using System.IO.Pipelines;

namespace Byline.Discovery;

/// <summary>
/// <c>POST /v</c> with the page's view token as the body (what <c>navigator.sendBeacon('/v', token)</c>
/// sends; see <see cref="ViewTokens"/>). First-party, no cookie read or set, nothing about the reader
/// kept: the id and the hour are all that is stored. Works when the page itself came from a cache, since
/// the token is per story and hour. A body that is not a token of this site answers 400; a genuine one
/// answers 204 and counts when <see cref="ViewGuard"/> admits it (one view per client and story per window,
/// a per-client rate).
/// <para>
/// Every page view sends one, so this is the busiest request the site answers. It is a middleware at
/// the head of the pipeline rather than an endpoint: no routing, output cache, static files, status
/// pages or authentication run for it, the body is parsed from the request buffer without a string,
/// and an accepted view allocates nothing (see <see cref="DiscoveryCounters.CountView"/>).
/// </para>
/// </summary>
internal sealed class ViewBeacon(RequestDelegate next, DiscoveryCounters counters, ViewTokens tokens, ViewGuard guard, DiscoveryOptions options)
{
    private const int MaxBody = ViewTokens.MaxLength + 8;
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

    /// <summary>Checks the whole body as a view token and counts it; false when the body is not a token of this site.</summary>
    private bool Accept(HttpContext context, ReadResult result)
    {
        var buffer = result.Buffer;
        var check = ViewTokenCheck.Invalid;
        var id = 0;
        if (buffer.Length <= MaxBody)
        {
            Span<byte> bytes = stackalloc byte[MaxBody];
            buffer.CopyTo(bytes);
            check = tokens.Check(bytes[..(int)buffer.Length].Trim(" \t\r\n"u8), out id);
        }
        context.Request.BodyReader.AdvanceTo(buffer.End);
        if (check == ViewTokenCheck.Invalid)
        {
            return false;
        }
        var headers = context.Request.Headers;
        if (check == ViewTokenCheck.Valid && options.CountViews
            && !BotFilter.IsBot(headers.UserAgent.ToString(), headers["Sec-Purpose"].ToString(), headers["Purpose"].ToString())
            && guard.Admit(context.Connection.RemoteIpAddress, id))
        {
            counters.CountView(id);
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return true;
    }

    private static Task InvalidAsync(HttpContext context) =>
        Results.Problem(statusCode: 400, title: "The body must be the view token of a page of this site.", extensions: new Dictionary<string, object?> { ["code"] = "view.invalid-token" })
            .ExecuteAsync(context);
}
