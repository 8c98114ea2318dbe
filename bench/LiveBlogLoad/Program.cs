using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

// Live-blog fan-out: opens N server-sent-event streams of one live blog on loopback, posts updates
// through the newsroom desk (as an editor would, signed in through the form), and records for every
// stream how long after the post was sent the update arrived. Prints the median, p99 and max per
// update and overall, and the server's resident memory while it holds the streams.
//
// dotnet run -c Release --project bench/LiveBlogLoad -- <baseUrl> <articleId> <email> <password> [connections=2000] [updates=5] [serverPid] [streamBaseUrl relayPid]
// With a stream base (a `byline live-relay`), the readers connect there instead of to the site, and the relay's memory is reported too.
var inv = CultureInfo.InvariantCulture;
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: LiveBlogLoad <baseUrl> <articleId> <email> <password> [connections] [updates] [serverPid] [streamBaseUrl relayPid]");
    return 2;
}
var baseUrl = new Uri(args[0]);
var articleId = int.Parse(args[1], inv);
var email = args[2];
var password = args[3];
var connections = args.Length > 4 ? int.Parse(args[4], inv) : 2000;
var updates = args.Length > 5 ? int.Parse(args[5], inv) : 5;
int? serverPid = args.Length > 6 ? int.Parse(args[6], inv) : null;
var streamBase = args.Length > 7 ? new Uri(args[7]) : baseUrl;
int? relayPid = args.Length > 8 ? int.Parse(args[8], inv) : null;

// --- the editor: sign in, read the desk's antiforgery token -------------------------------------
var cookies = new CookieContainer();
using var editor = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
var signInPage = await editor.GetStringAsync(new Uri("/newsroom/signin", UriKind.Relative));
using (var signInForm = new FormUrlEncodedContent(new Dictionary<string, string>
{
    ["Email"] = email,
    ["Password"] = password,
    ["__RequestVerificationToken"] = Token(signInPage),
}))
using (var signIn = await editor.PostAsync(new Uri("/newsroom/signin", UriKind.Relative), signInForm))
{
    if (signIn.StatusCode != HttpStatusCode.Redirect)
    {
        Console.Error.WriteLine($"sign-in failed: {(int)signIn.StatusCode}");
        return 1;
    }
}
var deskPath = $"/newsroom/stories/{articleId.ToString(inv)}/live";
var deskPage = await editor.GetStringAsync(new Uri(deskPath, UriKind.Relative));
var deskToken = Token(deskPage);
// Readers connect as the page's script does: with the event id the (possibly cached) page carries.
var publicPath = PublicLink().Match(deskPage) is { Success: true } link ? link.Groups[1].Value : throw new InvalidOperationException("the live blog is not published");
using var anonymous = new HttpClient { BaseAddress = baseUrl };
var articlePage = await anonymous.GetStringAsync(new Uri(publicPath, UriKind.Relative));
var cursor = Cursor().Match(articlePage) is { Success: true } c ? c.Groups[1].Value : throw new InvalidOperationException("the page has no stream cursor (ended?)");

// --- the readers ------------------------------------------------------------------------------
using var readers = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    ConnectTimeout = TimeSpan.FromSeconds(30),
})
{ BaseAddress = streamBase, Timeout = Timeout.InfiniteTimeSpan };
using var stop = new CancellationTokenSource();
var arrivals = new long[connections][];
for (var i = 0; i < connections; i++)
{
    arrivals[i] = new long[updates];
}
var ready = 0;
var failed = 0;
var streamPath = $"/live-updates/{articleId.ToString(inv)}?cursor={Uri.EscapeDataString(cursor)}";
var connectWatch = Stopwatch.StartNew();
var tasks = new Task[connections];
for (var i = 0; i < connections; i++)
{
    var slot = i;
    tasks[i] = Task.Run(() => ReadAsync(slot));
}
var connectDeadline = Stopwatch.StartNew();
while (Volatile.Read(ref ready) + Volatile.Read(ref failed) < connections && connectDeadline.Elapsed < TimeSpan.FromSeconds(120))
{
    await Task.Delay(100);
}
Console.WriteLine($"streams open: {ready} of {connections} ({failed} failed) in {connectWatch.Elapsed.TotalSeconds:0.0} s");
var rssHeld = Rss(serverPid);
Console.WriteLine($"server RSS holding the streams: {Mb(rssHeld)}");
var relayHeld = Rss(relayPid);
if (relayPid is not null)
{
    Console.WriteLine($"relay RSS holding the streams: {Mb(relayHeld)}");
}

