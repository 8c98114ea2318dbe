using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.WebUtilities;

namespace Byline.Hosting;

/// <summary>
/// The request shapes that used to reach page code and end in a 500 — a method no page handles, a Host
/// header that cannot become a URL — are refused here with a 4xx, once for every route (docs/security.md).
/// </summary>
public static class HostileInput
{
    /// <summary>The methods some endpoint of the application could answer; anything else (TRACE, TRACK, CONNECT, PROPFIND…) is 405 before routing.</summary>
    internal static readonly string[] KnownMethods =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options];

    public static IServiceCollection AddHostileInputGuards(this IServiceCollection services)
    {
        // A Razor page runs its view even when no handler matches the method (TRACE on "/{section}", POST to a
        // GET-only page, "?handler=nosuch"), without the data its handler would have loaded: that was a 500.
        services.Configure<MvcOptions>(o => o.Filters.Add(new PageHandlerRequired()));
        return services;
    }

    /// <summary>
    /// The exception handler's options: a <see cref="BadHttpRequestException"/> (a query value that does not bind, a body
    /// too large or cut short) is the client's error and keeps its 4xx; anything else is a 500.
    /// </summary>
    public static ExceptionHandlerOptions ErrorHandling(string path) => new()
    {
        ExceptionHandlingPath = path,
        StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
    };

    /// <summary>First in the pipeline: before anything reads the Host (cache keys, absolute links) or the method.</summary>
    public static IApplicationBuilder UseHostileInputGuards(this IApplicationBuilder app) => app.UseMiddleware<HostileInputGuard>();

    /// <summary>Writes a small ProblemDetails with a stable <c>code</c>; never cached.</summary>
    internal static async Task RefuseAsync(HttpContext context, int status, string code, string detail)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        var problem = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail };
        problem.Extensions["code"] = code;
        var writer = context.RequestServices.GetService<IProblemDetailsService>();
        if (writer is null || !await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(code, context.RequestAborted);
        }
    }
}

/// <summary>Refuses unknown methods (405) and Host headers that are not a host name, IP address and optional port (400).</summary>
internal sealed class HostileInputGuard(RequestDelegate next)
{
    private static readonly string Allow = string.Join(", ", HostileInput.KnownMethods);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsKnownMethod(request.Method))
        {
            context.Response.Headers.Allow = Allow;
            return HostileInput.RefuseAsync(context, StatusCodes.Status405MethodNotAllowed, "method-not-allowed",
                $"This site does not answer {Truncate(request.Method)} requests.");
        }
        if (!HostHeader.IsValid(request.Headers.Host.ToString()))
        {
            return HostileInput.RefuseAsync(context, StatusCodes.Status400BadRequest, "invalid-host",
                "The Host header must be a host name or IP address with an optional port from 1 to 65535.");
        }
        return next(context);
    }

    private static bool IsKnownMethod(string method)
    {
        foreach (var known in HostileInput.KnownMethods)
        {
            // Kestrel hands out the interned constants for the common methods, so this is usually a reference check.
            if (ReferenceEquals(method, known) || string.Equals(method, known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static string Truncate(string value) => value.Length <= 20 ? value : value[..20];
}

/// <summary>
/// The Host header grammar Byline accepts (RFC 3986 host and port, with DNS label rules): what every absolute
/// URL, cache key and feed id is built from. Punycode labels must decode, because <see cref="HostString.Value"/>
/// decodes them and throws otherwise.
/// </summary>
internal static class HostHeader
{
    private const int MaxLength = 255;
    private const int MaxLabel = 63;

    /// <summary>Nearly every request carries the same Host; the last valid one is remembered so the check is one comparison.</summary>
    private static volatile string? s_lastValid;

    public static bool IsValid(string value)
    {
        if (ReferenceEquals(value, s_lastValid) || string.Equals(value, s_lastValid, StringComparison.Ordinal))
        {
            return true;
        }
        if (!IsWellFormed(value))
        {
            return false;
        }
        s_lastValid = value;
        return true;
    }

    private static bool IsWellFormed(string value)
    {
        if (value.Length is 0 or > MaxLength)
        {
            return false;
        }
        var span = value.AsSpan();
        ReadOnlySpan<char> port;
        if (span[0] == '[')
        {
            var close = span.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(span[1..close], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            var rest = span[(close + 1)..];
            if (rest.IsEmpty)
            {
                return true;
            }
            if (rest[0] != ':')
            {
                return false;
            }
            port = rest[1..];
        }
        else
        {
            var colon = span.IndexOf(':');
            var name = colon < 0 ? span : span[..colon];
            if (!IsDnsName(name))
            {
                return false;
            }
            if (colon < 0)
            {
                return !name.Contains("xn--", StringComparison.OrdinalIgnoreCase) || DecodesAsIdn(value);
            }
            port = span[(colon + 1)..];
            if (name.Contains("xn--", StringComparison.OrdinalIgnoreCase) && !DecodesAsIdn(name.ToString()))
            {
                return false;
            }
        }
        return port.Length is >= 1 and <= 5
            && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number is >= 1 and <= 65535;
    }

    /// <summary>Dot-separated labels of 1–63 letters, digits, hyphens (not at either end) or underscores; one trailing dot allowed.</summary>
    private static bool IsDnsName(ReadOnlySpan<char> name)
    {
        if (name.EndsWith("."))
        {
            name = name[..^1];
        }
        if (name.IsEmpty)
        {
            return false;
        }
        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.Length is 0 or > MaxLabel || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static bool DecodesAsIdn(string host)
    {
        try
        {
            _ = new HostString(host).Value;
            return true;
        }
        catch (ArgumentException)
        {
            // "xn--", "xn--zz": not valid Punycode, so the request has no usable host.
            return false;
        }
    }
}

/// <summary>
/// A page request that selected no handler: 405 (with Allow) when the page has no handler for the method;
/// 404 when its handlers for the method are all named and the request named none of them (a POST to the
/// tags page without <c>?handler=Save</c>; an unknown name falls back to the unnamed handler when there is one).
/// A page without any handler still renders for GET and HEAD. Error re-execution keeps the original method,
/// so the error page has a handler for each method the guard lets through.
/// </summary>
internal sealed class PageHandlerRequired : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HandlerMethod is not null)
        {
            return next();
        }
        var method = context.HttpContext.Request.Method;
        var handlers = context.ActionDescriptor.HandlerMethods;
        // Razor also lists an overridden OnPageHandlerExecutionAsync as a handler of the method "Page": only real methods count.
        var methods = handlers.Select(h => h.HttpMethod)
            .Where(m => HostileInput.KnownMethods.Contains(m, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (methods.Count == 0)
        {
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            {
                // A page with no handler at all is markup only: it renders for GET as Razor intends.
                return next();
            }
            methods.Add(HttpMethods.Get);
        }
        if (methods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase) && !methods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
        {
            methods.Add(HttpMethods.Head);
        }
        if (methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            context.Result = new NotFoundResult();
            return Task.CompletedTask;
        }
        context.HttpContext.Response.Headers.Allow = string.Join(", ", methods.Select(m => m.ToUpperInvariant()));
        context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
        return Task.CompletedTask;
    }
}
