using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AngleSharp.Html.Dom;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Security;

/// <summary>A route the app maps, with its parameters filled with real values, and the methods its endpoints declare.</summary>
public sealed record MappedRoute(string Pattern, string Path, IReadOnlyList<string> ParameterNames, Func<string, string> WithParameter)
{
    public bool IsNewsroom => Pattern == "newsroom" || Pattern.StartsWith("newsroom/", StringComparison.Ordinal);

    /// <summary>Sign-out ends the session the rest of the corpus needs: its requests go last.</summary>
    public bool EndsSession => Pattern.Contains("signout", StringComparison.Ordinal);
}

/// <summary>One request of the corpus. <see cref="Raw"/> requests go byte for byte on a socket; the others through the identity's client.</summary>
public sealed record Probe(string Who, string Method, string Target, string Kind)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public Func<HttpContent>? Body { get; init; }
#pragma warning disable CA1819 // the bytes sent as they are on the socket
    public byte[]? Raw { get; init; }
#pragma warning restore CA1819
    public bool Last { get; init; }

    public override string ToString() => $"{Who} {Kind}: {Method} {(Target.Length > 160 ? Target[..160] + "…" : Target)}";
}

/// <summary>
/// The hostile-input corpus of docs/security.md: every route the app maps (read from its
/// <see cref="EndpointDataSource"/>, so a new route is covered without touching this file), as anonymous and,
/// under /newsroom, as contributor, editor and admin, with hostile methods, paths, query strings, headers,
/// request lines and form bodies (with and without antiforgery). The only assertion: no answer is a 5xx
/// and every answer arrives whole.
/// </summary>
public static class HostileCorpus
{
    public static readonly string LongHost = new('a', 5000);

    /// <summary>Replacements for one path segment (already escaped for a URL).</summary>
    public static readonly string[] Segments =
    [
        "%00", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%C0%AF", "%FF%FE", "%F0%9F%98%80", "%E2%80%AE",
        "'%20OR%20'1'%3D'1", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "-1", "99999999999999999999", "0x1F",
        new string('a', 2000), "%252e%252e%252f", "a%20b", "CON", "1e9", "%ZZ",
    ];

    /// <summary>Query strings for GET, each on its own.</summary>
    public static readonly string[] Queries =
    [
        "page=-1", "page=99999999999999999999", "page=abc", "page=1&page=2", "days=-2147483649",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "q='%20OR%201%3D1--", "q=a*%20e*%20i*%20o*%20s*%20t*", "q=%22%22%22%28%29%5E%3A-*",
        "q=" + new string('x', 3000), "handler=nosuch", "handler=Delete", "returnUrl=%2F%C3%A9", "returnUrl=%2F%2Fevil.example",
        "id=%00", "slug=..%2F..%2Fetc%2Fpasswd", "token=1.not-a-token", "%ZZ=%ZZ", "a[]=1&a[x]=2", "format=%FF", "v=%0D%0AX:1",
    ];

    /// <summary>Header values that parsers meet rarely; sent one at a time.</summary>
    public static readonly (string Name, string Value)[] HostileHeaders =
    [
        ("Accept", "text/html;q=NaN, */*;q=-1"), ("Accept-Encoding", "br;q=garbage, gzip;q=2, *;q=0"),
        ("Accept-Language", "%%%-ZZ;q=x"), ("Cookie", "byline.auth=garbage; .AspNetCore.Antiforgery.x=%%%"),
        ("Cookie", "byline.auth=" + new string('A', 3000)), ("If-None-Match", "\"garbage\", W/\"x\", *"),
        ("If-Modified-Since", "Mon, 99 Foo 99999 99:99:99 GMT"), ("If-Modified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("Range", "bytes=99999999999999999999-"), ("Range", "bytes=5-1, -0, garbage"), ("Referer", "javascript:alert(1)"),
        ("User-Agent", new string('U', 4000)), ("X-Forwarded-For", "not-an-ip, 999.999.999.999, ::zz"), ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "gopher"), ("Content-Type", "application/x-www-form-urlencoded; charset=x-garbage"),
    ];

