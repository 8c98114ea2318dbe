using System.Collections.Concurrent;
using MimeKit;

namespace Byline.Tests.Newsletters;

/// <summary>One message Postfix delivered to the test Maildir, with the recipient it was delivered to.</summary>
public sealed record DeliveredMail(string DeliveredTo, MimeMessage Message, string File);

/// <summary>
/// The real Postfix that scripts/test.sh (or scripts/postfix-test.sh) started: its SMTP address, a "strict" listener
/// that refuses after three messages in five seconds, and the Maildir it delivers byline.test mail to. Without it the
/// newsletter suites fail with a message saying how to start it — they never skip.
/// </summary>
public static class MailServer
{
    private static readonly ConcurrentDictionary<string, DeliveredMail?> Parsed = new(StringComparer.Ordinal);

    public static string Smtp => Required("BYLINE_TEST_SMTP");

    public static string StrictSmtp => Required("BYLINE_TEST_SMTP_STRICT");

    public static string Maildir => Required("BYLINE_TEST_MAILDIR");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the newsletter tests send through a real Postfix. Run scripts/test.sh, or `eval \"$(bash scripts/postfix-test.sh start /tmp/byline-postfix)\"` first.");

    /// <summary>A fresh address in the test domain (Postfix delivers it to the Maildir).</summary>
    public static string NewAddress(string prefix = "reader") => $"{prefix}-{Guid.NewGuid():N}@byline.test";

    /// <summary>Every message delivered so far to <paramref name="address"/>.</summary>
    public static IReadOnlyList<DeliveredMail> To(string address)
    {
        var result = new List<DeliveredMail>();
        foreach (var folder in new[] { "new", "cur" })
        {
            var dir = Path.Combine(Maildir, folder);
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var mail = Parsed.GetOrAdd(Path.GetFileName(file), _ => Load(file));
                if (mail is not null && string.Equals(mail.DeliveredTo, address, StringComparison.OrdinalIgnoreCase))
                {
                    result.Add(mail);
                }
            }
        }
        return result;
    }

    /// <summary>Waits until <paramref name="address"/> has at least <paramref name="count"/> messages and returns them.</summary>
    public static Task<IReadOnlyList<DeliveredMail>> WaitForAsync(string address, int count = 1, TimeSpan? deadline = null) =>
        Support.Poll.UntilAsync(() => Task.FromResult(To(address)), m => m.Count >= count, $"{count} message(s) delivered to {address}", deadline);

    private static DeliveredMail? Load(string file)
    {
        try
        {
            var message = MimeMessage.Load(file);
            var to = message.Headers["Delivered-To"] ?? "";
            return new DeliveredMail(to.Trim(), message, file);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
