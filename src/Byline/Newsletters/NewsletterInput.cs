using System.Text.RegularExpressions;
using MimeKit;

namespace Byline.Newsletters;

/// <summary>
/// Checks what people type into newsletter forms before it goes near a mail header: addresses must be one plain
/// addr-spec, and names and subjects may hold no line breaks or other control characters (header injection).
/// </summary>
public static partial class NewsletterInput
{
    public const int MaxAddressLength = 254;

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex AddrSpec();

    /// <summary>The normalised address (trimmed, lower-cased), or null with the reason a reader is shown.</summary>
    public static string? Address(string? text, out string? error)
    {
        error = null;
        var value = (text ?? "").Trim();
        if (value.Length == 0)
        {
            error = "Enter your email address.";
            return null;
        }
        if (HasControl(value))
        {
            error = "An email address cannot contain line breaks.";
            return null;
        }
        if (value.Length > MaxAddressLength || !AddrSpec().IsMatch(value) || value.Contains("..", StringComparison.Ordinal)
            || value.Split('@')[0].Length > 64 || !MailboxAddress.TryParse(value, out var parsed) || parsed.Address != value)
        {
            error = "Enter an email address like name@example.com.";
            return null;
        }
        return value.ToLowerInvariant();
    }

    /// <summary>A name or subject: null with the reason when it holds line breaks or control characters, or is too long.</summary>
    public static string? Line(string? text, int max, string what, bool required, out string? error)
    {
        error = null;
        var value = text ?? "";
        if (HasControl(value))
        {
            error = $"The {what} cannot contain line breaks or control characters.";
            return null;
        }
        value = value.Trim();
        if (required && value.Length == 0)
        {
            error = $"Enter the {what}.";
            return null;
        }
        if (value.Length > max)
        {
            error = $"The {what} can be at most {max} characters.";
            return null;
        }
        return value;
    }

    public static bool HasControl(string value) => value.Any(char.IsControl);

    /// <summary>Defence in depth for text already checked: control characters become spaces.</summary>
    public static string OneLine(string? text) => new([.. (text ?? "").Select(c => char.IsControl(c) ? ' ' : c)]);
}
