using Byline.Newsletters;
using Byline.Storage;

namespace Byline.Tests.Newsletters;

/// <summary>The issue rendered once per send gives each recipient exactly the copy rendering it for them alone would.</summary>
public sealed class IssueBodyTests
{
    private static IssueContent Content(string note) => new(
        new NewsletterList { Name = "Morning <Brief>", Slug = "morning", SenderName = "The Desk", SenderAddress = "desk@byline.test" },
        7, "Today & tomorrow", note,
        [new IssueStory(1, "Rates \"held\" at 4%", "What it means for you", "/business/rates-1"), new IssueStory(2, "Storm due", "", "/news/storm-2")],
        "https://news.byline.test", "The Byline");

    private static MailRecipient Reader(int n, bool pixel) => new(
        $"reader{n}@byline.test", $"Reader {n}", $"issue-7.{n}@byline.test",
        $"https://news.byline.test/newsletters/unsubscribe?token=u{n}%2B&x=\"'",
        $"https://news.byline.test/newsletters/preferences?token=p{n}<>",
        pixel ? $"https://news.byline.test/newsletters/opened?token=o{n}&y" : null);

    [Theory]
    [InlineData(false, "A note from the desk.")]
    [InlineData(true, "A note\nover two lines.")]
    [InlineData(true, "An editor pasted a control character \u0001 here.")]
    public void Each_copy_made_from_the_shared_body_equals_the_copy_rendered_for_its_reader_alone(bool pixel, string note)
    {
        var content = Content(note);
        var body = IssueBody.For(content, pixel);
        foreach (var n in new[] { 1, 2, 30 })
        {
            var to = Reader(n, pixel);
            Assert.Equal(NewsletterMail.IssueHtml(content, to), body.Html(to));
            Assert.Equal(NewsletterMail.IssueText(content, to), body.Text(to));
        }
    }
}
