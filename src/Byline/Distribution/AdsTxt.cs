using System.Text.RegularExpressions;

namespace Byline.Distribution;

public sealed record AdsTxtError(int Line, string Text, string Message);

/// <summary>
/// Checks an ads.txt against the IAB Tech Lab format (version 1.1): every line is blank, a comment,
/// a variable (<c>contact=</c>, <c>subdomain=</c>, <c>OWNERDOMAIN=</c>, <c>MANAGERDOMAIN=</c>, …) or a
/// record <c>domain, publisher-id, DIRECT|RESELLER[, certification-authority-id]</c>.
/// </summary>
public static partial class AdsTxt
{
    private static readonly HashSet<string> Variables = new(StringComparer.OrdinalIgnoreCase)
    {
        "contact", "subdomain", "inventorypartnerdomain", "ownerdomain", "managerdomain",
    };

    public const int MaxLength = 100_000;

    public static IReadOnlyList<AdsTxtError> Validate(string? text)
    {
        var errors = new List<AdsTxtError>();
        if (string.IsNullOrEmpty(text))
        {
            return errors;
        }
        if (text.Length > MaxLength)
        {
            errors.Add(new AdsTxtError(0, "", $"ads.txt is limited to {MaxLength:N0} characters."));
            return errors;
        }
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (CheckLine(line) is { } message)
            {
                errors.Add(new AdsTxtError(i + 1, raw.Trim(), message));
            }
        }
        return errors;
    }

    private static string? CheckLine(string line)
    {
        var eq = line.IndexOf('=', StringComparison.Ordinal);
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        if (eq > 0 && (comma < 0 || eq < comma))
        {
            var name = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (!Variables.Contains(name))
            {
                return $"Unknown variable '{name}': use contact, subdomain, inventorypartnerdomain, OWNERDOMAIN or MANAGERDOMAIN.";
            }
            if (value.Length == 0)
            {
                return $"The variable '{name}' needs a value.";
            }
            if (!name.Equals("contact", StringComparison.OrdinalIgnoreCase) && !IsDomain(value.Split(',')[0].Trim()))
            {
                return $"'{value}' is not a domain name.";
            }
            return null;
        }
        var fields = line.Split(',').Select(f => f.Trim()).ToArray();
        if (fields.Length is < 3 or > 4)
        {
            return "A record has three or four comma-separated fields: domain, publisher id, DIRECT or RESELLER, and an optional certification authority id.";
        }
        if (!IsDomain(fields[0]))
        {
            return $"'{fields[0]}' is not the ad system's domain name.";
        }
        if (fields[1].Length == 0 || fields[1].Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "The publisher account id is missing or contains spaces.";
        }
        if (!fields[2].Equals("DIRECT", StringComparison.OrdinalIgnoreCase) && !fields[2].Equals("RESELLER", StringComparison.OrdinalIgnoreCase))
        {
            return $"The relationship must be DIRECT or RESELLER, not '{fields[2]}'.";
        }
        if (fields.Length == 4 && !CertificationAuthority().IsMatch(fields[3]))
        {
            return $"'{fields[3]}' is not a certification authority id.";
        }
        return null;
    }

    private static bool IsDomain(string value) => value.Length <= 253 && Domain().IsMatch(value);

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Domain();

    [GeneratedRegex(@"^[a-z0-9]{1,64}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CertificationAuthority();
}
