using System.Globalization;
using System.Net;
using System.Text;
using Byline.Storage;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;

namespace Byline.Newsletters;

/// <summary>A story as an issue shows it.</summary>
public sealed record IssueStory(int Id, string Headline, string Standfirst, string Path);

/// <summary>Everything one issue's mail needs except the recipient.</summary>
public sealed record IssueContent(NewsletterList List, int IssueId, string Subject, string Note, IReadOnlyList<IssueStory> Stories, string BaseUrl, string Publication);

/// <summary>Who one copy goes to, with the links that are theirs alone.</summary>
public sealed record MailRecipient(string Email, string Name, string MessageId, string UnsubscribeUrl, string PreferencesUrl, string? OpenPixelUrl);

/// <summary>
/// Builds newsletter mail with MimeKit: a responsive HTML part and a plain-text part, the RFC 2369/8058 list headers
/// (List-Id, List-Unsubscribe with the one-click https URL, List-Unsubscribe-Post), the delivery's stable Message-ID,
/// and a DKIM signature when a key is configured. Names and subjects reach MimeKit's header encoder only after
/// <see cref="NewsletterInput"/> has refused line breaks, so no text a user typed can add a header.
/// </summary>
public sealed class NewsletterMail(IOptionsMonitor<NewsletterOptions> options)
{
    private DkimSigner? _signer;
    private string? _signerKey;

