using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The wire desk in real Chromium: an admin sets up a push source, the agency pushes signed ninjs, an editor
/// finds the item with the keyboard, makes a draft of it and publishes it; the reader sees the attribution.
/// </summary>
public sealed class WireDeskJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [Fact]
    public async Task An_editor_turns_a_pushed_wire_item_into_a_published_story_with_the_agency_credited()
    {
        var adminEmail = $"admin-{Guid.NewGuid():N}@newsroom.test";
        var (code, output) = await site.Server.RunVerbAsync(NewsroomSite.Password, "user", "add", "--email", adminEmail, "--role", "admin", "--name", "admin");
        Assert.True(code == 0, $"user add admin failed: {output}");
        var admin = await site.SignedInAsync(adminEmail);
        await admin.GotoAsync("/newsroom/wire/sources");
        var agency = "Browser Agency " + Guid.NewGuid().ToString("N")[..6];
        await admin.Locator("form[data-form=source] input[name=AgencyName]").FillAsync(agency);
        await admin.Locator("form[data-form=source] input[name=CreditLine]").FillAsync("BRA");
        await admin.Locator("form[data-form=source] select[name=Kind]").SelectOptionAsync("Ninjs");
        await admin.Locator("form[data-form=source] input[name=Push]").CheckAsync();
        await admin.Locator("form[data-form=source] button[type=submit]").ClickAsync();
        var secret = (await admin.Locator("[data-secret]").TextContentAsync())!.Trim();
        var sourceId = await admin.Locator("form[data-form=switch-source]").GetAttributeAsync("action");
        var id = sourceId!.Split('?')[0].Split('/')[^1];

        var headline = "Harbour reopens after storm " + Guid.NewGuid().ToString("N")[..6];
        var body = Encoding.UTF8.GetBytes($$"""{"uri":"urn:bra:{{Guid.NewGuid():N}}","version":"1","urgency":3,"headlines":[{"value":"{{headline}}"}],"bodies":[{"value":"<p>The harbour reopened on Monday after the storm passed.</p><p>Ferries resumed by noon.</p>"}],"located":"CHENNAI"}""");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        byte[] signed = [.. Encoding.UTF8.GetBytes(ts.ToString(CultureInfo.InvariantCulture) + "."), .. body];
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        using (var http = new HttpClient { BaseAddress = site.Server.Address })
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/wire/sources/{id}/push"))
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Byline-Timestamp", ts.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Byline-Signature", signature);
            using var pushed = await http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, pushed.StatusCode);
        }

        var editor = await site.SignedInAsync(site.EditorEmail);
        await editor.GotoAsync($"/newsroom/wire?source={id}&item=0");
        await editor.Keyboard.PressAsync("j");
        await Expect(editor.Locator("[data-wire-list] a[data-wire-item]").First).ToBeFocusedAsync();
        await editor.Keyboard.PressAsync("Enter");
        await Expect(editor.Locator("[data-reading] h2")).ToHaveTextAsync(headline);
        await editor.Locator("[data-use-as-draft]").ClickAsync();
        await editor.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/newsroom/stories/", StringComparison.Ordinal));
        await Expect(editor.Locator("input[name='Form.Headline']")).ToHaveValueAsync(headline);
        await editor.Locator("button.act-publish").ClickAsync();
        await Expect(editor.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await editor.Locator("a.public-link").GetAttributeAsync("href");

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(articlePath!);
        await Expect(reader.Locator("h1.headline")).ToHaveTextAsync(headline);
        await Expect(reader.Locator("p.attribution")).ToContainTextAsync("With inputs from BRA");
    }
}
