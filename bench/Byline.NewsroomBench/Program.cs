using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Byline.Content;
using Byline.Hosting;
using Byline.Newsroom;
using Byline.Newsroom.Stories;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Micro-benchmark of the newsroom's write and list paths against an existing database (see bench/newsroom.sh):
// saving a 3,000-word story (validation, rendering, revision, audit, one transaction) and the filtered story list.
var saves = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var services = new ServiceCollection();
services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore.Database.Command", Environment.GetEnvironmentVariable("BENCH_SQL") == "1" ? LogLevel.Information : LogLevel.Warning).AddSimpleConsole());
services.AddSingleton<IHostEnvironment>(new BenchEnvironment());
services.AddBylineCore(config);
services.AddPublishing(config);
await using var provider = services.BuildServiceProvider();

var editor = Actor.From(new ClaimsPrincipal(new ClaimsIdentity(
    [new Claim(ClaimTypes.Name, "bench"), new Claim(ClaimTypes.Role, Roles.Editor)], "bench")));

int sectionId;
int authorId;
await using (var scope = provider.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
    sectionId = await db.Sections.Where(s => s.ParentId != null).Select(s => s.Id).FirstAsync();
    authorId = await db.Authors.Select(a => a.Id).FirstAsync();
    Console.WriteLine($"database: {await db.Articles.CountAsync():N0} articles ({db.Provider})");
}

var body = ThreeThousandWords();
var input = new StoryInput
{
    Headline = "Benchmark story " + Guid.NewGuid().ToString("N")[..8],
    Standfirst = "A standfirst of one sentence.",
    BodyMarkdown = body,
    SectionId = sectionId,
    Tags = ["Benchmarks", "Newsroom"],
    AuthorIds = [authorId],
};
int id;
int version;
await using (var scope = provider.CreateAsyncScope())
{
    var created = await scope.ServiceProvider.GetRequiredService<PublishingService>().CreateAsync(input, editor, CancellationToken.None);
    (id, version) = (created.ArticleId, created.Version);
}
Console.WriteLine($"story {id}: {BodyDocument.CountWords(body):N0} words, {body.Length:N0} characters");

var renderTimes = new List<double>();
for (var i = 0; i < 30; i++)
{
    var clock = Stopwatch.StartNew();
    BodyDocument.Serialize(BodyDocument.Render(body));
    clock.Stop();
    if (i >= 5)
    {
        renderTimes.Add(clock.Elapsed.TotalMilliseconds);
    }
}
Report("render body only (Markdig + sanitizer)", renderTimes);

var times = new List<double>();
for (var i = 0; i < saves + 10; i++)
{
    // Each save changes a word, as an editor's save would.
    var edited = input with { BodyMarkdown = body.Replace("Paragraph 7 ", $"Paragraph 7 (take {i}) ", StringComparison.Ordinal) };
    await using var scope = provider.CreateAsyncScope();
    var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
    var clock = Stopwatch.StartNew();
    var result = await publishing.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, edited), editor, CancellationToken.None);
    clock.Stop();
    if (!result.Succeeded)
    {
        throw new InvalidOperationException($"save {i} failed: {result.Outcome}");
    }
    version = result.Version;
    if (i >= 10)
    {
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
}
Report("save 3,000-word story + revision", times);

var filters = new (string Name, StoryFilter Filter, int Page)[]
{
    ("list: all statuses, page 1", new StoryFilter(), 1),
    ("list: published, page 1", new StoryFilter(Status: ArticleStatus.Published), 1),
    ("list: published, page 50", new StoryFilter(Status: ArticleStatus.Published), 50),
    ("list: published + section", new StoryFilter(Status: ArticleStatus.Published, SectionId: sectionId), 1),
    ("list: all + author", new StoryFilter(AuthorId: authorId), 1),
    ("list: all + headline search", new StoryFilter(Headline: "minister"), 1),
    ("list: drafts + last 7 days", new StoryFilter(Status: ArticleStatus.Draft, FromUtc: DateTime.UtcNow.AddDays(-7)), 1),
};
foreach (var (name, filter, page) in filters)
{
    var listTimes = new List<double>();
    for (var i = 0; i < 60; i++)
    {
        await using var scope = provider.CreateAsyncScope();
        var list = scope.ServiceProvider.GetRequiredService<StoryListQuery>();
        var clock = Stopwatch.StartNew();
        var (rows, _) = await list.FindAsync(filter, page, 30, CancellationToken.None);
        clock.Stop();
        if (i >= 10)
        {
            listTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
        if (i == 0 && rows.Count == 0)
        {
            Console.WriteLine($"  ({name}: no rows)");
        }
    }
    Report(name, listTimes);
}
return 0;

static void Report(string name, List<double> ms)
{
    ms.Sort();
    var median = ms[ms.Count / 2];
    var p95 = ms[(int)Math.Min(ms.Count - 1, Math.Ceiling(ms.Count * 0.95) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} n={ms.Count,4}  median {median,7:0.00} ms  p95 {p95,7:0.00} ms"));
}

static string ThreeThousandWords()
{
    var words = "the council voted on tuesday to widen the river path after residents said flooding had cut them off for weeks each winter and the plan".Split(' ');
    var sb = new StringBuilder();
    var count = 0;
    var paragraph = 0;
    while (count < 3000)
    {
        paragraph++;
        sb.Append("Paragraph ").Append(paragraph).Append(' ');
        count += 2;
        for (var i = 0; i < 60 && count < 3000; i++, count++)
        {
            sb.Append(words[(i + paragraph) % words.Length]).Append(i % 12 == 11 ? ". " : " ");
        }
        sb.Append("\n\n");
        if (paragraph % 8 == 0)
        {
            sb.Append("## Section ").Append(paragraph / 8).Append("\n\n");
        }
    }
    return sb.ToString();
}

internal sealed class BenchEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Production";
    public string ApplicationName { get; set; } = "Byline.NewsroomBench";
    public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();
    public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
}