    /// <summary>The domain of a site address, for List-Id and Message-IDs ("localhost" when it has none).</summary>
    public static string DomainOf(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.IdnHost : "localhost";

    /// <summary>One recipient's copy; <paramref name="body"/>, made once per issue, saves rendering the stories again for each copy.</summary>
    public MimeMessage Issue(IssueContent issue, MailRecipient to, DateTimeOffset date, IssueBody? body = null)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(to);
        if (body is null || body.HasOpenPixel != (to.OpenPixelUrl is not null))
        {
            body = IssueBody.For(issue, to.OpenPixelUrl is not null);
        }
        var list = issue.List;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(NewsletterInput.OneLine(list.SenderName), list.SenderAddress));
        if (!string.IsNullOrEmpty(list.ReplyTo))
        {
            message.ReplyTo.Add(MailboxAddress.Parse(list.ReplyTo));
        }
        message.To.Add(new MailboxAddress(NewsletterInput.OneLine(to.Name), to.Email));
        message.Subject = NewsletterInput.OneLine(issue.Subject);
        message.Date = date;
        message.MessageId = to.MessageId;
        var domain = DomainOf(issue.BaseUrl);
        message.Headers.Add("List-Id", $"{NewsletterInput.OneLine(list.Name).Replace("<", "", StringComparison.Ordinal).Replace(">", "", StringComparison.Ordinal)} <{list.Slug}.list.{domain}>");
        message.Headers.Add("List-Unsubscribe", $"<{to.UnsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Precedence", "bulk");
        message.Body = new BodyBuilder { TextBody = body.Text(to), HtmlBody = body.Html(to) }.ToMessageBody();
        Sign(message);
        return message;
    }

    public MimeMessage Confirmation(string email, string name, IReadOnlyList<string> listNames, string confirmUrl, string publication, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(listNames);
        ArgumentNullException.ThrowIfNull(email);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(NewsletterInput.OneLine(publication), options.CurrentValue.FromAddress));
        message.To.Add(new MailboxAddress(NewsletterInput.OneLine(name), email));
        message.Subject = $"Confirm your subscription to {publication}";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(email.Split('@')[^1]);
        var lists = string.Join(", ", listNames);
        var hours = Math.Max(1, (int)Math.Round(lifetime.TotalHours));
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Someone — we hope you — asked to receive {lists} from {publication} at this address.")
            .AppendLine()
            .AppendLine("To confirm, open this link:")
            .AppendLine(confirmUrl)
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The link works for {hours} hours. If you did not ask, ignore this mail: nothing will be sent to you.")
            .ToString();
        var html = $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{E(message.Subject)}</title></head>
            <body style="margin:0;padding:16px;font-family:Georgia,serif;color:#111;background:#fff">
            <div style="max-width:600px;margin:0 auto">
            <p>Someone — we hope you — asked to receive <strong>{E(lists)}</strong> from {E(publication)} at this address.</p>
            <p><a href="{E(confirmUrl)}" style="display:inline-block;padding:12px 20px;background:#111;color:#fff;text-decoration:none;border-radius:4px">Confirm my subscription</a></p>
            <p style="font-size:14px;color:#444">The link works for {hours} hours. If you did not ask, ignore this mail: nothing will be sent to you.</p>
            </div></body></html>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        Sign(message);
        return message;
    }

    public static string IssueText(IssueContent issue, MailRecipient to)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(to);
        var text = new StringBuilder();
        text.AppendLine(issue.List.Name).AppendLine(new string('=', Math.Min(60, issue.List.Name.Length))).AppendLine();
        if (!string.IsNullOrWhiteSpace(issue.Note))
        {
            text.AppendLine(issue.Note.Trim()).AppendLine();
        }
        foreach (var story in issue.Stories)
        {
            text.AppendLine(story.Headline);
            if (!string.IsNullOrWhiteSpace(story.Standfirst))
            {
                text.AppendLine(story.Standfirst);
            }
            text.AppendLine(issue.BaseUrl + story.Path).AppendLine();
        }
        text.AppendLine("--")
            .AppendLine(CultureInfo.InvariantCulture, $"You receive {issue.List.Name} from {issue.Publication} because you subscribed.")
            .AppendLine(CultureInfo.InvariantCulture, $"Change your newsletters: {to.PreferencesUrl}")
            .AppendLine(CultureInfo.InvariantCulture, $"Unsubscribe: {to.UnsubscribeUrl}");
        return text.ToString();
    }

    public static string IssueHtml(IssueContent issue, MailRecipient to)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(to);
        var stories = new StringBuilder();
        foreach (var story in issue.Stories)
        {
            stories.Append(CultureInfo.InvariantCulture, $"""
                <tr><td class="story" style="padding:16px 0;border-top:1px solid #ddd">
                <h2 style="margin:0 0 6px;font-size:20px;line-height:1.3"><a href="{E(issue.BaseUrl + story.Path)}" style="color:#111;text-decoration:none">{E(story.Headline)}</a></h2>
                <p style="margin:0;font-size:16px;line-height:1.5;color:#333">{E(story.Standfirst)}</p>
                </td></tr>
                """);
        }
        var note = string.IsNullOrWhiteSpace(issue.Note) ? "" :
            $"""<tr><td style="padding:0 0 12px;font-size:16px;line-height:1.5">{E(issue.Note.Trim()).Replace("\n", "<br>", StringComparison.Ordinal)}</td></tr>""";
        var pixel = to.OpenPixelUrl is null ? "" : $"""<img src="{E(to.OpenPixelUrl)}" width="1" height="1" alt="" style="display:block;border:0">""";
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{E(issue.Subject)}</title>
            <style>{ResponsiveStyle}</style>
            </head>
            <body style="margin:0;padding:0;background:#f4f4f4;font-family:Georgia,'Times New Roman',serif;color:#111">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f4"><tr><td align="center">
            <table role="presentation" class="wrap" width="600" cellpadding="0" cellspacing="0" style="width:600px;max-width:600px;background:#fff;padding:24px">
            <tr><td style="padding:0 0 12px"><p style="margin:0;font-size:13px;letter-spacing:.05em;text-transform:uppercase;color:#555">{E(issue.Publication)}</p>
            <h1 style="margin:4px 0 0;font-size:26px">{E(issue.List.Name)}</h1></td></tr>
            {note}
            {stories}
            <tr><td style="padding:20px 0 0;border-top:1px solid #ddd;font-size:13px;line-height:1.5;color:#555">
            You receive {E(issue.List.Name)} from {E(issue.Publication)} because you subscribed.
            <a href="{E(to.PreferencesUrl)}" style="color:#555">Change your newsletters</a> ·
            <a href="{E(to.UnsubscribeUrl)}" style="color:#555">Unsubscribe</a>
            </td></tr>
            </table></td></tr></table>{pixel}
            </body></html>
            """;
    }

    /// <summary>Phones: the 600 px column fills the screen (clients that ignore media queries still get a readable fixed column).</summary>
    private const string ResponsiveStyle = "@media (max-width:620px){.wrap{width:100% !important;padding:12px !important} .story h2{font-size:18px !important}}";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>DKIM-signs the message when a key, domain and selector are configured (relaxed/relaxed, rsa-sha256).</summary>
    private void Sign(MimeMessage message)
    {
        var o = options.CurrentValue;
        if (string.IsNullOrEmpty(o.DkimKeyPath) || string.IsNullOrEmpty(o.DkimDomain) || string.IsNullOrEmpty(o.DkimSelector))
        {
            return;
        }
        var key = $"{o.DkimKeyPath}|{o.DkimDomain}|{o.DkimSelector}";
        var signer = _signer;
        if (signer is null || _signerKey != key)
        {
            signer = new DkimSigner(o.DkimKeyPath, o.DkimDomain, o.DkimSelector, DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
            _signer = signer;
            _signerKey = key;
        }
        message.Prepare(EncodingConstraint.SevenBit);
        var headers = new List<HeaderId> { HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.ReplyTo };
        var names = headers.Select(h => h.ToHeaderName()).Concat(["List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"])
            .Where(message.Headers.Contains).ToArray();
        signer.Sign(message, names);
    }
}

/// <summary>
/// An issue's HTML and text rendered once, with the recipient's own links (preferences, unsubscribe, tracking image)
/// left as slots that each copy fills in. Slots are marked in the rendering by a control character and a random
/// nonce; should an editor's text hold the control character, the marks cannot be trusted and each copy is rendered
/// whole instead.
/// </summary>
public sealed class IssueBody
{
    private const char Mark = '\u0001';
    private readonly IssueContent _issue;
    private readonly string _nonce;
    private readonly string[]? _html;
    private readonly string[]? _text;
    private readonly int _length;

    private IssueBody(IssueContent issue, bool openPixel)
    {
        _issue = issue;
        HasOpenPixel = openPixel;
        _nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var slots = new MailRecipient("", "", "", Slot('u'), Slot('p'), openPixel ? Slot('o') : null);
        _html = Split(NewsletterMail.IssueHtml(issue, slots));
        _text = Split(NewsletterMail.IssueText(issue, slots));
        _length = (_html?.Sum(p => p.Length) ?? 0) + 1024;
    }

    public bool HasOpenPixel { get; }

    public static IssueBody For(IssueContent issue, bool openPixel) => new(issue, openPixel);

    public string Html(MailRecipient to)
    {
        ArgumentNullException.ThrowIfNull(to);
        return _html is null ? NewsletterMail.IssueHtml(_issue, to) : Fill(_html, to, _length, static s => WebUtility.HtmlEncode(s));
    }

    public string Text(MailRecipient to)
    {
        ArgumentNullException.ThrowIfNull(to);
        return _text is null ? NewsletterMail.IssueText(_issue, to) : Fill(_text, to, _length, static s => s);
    }

    private string Slot(char name) => Mark + _nonce + name + Mark;

    /// <summary>Text and slots alternate (even: text, odd: a slot's name); null when a mark is not one of ours.</summary>
    private string[]? Split(string rendered)
    {
        var parts = rendered.Split(Mark);
        for (var i = 1; i < parts.Length; i += 2)
        {
            if (parts[i].Length != _nonce.Length + 1 || !parts[i].StartsWith(_nonce, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return parts.Length % 2 == 1 ? parts : null;
    }

    private static string Fill(string[] parts, MailRecipient to, int capacity, Func<string, string> encode)
    {
        var sb = new StringBuilder(capacity);
        for (var i = 0; i < parts.Length; i++)
        {
            sb.Append(i % 2 == 0 ? parts[i] : encode(parts[i][^1] switch
            {
                'u' => to.UnsubscribeUrl,
                'p' => to.PreferencesUrl,
                _ => to.OpenPixelUrl ?? "",
            }));
        }
        return sb.ToString();
    }
}
