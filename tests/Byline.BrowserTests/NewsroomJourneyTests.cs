using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>One Byline process (scheduler checking every second), Chromium, and a contributor and an editor account.</summary>
public sealed class NewsroomSite : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private BylineServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BylineServer Server => _server ?? throw new InvalidOperationException("not started");
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");
    public const string Password = "Browser-test-pass-1!";
    public string ContributorEmail { get; } = "contributor@newsroom.test";
    public string EditorEmail { get; } = "editor@newsroom.test";
    public string AdminEmail { get; } = "admin@newsroom.test";

    /// <summary>The three people every newsroom journey signs in as, added once to the seeded template.</summary>
    private static readonly BylineServer.Preparation People = new("newsroom people", async server =>
    {
        foreach (var role in new[] { "contributor", "editor", "admin" })
        {
            var (code, output) = await server.RunVerbAsync(Password, "user", "add", "--email", $"{role}@newsroom.test", "--role", role, "--name", role);
            Assert.True(code == 0, $"user add {role} failed: {output}");
        }
    });

    public async Task InitializeAsync()
    {
        if (!File.Exists(ReaderSite.ChromiumPath))
        {
            throw new InvalidOperationException($"{ReaderSite.ChromiumPath} is missing: install chromium: apt-get install -y chromium");
        }
        _server = await BylineServer.StartAsync(new Dictionary<string, string>
        {
            ["Byline__Publishing__CheckInterval"] = "00:00:01",
            // Link cards may read this site's own pages on the loopback address (as an admin would allow a host).
            ["Byline__LinkCards__AllowedHosts__0"] = "127.0.0.1",
        }, People);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ReaderSite.ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A page in a fresh context (its own cookies), signed in through the form.</summary>
    public async Task<IPage> SignedInAsync(string email)
    {
        var context = CspWatch.Watch(await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString() }));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/newsroom/signin");
        await page.Locator("form[data-form=signin] input[name=Email]").FillAsync(email);
        await page.Locator("form[data-form=signin] input[name=Password]").FillAsync(Password);
        await page.Locator("form[data-form=signin] [type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/newsroom/signin", StringComparison.Ordinal));
        return page;
    }
}