    /// <summary>Values put into one form field at a time.</summary>
    public static readonly string[] FieldValues =
    [
        "", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "'; DROP TABLE \"Articles\"; --",
        "../../../../etc/passwd", "\0", "-1", "99999999999999999999", "1e308", "NaN", "2026-13-45T99:99", "javascript:alert(1)",
        "http://169.254.169.254/latest/meta-data/", "%00%ZZ", "é漢字😀\u202E", "{\"a\":", "[]", "\ud800", new string('x', 70_000),
    ];

    /// <summary>CONNECT goes raw: HttpClient will only send it as a proxy tunnel.</summary>
    private static readonly string[] OddMethods = ["TRACE", "TRACK", "PROPFIND", "BREW", "OPTIONS", "PUT", "PATCH", "DELETE"];

    /// <summary>Every route the app maps except the error pages' own, with real values for the parameters it knows.</summary>
    public static IReadOnlyList<MappedRoute> Routes(BylineApp app, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(values);
        var routes = new Dictionary<string, MappedRoute>(StringComparer.Ordinal);
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            var raw = pattern.RawText?.TrimStart('/') ?? "";
            if (routes.ContainsKey(raw))
            {
                continue;
            }
            var names = pattern.Parameters.Select(p => p.Name).ToList();
            string Fill(string? hostileName, string hostile)
            {
                var path = new StringBuilder();
                foreach (var segment in pattern.PathSegments)
                {
                    path.Append('/');
                    foreach (var part in segment.Parts)
                    {
                        path.Append(part switch
                        {
                            RoutePatternLiteralPart literal => literal.Content,
                            RoutePatternSeparatorPart separator => separator.Content,
                            RoutePatternParameterPart parameter when parameter.Name == hostileName => hostile,
                            RoutePatternParameterPart parameter => ValueFor(raw, parameter.Name, values),
                            _ => "",
                        });
                    }
                }
                return path.Length == 0 ? "/" : path.ToString();
            }
            routes[raw] = new MappedRoute(raw, Fill(null, ""), names, h => names.Count == 0 ? Fill(null, "").TrimEnd('/') + "/" + h : Fill(names[^1], h));
        }
        return routes.Values.OrderBy(r => r.Pattern, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A real value for a parameter, looked up as "prefix:name" with the route's text before the parameter, then
    /// ever shorter prefixes ("newsroom/shows:id", "newsroom:id"), then ":name" and "name"; "1" when nothing is known.
    /// </summary>
    private static string ValueFor(string pattern, string name, IReadOnlyDictionary<string, string> values)
    {
        var at = pattern.IndexOf("{" + name, StringComparison.Ordinal);
        var prefix = (at < 0 ? "" : pattern[..at]).TrimEnd('/');
        while (true)
        {
            if (values.TryGetValue($"{prefix}:{name}", out var scoped))
            {
                return scoped;
            }
            if (prefix.Length == 0)
            {
                break;
            }
            var slash = prefix.LastIndexOf('/');
            prefix = slash < 0 ? "" : prefix[..slash];
        }
        return values.TryGetValue(name, out var plain) ? plain : "1";
    }

    /// <summary>The requests without a body and without a session-specific form, for one identity over some routes.</summary>
    /// <param name="share">Each route gets one in <paramref name="share"/> of each list, rotating from route to route so
    /// that every entry meets many routes while the corpus stays fast.</param>
    /// <param name="offset">Where the rotation starts: identities given offsets 0 … share-1 together send every entry to every route.</param>
    public static IEnumerable<Probe> Requests(string who, IEnumerable<MappedRoute> routes, int share, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var n = offset;
        foreach (var route in routes)
        {
            var last = route.EndsSession;
            var at = n++;
            bool Mine(int i) => (i + at) % share == 0;
            yield return new Probe(who, "GET", route.Path, "plain") { Last = last };
            yield return new Probe(who, "HEAD", route.Path, "plain") { Last = last };
            foreach (var method in OddMethods.Where((_, i) => Mine(i)))
            {
                yield return new Probe(who, method, route.Path, "method") { Last = last };
            }
            foreach (var query in Queries.Where((_, i) => Mine(i)))
            {
                yield return new Probe(who, "GET", $"{route.Path}?{query}", "query") { Last = last };
            }
            foreach (var segment in Segments.Where((_, i) => Mine(i)))
            {
                yield return new Probe(who, "GET", route.WithParameter(segment), "path") { Last = last };
            }
            foreach (var (name, value) in HostileHeaders.Where((_, i) => Mine(i)))
            {
                yield return new Probe(who, "GET", route.Path, "header " + name) { Headers = [new(name, value)], Last = last };
            }
            // Bodies that are not what a form sends, with no token: refused before any handler reads them.
            yield return new Probe(who, "POST", route.Path, "json body") { Body = () => new StringContent("{\"a\":", Encoding.UTF8, "application/json"), Last = last };
            yield return new Probe(who, "POST", route.Path, "bad form encoding") { Body = () => Form("a=%ZZ%&=&&b=%C0%AF&c"), Last = last };
            yield return new Probe(who, "POST", route.Path, "broken multipart")
            {
                Body = () => new StringContent("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", Encoding.UTF8, "multipart/form-data"),
                Last = last,
            };
        }
    }

    /// <summary>Request lines and Host headers that only a raw socket can send, over some routes.</summary>
    public static IEnumerable<Probe> RawRequests(string who, IEnumerable<MappedRoute> routes, string? cookie, int share)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var session = cookie is null ? Array.Empty<string>() : [$"Cookie: {cookie}"];
        var n = 0;
        foreach (var route in routes)
        {
            var at = n++;
            var path = route.Path;
            var last = route.EndsSession;
            var cases = new (string Kind, string Line, string[] Headers)[]
            {
                ("host xn--", $"GET {path} HTTP/1.1", ["Host: xn--"]),
                ("host a..b", $"GET {path} HTTP/1.1", ["Host: a..b"]),
                ("host empty", $"GET {path} HTTP/1.1", ["Host:"]),
                ("host long", $"GET {path} HTTP/1.1", [$"Host: {LongHost}"]),
                ("host port", $"GET {path} HTTP/1.1", ["Host: localhost:99999"]),
                ("host twice", $"GET {path} HTTP/1.1", ["Host: localhost", "Host: evil.example"]),
                ("http/1.0 no host", $"GET {path} HTTP/1.0", []),
                ("raw utf-8 path", $"GET {path}/caf\u00c3\u00a9 HTTP/1.1", ["Host: localhost"]),
                ("raw utf-8 query", $"GET {path}?q=\u00c3\u00a9\u00ff HTTP/1.1", ["Host: localhost"]),
                ("nul in path", $"GET {path}%00/\u0000 HTTP/1.1", ["Host: localhost"]),
                ("absolute form", $"GET http://evil.example{path} HTTP/1.1", ["Host: evil.example"]),
                ("dot segments", $"GET {path}/../../../../etc/passwd HTTP/1.1", ["Host: localhost"]),
                ("TRACE", $"TRACE {path} HTTP/1.1", ["Host: localhost", "Max-Forwards: 0"]),
                ("CONNECT", "CONNECT localhost:443 HTTP/1.1", ["Host: localhost:443"]),
            };
            foreach (var (kind, line, headers) in cases.Where((_, i) => (i + at) % share == 0))
            {
                yield return new Probe(who, line.Split(' ')[0], path, "raw " + kind) { Raw = RawHttp.Head(line, headers.Concat(session)), Last = last };
            }
        }
    }

