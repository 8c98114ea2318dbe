using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Byline.Api.Keys;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Api;

/// <summary>One API answer: status, parsed JSON (problem or resource) and headers.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Json, HttpResponseHeaders Headers, string? ContentType)
{
    /// <summary>The problem's stable code (what tests assert, never the wording).</summary>
    public string? Code => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("code", out var c) ? c.GetString() : null;

    public IReadOnlyList<JsonElement> Data => [.. Json.GetProperty("data").EnumerateArray()];

    public IReadOnlyList<int> Ids => [.. Data.Select(d => d.GetProperty("id").GetInt32())];

    public string? Next => Json.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
}

public static class ApiKit
{
    /// <summary>A key made through the app's own service, as the newsroom page makes them; returns the secret.</summary>
    public static async Task<string> KeyAsync(this BylineApp app, ApiKeyScope scope = ApiKeyScope.Content, int? userId = null, int? perMinute = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var keys = app.Services.GetRequiredService<ApiKeys>();
        return (await app.WithDbAsync(db => keys.CreateAsync(db, TestContent.Unique("key"), scope, userId, perMinute, "test", CancellationToken.None))).Secret;
    }

    public static async Task<ApiAnswer> ApiAsync(this BylineApp app, string path, string? key = null, string? ifNoneMatch = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        using var response = await app.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var json = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        return new ApiAnswer(response.StatusCode, json, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Every page of a list, following <c>next</c> until the last.</summary>
    public static async Task<List<int>> AllIdsAsync(this BylineApp app, string path, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ids = new List<int>();
        string? cursor = null;
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        for (var pages = 0; pages < 1000; pages++)
        {
            var answer = await app.ApiAsync(cursor is null ? path : $"{path}{separator}cursor={cursor}", key);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            ids.AddRange(answer.Ids);
            cursor = answer.Next;
            if (cursor is null)
            {
                return ids;
            }
        }
        throw new InvalidOperationException("The list never ended.");
    }
}

/// <summary>The API suites' app: a generous anonymous budget, so a suite's own requests never meet the limit it does not test.</summary>
public sealed class ApiSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings => ApiSettings.Generous;
}

public sealed class ApiPostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings => ApiSettings.Generous;
}

public static class ApiSettings
{
    public static readonly IReadOnlyDictionary<string, string> Generous = new Dictionary<string, string>
    {
        ["Byline:Api:AnonymousRequestsPerMinute"] = "100000",
    };
}
