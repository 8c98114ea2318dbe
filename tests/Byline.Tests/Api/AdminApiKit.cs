using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Byline.Api.Keys;
using Byline.Storage;
using Byline.Tests.Support;
using Byline.Tests.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Api;

/// <summary>Personal tokens and admin API calls, for the admin API suites.</summary>
public static class AdminApiKit
{
    /// <summary>A fresh account in <paramref name="role"/> with a personal token made through the app's own service (as the tokens page does).</summary>
    public static async Task<(BylineUser User, string Token)> TokenAsync(this BylineApp app, string role, ApiKeyScope scope = ApiKeyScope.TokenWrite,
        DateTime? expiresAt = null, int? perMinute = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var (user, _) = await NewsroomClient.CreateUserAsync(app, role);
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var created = await app.WithDbAsync(db => keys.CreateAsync(db, TestContent.Unique("token"), scope, user.Id, perMinute, user.Email!, CancellationToken.None, expiresAt));
        return (user, created.Secret);
    }

    /// <summary>One call: a JSON body (an object serialised, or raw text), If-Match when given.</summary>
    public static async Task<ApiAnswer> SendAsync(this BylineApp app, HttpMethod method, string path, string? token, object? json = null, string? ifMatch = null,
        string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(app);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (json is not null)
        {
            var text = json as string ?? JsonSerializer.Serialize(json);
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return await SendAsync(app, request);
    }

    public static async Task<ApiAnswer> SendAsync(this BylineApp app, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var response = await app.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var parsed = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        return new ApiAnswer(response.StatusCode, parsed, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public static string? ETag(this ApiAnswer answer) => answer?.Headers.ETag?.ToString();
}

/// <summary>
/// The admin API suites' app: a webhook receiver of its own (fast retries, loopback allowed), a generous
/// anonymous budget, and small body limits so that "too large" is cheap to send.
/// </summary>
internal static class AdminApiSettings
{
    public const int MaxJsonBytes = 600_000;
    public const int MaxUploadBytes = 300_000;

    public static Dictionary<string, string> All()
    {
        var settings = WebhookSettings.Fast();
        foreach (var (key, value) in ApiSettings.Generous)
        {
            settings[key] = value;
        }
        settings["Byline:Api:MaxJsonBytes"] = MaxJsonBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Byline:Media:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}

public sealed class AdminApiSqliteApp : WebhookSqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = AdminApiSettings.All();
}

public sealed class AdminApiPostgresApp : WebhookPostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = AdminApiSettings.All();
}