// --- one unmeasured update first: the post path's first run (JIT, EF query compilation) is not the fan-out ----
await PostAsync("Warm-up", "warm-up-" + Guid.NewGuid().ToString("N"));
await Task.Delay(2000);

// --- post updates and time their arrival ------------------------------------------------------
var sent = new long[updates];
var all = new List<double>();
var rssPeak = rssHeld;
var relayPeak = relayHeld;
for (var u = 0; u < updates; u++)
{
    var marker = $"bench-{u.ToString(inv)}-{Guid.NewGuid():N}";
    Markers[u] = marker;
    sent[u] = Stopwatch.GetTimestamp();
    await PostAsync($"Bench update {u + 1}", marker);
    var wait = Stopwatch.StartNew();
    while (CountArrived(u) < ready && wait.Elapsed < TimeSpan.FromSeconds(30))
    {
        await Task.Delay(20);
    }
    rssPeak = Math.Max(rssPeak, Rss(serverPid));
    relayPeak = Math.Max(relayPeak, Rss(relayPid));
    var delays = arrivals.Select(a => a[u]).Where(t => t > 0).Select(t => Stopwatch.GetElapsedTime(sent[u], t).TotalMilliseconds).Order().ToList();
    all.AddRange(delays);
    Console.WriteLine($"update {u + 1}: arrived on {delays.Count}/{ready} streams; median {Pct(delays, 50):0.0} ms, p99 {Pct(delays, 99):0.0} ms, max {delays.LastOrDefault():0.0} ms");
    // Let the machine settle between updates, so each is measured on its own.
    await Task.Delay(1000);
}
all.Sort();
Console.WriteLine($"ALL {updates} updates x {ready} streams: median {Pct(all, 50):0.0} ms, p99 {Pct(all, 99):0.0} ms, max {all.LastOrDefault():0.0} ms, arrivals {all.Count}");
Console.WriteLine($"server RSS: {Mb(rssHeld)} holding the streams, peak {Mb(rssPeak)} while updates went out");
if (relayPid is not null)
{
    Console.WriteLine($"relay RSS: {Mb(relayHeld)} holding the streams, peak {Mb(relayPeak)} while updates went out");
}
await stop.CancelAsync();
try
{
    await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
}
catch (Exception e) when (e is OperationCanceledException or TimeoutException or HttpRequestException or IOException)
{
    // Streams torn down at the end.
}
return 0;

async Task PostAsync(string headline, string marker)
{
    using var content = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["ComposeHeadline"] = headline,
        ["ComposeBody"] = $"Measured update {marker}: the level at the gauge is steady.",
        ["__RequestVerificationToken"] = deskToken,
    });
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(deskPath + "?handler=Post", UriKind.Relative)) { Content = content };
    request.Headers.Add("X-Live-Desk", "1");
    using var response = await editor.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"posting '{headline}' answered {(int)response.StatusCode}");
    }
}

async Task ReadAsync(int slot)
{
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(streamPath, UriKind.Relative));
        request.Headers.Add("Accept", "text/event-stream");
        using var response = await readers.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref failed);
            return;
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        var counted = false;
        while (await reader.ReadLineAsync(stop.Token) is { } line)
        {
            if (!counted && line.StartsWith("retry:", StringComparison.Ordinal))
            {
                // The first line means the stream is registered and flowing.
                counted = true;
                Interlocked.Increment(ref ready);
                continue;
            }
            if (!line.StartsWith("data: {\"type\":\"update\"", StringComparison.Ordinal))
            {
                continue;
            }
            for (var u = 0; u < Markers.Length; u++)
            {
                if (Markers[u] is { } m && arrivals[slot][u] == 0 && line.Contains(m, StringComparison.Ordinal))
                {
                    arrivals[slot][u] = Stopwatch.GetTimestamp();
                }
            }
        }
    }
    catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
    {
        if (!stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref failed);
        }
    }
}

int CountArrived(int u) => arrivals.Count(a => a[u] > 0);

static double Pct(List<double> sorted, int p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

static string Token(string html) => TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");

static long Rss(int? pid)
{
    if (pid is null)
    {
        return 0;
    }
    foreach (var line in File.ReadLines($"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }
    return 0;
}

static string Mb(long bytes) => bytes == 0 ? "n/a" : (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

internal static partial class Program
{
    /// <summary>The marker text of each update, set just before it is posted; readers match arrivals by it.</summary>
    public static readonly string?[] Markers = new string?[1000];

    [GeneratedRegex("class=\"public-link\" href=\"([^\"]+)\"")]
    public static partial Regex PublicLink();

    [GeneratedRegex("data-live-cursor=\"([^\"]+)\"")]
    public static partial Regex Cursor();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