/// <summary>The story path of the newsroom in real Chromium: write, submit, publish, schedule, and a conflict.</summary>
public sealed partial class NewsroomJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [GeneratedRegex(@"^/newsroom/stories/(\d+)$")]
    private static partial Regex StoryPath();

    internal static async Task<int> NewStoryAsync(IPage page, string headline, string tag)
    {
        await page.GotoAsync("/newsroom/stories/new");
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        // The Markdown view of the block editor: the textarea the form posts.
        await page.Locator("[data-be-mode]").ClickAsync();
        await page.Locator("#story-body").FillAsync("The river rose overnight.\n\nResidents moved to higher ground as the **water** kept rising.");
        var section = page.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First;
        await page.Locator("select[name='Form.SectionId']").SelectOptionAsync(await section.GetAttributeAsync("value") ?? "");
        await page.Locator("input[name='Form.Tags']").FillAsync(tag);
        await Expect(page.Locator("#story-preview strong")).ToHaveTextAsync("water");
        await page.Locator("button.act-save").ClickAsync();
        await page.WaitForURLAsync(url => StoryPath().IsMatch(new Uri(url).AbsolutePath));
        return int.Parse(StoryPath().Match(new Uri(page.Url).AbsolutePath).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task AssertListedAsync(IPage reader, string path, string headline)
    {
        await reader.GotoAsync(path);
        await Expect(reader.Locator("main#main a.story-link", new PageLocatorOptions { HasText = headline }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_contributor_writes_with_a_lead_image_and_submits_and_an_editor_publishes_it_to_home_section_and_tag()
    {
        var contributor = await site.SignedInAsync(site.ContributorEmail);
        // A picture to upload: any rendition the demo publication serves.
        await contributor.GotoAsync("/");
        var src = await contributor.Locator("main#main img[src^='/media/']").First.GetAttributeAsync("src");
        var bytes = await (await contributor.APIRequest.GetAsync(src!)).BodyAsync();
        await contributor.GotoAsync("/newsroom/media");
        await contributor.Locator("#upload").SetInputFilesAsync(new FilePayload { Name = "river.jpg", MimeType = "image/jpeg", Buffer = bytes });
        var alt = "Flooded river bank " + Guid.NewGuid().ToString("N")[..6];
        await contributor.Locator("#alt").FillAsync(alt);
        await contributor.Locator("#credit").FillAsync("Browser Agency");
        await contributor.Locator("form.upload-form button[type=submit]").ClickAsync();
        var uploaded = contributor.Locator(".upload-ok");
        await Expect(uploaded).ToBeVisibleAsync();
        var imageId = await uploaded.GetAttributeAsync("data-image-id");

        var headline = "River rises in the valley " + Guid.NewGuid().ToString("N")[..6];
        var tag = "Valley floods " + Guid.NewGuid().ToString("N")[..6];
        var id = await NewStoryAsync(contributor, headline, tag);
        await contributor.Locator("button.pick-lead").ClickAsync();
        await contributor.Locator($"#media-search").FillAsync(alt);
        await Expect(contributor.Locator("#media-results")).ToHaveAttributeAsync("data-query", alt);
        await contributor.Locator($".media-choice[data-image-id='{imageId}']").ClickAsync();
        await Expect(contributor.Locator("input[name='Form.LeadImageAlt']")).ToHaveValueAsync(alt);
        await contributor.Locator("button.act-submit").ClickAsync();
        await Expect(contributor.Locator(".story-status .status")).ToHaveTextAsync("in review");
        await Expect(contributor.Locator("button.act-publish")).ToHaveCountAsync(0);

        var editor = await site.SignedInAsync(site.EditorEmail);
        await editor.GotoAsync($"/newsroom/stories/{id}");
        await editor.Locator("button.act-publish").ClickAsync();
        await Expect(editor.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await editor.Locator("a.public-link").GetAttributeAsync("href");

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(articlePath!);
        await Expect(reader.Locator("h1.headline")).ToHaveTextAsync(headline);
        await Expect(reader.Locator("figure.lead-figure img")).ToHaveAttributeAsync("alt", alt);
        await AssertListedAsync(reader, "/", headline);
        await AssertListedAsync(reader, "/" + articlePath!.Split('/')[1], headline);
        await reader.GotoAsync(articlePath);
        await reader.Locator("ul.story-tags a", new PageLocatorOptions { HasText = tag }).ClickAsync();
        await Expect(reader.Locator("main#main a.story-link", new PageLocatorOptions { HasText = headline }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_story_scheduled_two_minutes_ahead_goes_live_by_itself()
    {
        var editor = await site.SignedInAsync(site.EditorEmail);
        var headline = "Results at noon " + Guid.NewGuid().ToString("N")[..6];
        var id = await NewStoryAsync(editor, headline, "Results " + Guid.NewGuid().ToString("N")[..6]);
        var schedule = editor.Locator("input[name='Form.ScheduleAt']");
        // The input shows the publication's time zone; "min" is the minute the page was rendered in. Two
        // minutes past it stays in the future even when the clock turns a minute while the form is filled.
        var nowLocal = DateTime.ParseExact((await schedule.GetAttributeAsync("min"))!, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        await schedule.FillAsync(nowLocal.AddMinutes(2).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await editor.Locator("button.act-schedule").ClickAsync();
        await Expect(editor.Locator(".story-status .status")).ToHaveTextAsync("scheduled");

        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            await editor.GotoAsync($"/newsroom/stories/{id}");
            if (await editor.Locator(".story-status .status").TextContentAsync() == "published")
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the scheduled story did not go live within 4 minutes");
            await editor.WaitForTimeoutAsync(1000);
        }
        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await AssertListedAsync(reader, "/", headline);
    }

    [Fact]
    public async Task Two_editors_on_one_story_the_second_sees_the_conflict_and_keeps_their_text()
    {
        var first = await site.SignedInAsync(site.EditorEmail);
        var second = await site.SignedInAsync(site.EditorEmail);
        var id = await NewStoryAsync(first, "Shared story " + Guid.NewGuid().ToString("N")[..6], "Shared " + Guid.NewGuid().ToString("N")[..6]);
        await first.GotoAsync($"/newsroom/stories/{id}");
        await second.GotoAsync($"/newsroom/stories/{id}");

        await first.Locator("input[name='Form.Headline']").FillAsync("First editor's headline");
        await first.Locator("button.act-save").ClickAsync();
        await Expect(first.Locator("p.notice")).ToBeVisibleAsync();

        const string Mine = "The second editor's paragraph, which must not be lost.";
        await second.Locator("[data-be-mode]").ClickAsync();
        await second.Locator("#story-body").FillAsync(Mine);
        await second.Locator("button.act-save").ClickAsync();

        await Expect(second.Locator("section.conflict")).ToBeVisibleAsync();
        await Expect(second.Locator("section.conflict table.diff")).ToContainTextAsync("First editor's headline");
        await Expect(second.Locator("#story-body")).ToHaveValueAsync(Mine);
        await second.Locator("button.act-save").ClickAsync();
        await Expect(second.Locator("p.notice")).ToBeVisibleAsync();
        await Expect(second.Locator("#story-body")).ToHaveValueAsync(Mine);
    }
}
