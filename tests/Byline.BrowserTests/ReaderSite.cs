using Microsoft.Playwright;

namespace Byline.BrowserTests;

/// <summary>One Byline process and one headless Debian Chromium, shared by the reader journeys.</summary>
public class ReaderSite : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

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

    /// <summary>Extra configuration for the server (environment variables), for a fixture that needs other settings.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install chromium: apt-get install -y chromium");
        }
        _server = await BylineServer.StartAsync(Settings);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
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

    /// <summary>
    /// Whether the pages of this fixture count towards <see cref="CspWatch"/>. The visual fixture's do not: Playwright
    /// adds its own style to a page to take a screenshot, which the site's policy refuses and Chromium reports as a
    /// violation that is the test's doing, not the site's.
    /// </summary>
    protected virtual bool WatchContentSecurityPolicy => true;

    /// <summary>A fresh page in a context of its own (cookies, viewport and scripting set per test).</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = Server.Address.ToString();
        var context = await Browser.NewContextAsync(options);
        if (WatchContentSecurityPolicy)
        {
            CspWatch.Watch(context);
        }
        return await context.NewPageAsync();
    }
}

/// <summary>
/// The reader journeys share one server and browser (they only read the demo publication), started once for them all
/// rather than once per class.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReaderCollection : ICollectionFixture<ReaderSite>
{
    public const string Name = "Reader";
}
