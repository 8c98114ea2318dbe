using System.Net;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// A reader's newsletter journey in real Chromium against the real Postfix that scripts/test.sh starts
/// (BYLINE_TEST_SMTP, BYLINE_TEST_MAILDIR): subscribe on /newsletters, open the confirmation link from the mail
/// Postfix delivered, confirm, see the preference page, then the RFC 8058 one-click POST from an issue's
/// List-Unsubscribe header ends the subscription.
/// </summary>
public sealed class NewsletterJourneyTests : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private static readonly string[] Folders = ["new", "cur"];

    private const string Password = "Browser-test-pass-1!";

    private BylineServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the newsletter journey sends through a real Postfix. Run scripts/test.sh, or `eval \"$(bash scripts/postfix-test.sh start /tmp/byline-postfix)\"` first.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ReaderSite.ChromiumPath))
        {
            throw new InvalidOperationException($"{ReaderSite.ChromiumPath} is missing: install chromium: apt-get install -y chromium");
        }
        _server = await BylineServer.StartAsync(new Dictionary<string, string>
        {
            ["Byline__Newsletters__SmtpServer"] = Required("BYLINE_TEST_SMTP"),
            ["Byline__Newsletters__SmtpSecurity"] = "None",
            ["Byline__Newsletters__FromAddress"] = "newsletters@byline.test",
            ["Byline__Newsletters__BounceAddress"] = "bounces@byline.test",
            ["Byline__Newsletters__PollInterval"] = "00:00:00.5",
        });
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

    /// <summary>Messages Postfix delivered to <paramref name="address"/> (the Maildir holds every recipient's mail; Delivered-To names each).</summary>
    private async Task<List<MimeMessage>> MailToAsync(string address, int count)
    {
        var maildir = Required("BYLINE_TEST_MAILDIR");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var found = new List<MimeMessage>();
            foreach (var file in Folders.Select(f => Path.Combine(maildir, f)).Where(Directory.Exists).SelectMany(Directory.EnumerateFiles))
            {
                var text = await File.ReadAllTextAsync(file);
                if (text.Contains("Delivered-To: " + address, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add(MimeMessage.Load(file));
                }
            }
            if (found.Count >= count)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} message(s) for {address} not delivered within 90 s (have {found.Count}).\n{_server?.RecentLog}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    [Fact]
    public async Task A_reader_subscribes_confirms_from_the_mail_sees_preferences_and_one_click_unsubscribes()
    {
        var server = _server!;
        var adminEmail = $"admin-{Guid.NewGuid():N}@newsroom.test";
        var (code, output) = await server.RunVerbAsync(Password, "user", "add", "--email", adminEmail, "--role", "admin", "--name", "admin");
        Assert.True(code == 0, $"user add admin failed: {output}");

        // The admin makes a newsletter (a digest from Top Stories, sent by hand).
        await using var adminContext = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var admin = await adminContext.NewPageAsync();
        await admin.GotoAsync("/newsroom/signin");
        await admin.Locator("form[data-form=signin] input[name=Email]").FillAsync(adminEmail);
        await admin.Locator("form[data-form=signin] input[name=Password]").FillAsync(Password);
        await admin.Locator("form[data-form=signin] [type=submit]").ClickAsync();
        await admin.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/newsroom/signin", StringComparison.Ordinal));
        await admin.GotoAsync("/newsroom/newsletters");
        var name = "Morning Brief " + Guid.NewGuid().ToString("N")[..6];
        var form = admin.Locator("form[data-form=create-list]");
        await form.Locator("input[name='Form.Name']").FillAsync(name);
        await form.Locator("input[name='Form.Slug']").FillAsync("morning-" + Guid.NewGuid().ToString("N")[..6]);
        await form.Locator("input[name='Form.SenderName']").FillAsync("The Desk");
        await form.Locator("input[name='Form.SenderAddress']").FillAsync("desk@byline.test");
        await form.Locator("button[type=submit]").ClickAsync();
        await admin.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(new Uri(url).AbsolutePath, "^/newsroom/newsletters/[0-9]+$"));
        var listPath = new Uri(admin.Url).AbsolutePath;

        // The reader subscribes on /newsletters.
        await using var readerContext = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var reader = await readerContext.NewPageAsync();
        var email = $"reader-{Guid.NewGuid():N}@byline.test";
        await reader.GotoAsync("/newsletters");
        var subscribe = reader.Locator("form[data-form=subscribe]");
        await subscribe.GetByLabel("Email").FillAsync(email);
        await subscribe.GetByLabel(name).CheckAsync();
        await subscribe.Locator("button[type=submit]").ClickAsync();
        await Expect(reader.Locator("[data-check-inbox]")).ToBeVisibleAsync();

        // The confirmation mail, as Postfix delivered it; its link opens a page whose button confirms.
        var confirmation = (await MailToAsync(email, 1))[0];
        var link = System.Text.RegularExpressions.Regex.Match(confirmation.TextBody ?? "", @"https?://\S+/newsletters/confirm\?token=[A-Za-z0-9%_\-]+").Value;
        Assert.False(string.IsNullOrEmpty(link), "no confirmation link in: " + confirmation.TextBody);
        await reader.GotoAsync(new Uri(link).PathAndQuery);
        await reader.Locator("form[data-form=confirm] button[type=submit]").ClickAsync();
        await Expect(reader.Locator("[data-confirmed]")).ToBeVisibleAsync();
        await reader.Locator("a[data-preferences-link]").ClickAsync();
        await reader.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/newsletters/preferences");
        var box = reader.Locator("form[data-form=preferences]").GetByLabel(name);
        await Expect(box).ToBeCheckedAsync();
        var preferences = new Uri(reader.Url).PathAndQuery;

        // An issue goes out; the reader's mail client uses its List-Unsubscribe header: one POST, no cookie, no form token.
        await admin.GotoAsync(listPath);
        await admin.Locator("form[data-form=compose] button[type=submit]").ClickAsync();
        await admin.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/newsroom/newsletters/issues/", StringComparison.Ordinal));
        await admin.Locator("form[data-form=send] input[type=checkbox]").CheckAsync();
        await admin.Locator("form[data-form=send] button[type=submit]").ClickAsync();
        var issue = (await MailToAsync(email, 2)).First(m => m.Headers.Contains("List-Unsubscribe"));
        Assert.Equal("List-Unsubscribe=One-Click", issue.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = issue.Headers["List-Unsubscribe"]!.Trim().TrimStart('<').Split('>')[0];
        await using var mailClient = await _playwright!.APIRequest.NewContextAsync();
        var answer = await mailClient.PostAsync(unsubscribe, new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            Data = "List-Unsubscribe=One-Click",
        });
        Assert.Equal((int)HttpStatusCode.OK, answer.Status);

        // The preference page now shows the subscription ended.
        await reader.GotoAsync(preferences);
        await Expect(reader.Locator("form[data-form=preferences]").GetByLabel(name)).Not.ToBeCheckedAsync();
    }
}
