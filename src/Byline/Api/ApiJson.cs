using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Byline.Api.Keys;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Byline.Api;

/// <summary>
/// Writes an API answer: the JSON (trimmed to the <c>fields</c> asked for), a strong ETag of exactly
/// those bytes, a 304 when the client already holds them, and cache headers by caller — public and
/// short-lived for anonymous reads (a CDN may keep them), private for keyed ones, whose answers can
/// differ by key (an admin key sees drafts).
/// </summary>
/// <param name="etag">
/// A validator the caller chose (the admin API's story version, which <c>If-Match</c> compares) instead of
/// the hash of the bytes; such an answer is never turned into a 304, since its bytes can change without it.
/// </param>
public sealed class ApiJson<T>(T value, IReadOnlySet<string>? fields = null, int status = StatusCodes.Status200OK, string? etag = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
#pragma warning disable CA1000 // IEndpointMetadataProvider's member is static by contract
    /// <summary>The OpenAPI document learns the answer's schema from the handler's return type.</summary>
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
#pragma warning restore CA1000

    public int? StatusCode => status;

    public T? Value => value;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var bytes = ApiJson.Serialize(value, fields);
        var response = httpContext.Response;
        var tag = etag ?? "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"";
        response.Headers.ETag = tag;
        var caller = ApiGate.Caller(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
        response.Headers.CacheControl = caller.IsKeyed
            ? "private, no-cache"
            : "public, max-age=" + ((int)options.PublicMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.Headers.Vary = "Authorization, X-Api-Key";
        if (status == StatusCodes.Status200OK && etag is null && ApiJson.Matches(httpContext.Request, tag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}

public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly ConcurrentDictionary<Type, IReadOnlyCollection<string>> FieldNames = new();

    /// <summary>The names <c>fields</c> may list for items of <typeparamref name="T"/>: its JSON property names.</summary>
    public static IReadOnlyCollection<string> FieldsOf<T>() =>
        FieldNames.GetOrAdd(typeof(T), static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToArray());

    internal static byte[] Serialize<T>(T value, IReadOnlySet<string>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, Options);
        }
        var node = JsonSerializer.SerializeToNode(value, Options);
        // A list answer trims each of its items; a single resource trims itself.
        if (node is JsonObject root && root["data"] is JsonArray items && value is IApiPage)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                Trim(item, fields);
            }
        }
        else if (node is JsonObject one)
        {
            Trim(one, fields);
        }
        return JsonSerializer.SerializeToUtf8Bytes(node, Options);
    }

    private static void Trim(JsonObject item, IReadOnlySet<string> fields)
    {
        foreach (var name in item.Select(p => p.Key).Where(k => !fields.Contains(k)).ToList())
        {
            item.Remove(name);
        }
    }

    internal static bool Matches(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }
        var ours = new EntityTagHeaderValue(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(ours, useStrongComparison: false));
    }
}

/// <summary>A page of a list: its items and the cursor of the next page (null on the last).</summary>
public interface IApiPage;
