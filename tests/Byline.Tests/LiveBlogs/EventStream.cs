using System.Text.Json;

namespace Byline.Tests.LiveBlogs;

/// <summary>One server-sent event of a live blog as the tests read it.</summary>
internal sealed record StreamMessage(string? EventId, string Type, long Id, string Html, IReadOnlyList<StreamMessage> Items);

/// <summary>Reads server-sent events one message at a time (comments and the retry line skipped).</summary>
internal sealed class EventStream(HttpRequestMessage request, HttpResponseMessage response, StreamReader reader) : IDisposable
{
    public HttpResponseMessage Response => response;

    public async Task<StreamMessage> NextAsync(CancellationToken ct)
    {
        string? id = null;
        string? data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(ct) ?? throw new InvalidOperationException("the stream ended");
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return Parse(id, JsonDocument.Parse(data).RootElement);
                }
                continue;
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    private static StreamMessage Parse(string? id, JsonElement e) => new(
        id,
        e.GetProperty("type").GetString()!,
        e.TryGetProperty("id", out var i) ? i.GetInt64() : 0,
        e.TryGetProperty("html", out var h) ? h.GetString() ?? "" : "",
        e.TryGetProperty("items", out var items) ? [.. items.EnumerateArray().Select(x => Parse(null, x))] : []);

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
        request.Dispose();
    }
}
