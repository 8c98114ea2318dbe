using System.Globalization;
using Byline.Api.Keys;
using Microsoft.Extensions.Options;

namespace Byline.Api;

/// <summary>
/// The query string of one API request, read strictly: a parameter the endpoint does not know, a
/// malformed number or date, a page larger than the caller may ask for — each a 400 with its code,
/// never a silently ignored typo.
/// </summary>
public sealed class ApiQuery
{
    private readonly HttpContext _http;

    public ApiQuery(HttpContext http, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(allowed);
        _http = http;
        Caller = ApiGate.Caller(http);
        Options = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
        foreach (var (name, values) in http.Request.Query)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Refuse(ApiProblems.InvalidFilter, $"Unknown query parameter '{name}'.", name);
            }
            if (values.Count > 1)
            {
                throw Refuse(ApiProblems.InvalidFilter, $"The parameter '{name}' is given more than once.", name);
            }
        }
    }

    public ApiCaller Caller { get; }

    public ApiOptions Options { get; }

    public string? this[string name]
    {
        get
        {
            var value = _http.Request.Query[name].ToString();
            return value.Length == 0 ? null : value;
        }
    }

    public static ApiRefusalException Refuse(string code, string title, string? parameter = null) =>
        new(ApiProblems.BadRequest(code, title, parameter));

    /// <summary>The page size: <paramref name="byDefault"/> when absent, 1 to the caller's maximum otherwise.</summary>
    public int Limit(int byDefault, int anonymousMax, int keyedMax)
    {
        var max = Caller.IsKeyed ? keyedMax : anonymousMax;
        var raw = this["limit"];
        if (raw is null)
        {
            return Math.Min(byDefault, max);
        }
        if (raw.Length > 9 || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > max)
        {
            throw Refuse(ApiProblems.InvalidLimit, $"limit must be a whole number from 1 to {max.ToString(CultureInfo.InvariantCulture)}.", "limit");
        }
        return limit;
    }

    public DateTime? Time(string name)
    {
        var raw = this[name];
        if (raw is null)
        {
            return null;
        }
        if (raw.Length > 40 || !DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            throw Refuse(ApiProblems.InvalidFilter, $"{name} must be an ISO 8601 time, such as 2026-01-31T09:00:00Z.", name);
        }
        return at.UtcDateTime;
    }

    /// <summary>A comma-separated list of names, each from <paramref name="known"/>; empty when absent.</summary>
    public IReadOnlySet<string> Names(string name, IReadOnlyCollection<string> known, string code)
    {
        ArgumentNullException.ThrowIfNull(known);
        var raw = this[name];
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (raw is null)
        {
            return names;
        }
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!known.Contains(part))
            {
                throw Refuse(code, $"'{Cut(part)}' is not one of: {string.Join(", ", known)}.", name);
            }
            names.Add(part);
        }
        return names;
    }

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
