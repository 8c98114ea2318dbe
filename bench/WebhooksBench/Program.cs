using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Byline.Content;
using Byline.Hosting;
using Byline.Publishing;
using Byline.Storage;
using Byline.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

// Webhooks under load, Byline hosted in this process on its real pipeline, and a receiver (Kestrel on
// loopback) in the same process:
//   latency N    — one subscription; N stories published one after another; for each, the time from the
//                  write path returning (the commit) to the receiver having the delivery. Reference in the
//                  same run: the same signed body POSTed by this process straight to the receiver, N times.
//   noloss S E   — S subscriptions, E stories published by 4 writers; waits until the receiver holds S × E
//                  distinct webhook-ids and reports the count, duplicates and the delivery rate. Reference:
//                  S × E direct POSTs to the same receiver at the sender's concurrency (32).
//
//   dotnet run -c Release --project bench/WebhooksBench -- <sqlite file | postgres connection string> latency 200
//   dotnet run -c Release --project bench/WebhooksBench -- <sqlite file | postgres connection string> noloss 1000 100
if (args.Length < 3)
{
    await Console.Error.WriteLineAsync("usage: WebhooksBench <sqlite file | postgres connection string> latency <n> | noloss <subscriptions> <events>");
    return 2;
}
var database = args[0];
var mode = args[1];
var n = int.Parse(args[2], CultureInfo.InvariantCulture);
var events = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
var postgres = database.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

// The receiver: records the arrival time of each webhook-id.
var arrivals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
var received = 0;
var receiverBuilder = WebApplication.CreateSlimBuilder();
receiverBuilder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
receiverBuilder.Logging.ClearProviders();
await using var receiver = receiverBuilder.Build();
receiver.Run(async context =>
{
    using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
    await reader.ReadToEndAsync();
    arrivals.TryAdd(context.Request.Headers["webhook-id"].ToString(), Stopwatch.GetTimestamp());
    Interlocked.Increment(ref received);
    context.Response.StatusCode = 204;
});
await receiver.StartAsync();
var receiverUrl = receiver.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Byline", ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Byline:Database:Provider"] = postgres ? "Postgres" : "Sqlite",
    ["ConnectionStrings:Byline"] = postgres ? database : $"Data Source={database}",
    ["Byline:DemoContent"] = "false",
    ["Byline:Webhooks:AllowedHosts:0"] = "127.0.0.1",
    ["Logging:LogLevel:Default"] = "Warning",
});
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.AddByline();
await using var app = builder.Build();
app.UseByline();
await app.StartAsync();
await app.Services.GetRequiredService<Readiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(5));

var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench")], "bench"));
var editor = new Actor(null, "bench", true, admin);
int sectionId;
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    var section = new Section { Slug = "bench-" + Guid.NewGuid().ToString("N")[..8], Name = "Bench" };
    db.Sections.Add(section);
    await db.SaveChangesAsync();
    sectionId = section.Id;
}

async Task SubscribeAsync(int count)
{
    await using var scope = app.Services.CreateAsyncScope();
    var subscriptions = scope.ServiceProvider.GetRequiredService<WebhookSubscriptions>();
    for (var i = 0; i < count; i++)
    {
        var input = new SubscriptionInput($"bench {i}", $"{receiverUrl}/hook/{i}", [WebhookEventTypes.StoryPublished]);
        var check = await subscriptions.CheckAsync(input, CancellationToken.None);
        await subscriptions.CreateAsync(input, check.Target!, admin, "", CancellationToken.None);
    }
}

async Task<int> PublishAsync()
{
    await using var scope = app.Services.CreateAsyncScope();
    var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
    var created = await publishing.CreateAsync(new StoryInput
    {
        Headline = "Bench story " + Guid.NewGuid().ToString("N")[..10],
        Standfirst = "One sentence that sums it up.",
        BodyMarkdown = "First paragraph.\n\nSecond paragraph.",
        SectionId = sectionId,
    }, editor, CancellationToken.None);
    var published = await publishing.ApplyAsync(created.ArticleId, new StoryCommand(StoryAction.Publish, created.Version), editor, CancellationToken.None);
    if (published.Outcome != PublishOutcome.Ok)
    {
        throw new InvalidOperationException($"publish failed: {published.Outcome}");
    }
    return created.ArticleId;
}

static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

static string Percentiles(List<double> values)
{
    values.Sort();
    double At(double p) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):0.0} ms, p95 {At(0.95):0.0} ms, max {values[^1]:0.0} ms (n={values.Count})");
}

var db0 = postgres ? "postgres" : "sqlite";
using var direct = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
async Task DirectPostAsync(int i)
{
    var body = "{\"type\":\"story.published\",\"data\":{}}";
    var id = "direct_" + i.ToString(CultureInfo.InvariantCulture);
    var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    using var request = new HttpRequestMessage(HttpMethod.Post, $"{receiverUrl}/direct") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    request.Headers.Add("webhook-id", id);
    request.Headers.Add("webhook-timestamp", ts.ToString(CultureInfo.InvariantCulture));
    request.Headers.Add("webhook-signature", WebhookSigning.Sign(WebhookSigning.NewSecret(), id, ts, body));
    using var response = await direct.SendAsync(request);
    response.EnsureSuccessStatusCode();
}

if (mode == "latency")
{
    await SubscribeAsync(1);
    var latencies = new List<double>();
    for (var i = 0; i < n; i++)
    {
        var before = arrivals.Count;
        await PublishAsync();
        var committed = Stopwatch.GetTimestamp();
        var deadline = Stopwatch.StartNew();
        while (arrivals.Count == before)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                await Console.Error.WriteLineAsync("a delivery did not arrive within 30 s");
                return 1;
            }
            await Task.Delay(1);
        }
        latencies.Add(Ms(committed, arrivals.Values.Max()));
    }
    var reference = new List<double>();
    for (var i = 0; i < n; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await DirectPostAsync(i);
        reference.Add(Ms(start, Stopwatch.GetTimestamp()));
    }
    Console.WriteLine($"{db0} latency, commit → receiver: {Percentiles(latencies)}");
    Console.WriteLine($"{db0} reference, direct signed POST round trip: {Percentiles(reference)}");
}
else if (mode == "noloss")
{
    await SubscribeAsync(n);
    var expected = n * events;
    var clock = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) < events)
        {
            await PublishAsync();
        }
    })));
    var published = clock.Elapsed;
    while (arrivals.Count < expected && clock.Elapsed < TimeSpan.FromMinutes(20))
    {
        await Task.Delay(100);
    }
    var total = clock.Elapsed;
    var got = arrivals.Count;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{db0} noloss: {n} subscriptions × {events} events = {expected:N0} expected; {got:N0} distinct webhook-ids, {received - got:N0} duplicates; published in {published.TotalSeconds:0.0} s, all delivered after {total.TotalSeconds:0.0} s = {got / total.TotalSeconds:N0} deliveries/s"));
    arrivals.Clear();
    received = 0;
    var refClock = Stopwatch.StartNew();
    var k = -1;
    await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref k)) < expected)
        {
            await DirectPostAsync(i);
        }
    })));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{db0} reference: {expected:N0} direct signed POSTs at c32 in {refClock.Elapsed.TotalSeconds:0.0} s = {expected / refClock.Elapsed.TotalSeconds:N0}/s"));
    if (got != expected)
    {
        return 1;
    }
}
return 0;