    /// <summary>
    /// For each POST form on a page as one identity: the form as it is, each field hostile in turn, every field
    /// oversized, and the form without its antiforgery token and with a forged one.
    /// </summary>
    public static IEnumerable<Probe> FormPosts(string who, string pagePath, IHtmlDocument page, bool last)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(pagePath);
        var index = 0;
        foreach (var form in page.QuerySelectorAll("form").OfType<IHtmlFormElement>()
                     .Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase)))
        {
            var action = form.GetAttribute("action");
            var target = string.IsNullOrEmpty(action) ? pagePath : action;
            if (target.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var fields = FieldsOf(form);
            var token = fields.FirstOrDefault(f => f.Key == NewsroomClient.TokenField).Value;
            var names = fields.Select(f => f.Key).Where(k => k != NewsroomClient.TokenField).Distinct(StringComparer.Ordinal).ToList();
            yield return Post(who, target, "form as is", fields, last);
            for (var i = 0; i < names.Count; i++)
            {
                // Two hostile values per field, rotating through the list, so every value meets many fields.
                foreach (var value in new[] { FieldValues[(i + index) % FieldValues.Length], FieldValues[(i + index + 7) % FieldValues.Length] })
                {
                    var name = names[i];
                    yield return Post(who, target, $"field {name}", fields.Select(f => f.Key == name ? new KeyValuePair<string, string>(name, value) : f).ToList(), last);
                }
            }
            yield return Post(who, target, "every field oversized", fields.Select(f => f.Key == NewsroomClient.TokenField ? f : new(f.Key, new string('y', 20_000))).ToList(), last);
            yield return Post(who, target, "unknown fields", [.. fields, new("Id", "-1"), new("Status", "99"), new("Role", "Admin"), new("handler", "nosuch")], last);
            if (token is not null)
            {
                yield return Post(who, target, "no antiforgery token", fields.Where(f => f.Key != NewsroomClient.TokenField).ToList(), last);
                yield return Post(who, target, "forged antiforgery token", fields.Select(f => f.Key == NewsroomClient.TokenField ? new(f.Key, "CfDJ8" + new string('A', 100)) : f).ToList(), last);
            }
            index++;
        }
    }

    private static Probe Post(string who, string target, string kind, IReadOnlyList<KeyValuePair<string, string>> fields, bool last) =>
        new(who, "POST", target, "form " + kind) { Body = () => new FormUrlEncodedContent(fields), Last = last };

    private static List<KeyValuePair<string, string>> FieldsOf(IHtmlFormElement form)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && input.Type is not ("submit" or "button" or "file"):
                    if (input.Type is not ("checkbox" or "radio") || input.IsChecked)
                    {
                        fields.Add(new(input.Name!, input.Value));
                    }
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    fields.Add(new(area.Name!, area.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    fields.Add(new(select.Name!, select.Value ?? ""));
                    break;
                case IHtmlButtonElement button when !string.IsNullOrEmpty(button.Name) && fields.All(f => f.Key != button.Name):
                    fields.Add(new(button.Name!, button.Value));
                    break;
            }
        }
        return fields;
    }

    private static StringContent Form(string body) => new(body, Encoding.ASCII, "application/x-www-form-urlencoded");

    /// <summary>
    /// Sends every probe (a few at a time; the session-ending ones after the rest) and returns one line per
    /// answer that was a 5xx, never came, or broke off mid-body.
    /// </summary>
    public static async Task<List<string>> RunAsync(IReadOnlyList<Probe> probes, Func<string, HttpClient> clientOf, Uri server)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(clientOf);
        var failures = new ConcurrentBag<string>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 6 };
        foreach (var batch in new[] { probes.Where(p => !p.Last), probes.Where(p => p.Last) })
        {
            await Parallel.ForEachAsync(batch, options, async (probe, _) =>
            {
                if (await SendAsync(probe, clientOf, server) is { } failure)
                {
                    failures.Add(failure);
                }
            });
        }
        return [.. failures.Order(StringComparer.Ordinal)];
    }

    private static async Task<string?> SendAsync(Probe probe, Func<string, HttpClient> clientOf, Uri server)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (probe.Raw is { } raw)
            {
                var status = (await RawHttp.SendAsync(server, raw, deadline.Token)).Status;
                return status >= 500 ? $"{probe} answered {status}" : null;
            }
            using var request = new HttpRequestMessage(new HttpMethod(probe.Method), new Uri(probe.Target, UriKind.Relative));
            foreach (var (name, value) in probe.Headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            if (probe.Body is { } body)
            {
                request.Content = body();
            }
            using var response = await clientOf(probe.Who).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                // A live stream never ends; its status line is the answer.
                return (int)response.StatusCode >= 500 ? $"{probe} answered {(int)response.StatusCode}" : null;
            }
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            return (int)response.StatusCode >= 500
                ? $"{probe} answered {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}"
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException or UriFormatException)
        {
            return $"{probe} failed: {e.GetType().Name} {e.Message}";
        }
    }

    /// <summary>Whether a GET answered a page whose forms are worth posting.</summary>
    public static bool IsHtml(HttpResponseMessage response) =>
        response is not null && response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "text/html";
}
